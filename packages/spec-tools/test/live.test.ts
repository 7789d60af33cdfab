// test:live against a fake upstream on 127.0.0.1: Prism (proxy mode, validating spec/) passes the
// conforming answer and the check reports the non-conforming one.
import { execFileSync } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCalls, formatLiveReport, isFailure, runLiveCheck, type LiveCall } from "../src/live.js";

const here = dirname(fileURLToPath(import.meta.url));
const STRICT_ONLY_BREAK = {
  id: "a1c4e9d2-6b37-4f08-9e5a-2d7c81f03b64",
  status: "COMPLETED",
  catalogId: "804417263395018842",
  schemaName: "payment",
  tableName: "refunds",
  lastIncrementalCacheExecution: null,
  lastFullRefreshCacheExecution: {
    id: "61af0d27-3c58-4e9b-a2d6-f8e04b7c1935",
    status: "COMPLETED",
    progress: { numberOfCachedRecords: 2 ** 40 },
  },
};
const projectId = "prjLive01";
let server: Server;
let upstream: string;
const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ method: req.method, url: req.url, headers: req.headers });
    res.setHeader("content-type", "application/json");
    if (req.url === "/api/v1/organizations") {
      // Conforms to Organization (id and name required, strings).
      res.end(JSON.stringify([{ id: "5b1f0e52-8c3a-4d7e-9a61-2f4c8d9e0b17", name: "Northwind" }]));
    } else if (req.url === `/api/v1/data/projects/${projectId}/cache/status`) {
      // Passes Prism but not the strict validator: a run counter beyond int32.
      res.end(JSON.stringify([STRICT_ONLY_BREAK]));
    } else if (req.url === `/api/v1/data/projects/${projectId}/catalogs`) {
      // Does not conform to Catalog: id has the wrong type, required fields are missing.
      res.end(JSON.stringify([{ id: 42, name: "peaka" }]));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ errorCode: 404, message: "not here" }));
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
});

// Each Prism start takes seconds, and far more on a busy machine: generous limits for the tests that start one.
describe("live contract check", { timeout: 120_000 }, () => {
  it("passes a conforming answer and reports a non-conforming one", async () => {
    const calls: LiveCall[] = [
      { operationId: "listOrganizations", method: "GET", path: "/organizations", pathParams: {} },
      { operationId: "listCatalogs", method: "GET", path: "/data/projects/{projectId}/catalogs", pathParams: { projectId } },
    ];
    const results = await runLiveCheck({ apiKey: "live-test-key", projectId, upstream, calls });
    const [orgs, catalogs] = results;

    expect(orgs?.status).toBe(200);
    expect(orgs?.violations).toEqual([]);
    expect(isFailure(orgs!)).toBe(false);

    expect(catalogs?.status).toBe(500); // Prism's answer to an Error-severity response violation
    expect(isFailure(catalogs!)).toBe(true);
    expect(catalogs?.violations.every((v) => v.location[0] === "response")).toBe(true);
    const messages = catalogs!.violations.map((v) => v.message).join("\n");
    expect(messages).toMatch(/must be string/);
    expect(messages).toMatch(/must have required property 'displayName'/);

    // Both requests reached the upstream, with the key and the /api/v1 prefix.
    expect(received.map((r) => r.url)).toEqual(["/api/v1/organizations", `/api/v1/data/projects/${projectId}/catalogs`]);
    expect(received[0]?.headers.authorization).toBe("Bearer live-test-key");

    const report = formatLiveReport(results, upstream);
    expect(report).toMatch(/ok\s+GET \/organizations\s+200/);
    expect(report).toMatch(/VIOLATION \(Error\)\s+GET \/data\/projects\/\{projectId\}\/catalogs/);
    expect(report).toMatch(/1 conform, 1 not conforming to spec\//);
  });

  it("checks what Prism passes with the strict validator, and the report names the answer and the place", async () => {
    const calls: LiveCall[] = [
      { operationId: "listCacheStatusesByProject", method: "GET", path: "/data/projects/{projectId}/cache/status", pathParams: { projectId } },
    ];
    const [result] = await runLiveCheck({ apiKey: "live-test-key", projectId, upstream, calls });
    expect(result?.status).toBe(200); // Prism passed it on
    expect(result?.violations.filter((v) => v.severity === "Error")).toEqual([]);
    expect(result?.schemaProblems).toEqual([
      { at: "/0/lastFullRefreshCacheExecution/progress/numberOfCachedRecords", message: 'must match format "int32"' },
    ]);
    expect(isFailure(result!)).toBe(true);
    const report = formatLiveReport([result!], upstream);
    expect(report).toMatch(/VIOLATION \(strict\)\s+GET \/data\/projects\/\{projectId\}\/cache\/status\s+response\.body\.0\.lastFullRefreshCacheExecution\.progress\.numberOfCachedRecords\s+listCacheStatusesByProject: must match format "int32"/);
    expect(report).toMatch(/0 conform, 1 not conforming to spec\//);
  });

  it("reports a fake answer's strict problems without Prism", () => {
    const report = formatLiveReport(
      [
        { operationId: "getKeyInfo", method: "GET", path: "/info", pathParams: {}, status: 200, violations: [], schemaProblems: [{ at: "/email", message: "must be string" }] },
        { operationId: "listOrganizations", method: "GET", path: "/organizations", pathParams: {}, status: 200, violations: [], schemaProblems: [] },
      ],
      "https://example.invalid/api/v1",
    );
    expect(report).toMatch(/VIOLATION \(strict\)\s+GET \/info\s+response\.body\.email\s+getKeyInfo: must be string/);
    expect(report).toMatch(/ok\s+GET \/organizations/);
    expect(report).toMatch(/2 call\(s\): 1 conform, 1 not conforming to spec\//);
  });

  it("calls only GET operations by default, including organizations, catalogs and cache statuses", () => {
    const calls = defaultCalls(projectId);
    expect(calls.every((c) => c.method === "GET")).toBe(true);
    const ids = calls.map((c) => c.operationId);
    expect(ids).toEqual(expect.arrayContaining(["listOrganizations", "listCatalogs", "listCacheStatusesByProject"]));
  });

  it("is skipped with a clear message (and exit code 0) without PEAKA_API_KEY", () => {
    const env = { ...process.env };
    delete env["PEAKA_API_KEY"];
    delete env["PEAKA_PROJECT_ID"];
    const out = execFileSync(process.execPath, ["--conditions=development", "--import", "tsx", resolve(here, "../src/cli/live.ts")], {
      cwd: resolve(here, ".."),
      env,
      encoding: "utf8",
    });
    // execFileSync throws on a non-zero exit code.
    expect(out).toMatch(/^test:live SKIPPED: PEAKA_API_KEY is not set\. With a key .* it makes read-only calls to Peaka: it compares their answers' shapes with @peaka\/simulator's/);
  });
});
