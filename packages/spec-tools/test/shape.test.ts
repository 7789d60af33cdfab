// test:live's shape comparison: the pure comparison, table-driven; then the whole run against two
// simulators — the same shapes from two seeds (other ids and rows) compare equal, and answers changed
// on the way (a key dropped, a key added, a type changed, a null, a status) are each reported once,
// where they are and nowhere else.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { compareAnswers, compareLiveShapes, compareShapes, differs, formatShapeReport, shapeOf, type ShapeDifference } from "../src/shape.js";
import { comparisonSimulator, loadSimulator } from "../src/simulator.js";

type Simulator = Awaited<ReturnType<typeof comparisonSimulator>>;

describe("compareShapes", () => {
  const cases: Array<[string, unknown, unknown, ShapeDifference[]]> = [
    ["same shape, other values", { id: "a", n: 1, ok: true, at: null }, { id: "b", n: 2.5, ok: false, at: null }, []],
    ["a key only Peaka sends", { id: "a" }, { id: "a", extra: 1 }, [{ at: "$.extra", kind: "only in Peaka", simulator: "absent", peaka: "number" }]],
    ["a key only the simulator sends", { id: "a", extra: "x" }, { id: "a" }, [{ at: "$.extra", kind: "only in the simulator", simulator: "string", peaka: "absent" }]],
    ["a type", { id: "a" }, { id: 1 }, [{ at: "$.id", kind: "type", simulator: "string", peaka: "number" }]],
    ["null on one side", { at: "2026-01-01" }, { at: null }, [{ at: "$.at", kind: "nullability", simulator: "string (never null)", peaka: "null (null seen)" }]],
    ["an object seen only as null: nothing inside to compare", { run: null }, { run: { id: "x" } }, [{ at: "$.run", kind: "nullability", simulator: "null (null seen)", peaka: "object (never null)" }]],
    ["array items merged: a key in some items only is still there", [{ a: 1 }, { a: 2, b: "x" }], [{ a: 1, b: "y" }], []],
    ["array items: a type inside", [{ a: 1 }], [{ a: "1" }], [{ at: "$[].a", kind: "type", simulator: "number", peaka: "string" }]],
    ["an empty list cannot be compared", [], [{ a: 1 }], []],
    ["nested", { page: { items: [{ id: "x", tags: ["t"] }] } }, { page: { items: [{ id: "y", tags: [1] }] } }, [{ at: "$.page.items[].tags[]", kind: "type", simulator: "string", peaka: "number" }]],
    ["a list against an object", [], {}, [{ at: "$", kind: "type", simulator: "array", peaka: "object" }]],
  ];
  it.each(cases)("%s", (_name, sim, peaka, expected) => {
    expect(compareShapes(shapeOf(sim), shapeOf(peaka))).toEqual(expected);
  });

  it("reports a different status instead of comparing bodies", () => {
    expect(compareAnswers({ status: 200, body: [] }, { status: 403, body: { message: "no" } })).toEqual([{ at: "(status)", kind: "status", simulator: "200", peaka: "403" }]);
    expect(compareAnswers({ status: 404, body: { message: "a" } }, { status: 404, body: { message: "b" } })).toEqual([]);
    expect(compareAnswers({ status: 201, body: { a: 1 } }, { status: 200, body: { a: 1 } })).toEqual([]);
  });
});

/** A fetch that hands `change` each JSON answer (by URL) to alter before it is read. */
function altered(fetch: (input: string, init?: RequestInit) => Promise<Response>, change: (url: string, body: any) => { status?: number; body: unknown } | undefined) {
  return async (input: string, init?: RequestInit) => {
    const response = await fetch(input, init);
    const body = await response.clone().json().catch(() => undefined);
    const changed = body === undefined ? undefined : change(input, body);
    return changed ? new Response(JSON.stringify(changed.body), { status: changed.status ?? response.status, headers: { "content-type": "application/json" } }) : response;
  };
}

describe("compareLiveShapes against two simulators", () => {
  const sides = (a: Simulator, b: Simulator, fetchB: (input: string, init?: RequestInit) => Promise<Response> = b.fetch) => ({
    simulator: { baseUrl: a.baseUrl, apiKey: a.partnerKey, projectId: a.seeded.projectId, fetch: a.fetch },
    peaka: { baseUrl: b.baseUrl, apiKey: b.partnerKey, projectId: b.seeded.projectId, fetch: fetchB },
  });

  it("finds no difference between two seeds, after comparing every call", async () => {
    const a = await comparisonSimulator();
    const b = await comparisonSimulator(7);
    expect(a.seeded.projectId).not.toBe(b.seeded.projectId);
    const results = await compareLiveShapes(sides(a, b));
    expect(results.filter((r) => r.differences.length)).toEqual([]);
    expect(differs(results)).toBe(false);
    // Both sides answered the same calls, each with its own project's ids, and most with data.
    const compared = results.filter((r) => r.simulator.status === 200 && r.peaka.status === 200);
    expect(compared.length).toBeGreaterThan(20);
    expect(results.filter((r) => r.simulator.failure || r.peaka.failure).every((r) => /the simulator answers 501/.test(r.simulator.failure ?? ""))).toBe(true);
    for (const op of ["listCatalogs", "getCatalog", "listCatalogSchemas", "listCatalogTables", "listCatalogColumns", "listQueries", "getQuery", "getCacheStatus", "getExport"]) {
      expect(compared.map((r) => r.operationId)).toContain(op);
    }
    const tables = results.find((r) => r.operationId === "listCatalogColumns")!;
    expect(tables.simulatorPath).toContain(`/projects/${a.seeded.projectId}/`);
    expect(tables.peakaPath).toContain(`/projects/${b.seeded.projectId}/`);
  });

  it("reports each shape difference introduced on the Peaka side, and only those", async () => {
    const a = await comparisonSimulator();
    const b = await comparisonSimulator(7);
    const fetchB = altered(b.fetch, (url, body) => {
      const path = new URL(url).pathname;
      if (path.endsWith(`/projects/${b.seeded.projectId}/catalogs`)) {
        // Every catalog: displayName dropped, an extra key, the id a number.
        return { body: body.map(({ displayName: _d, ...c }: any) => ({ ...c, id: Number(c.id), region: "eu" })) };
      }
      if (path.endsWith("/info")) return { body: { ...body, email: null } };
      if (path.endsWith(`/projects/${b.seeded.projectId}/queries`)) return { status: 403, body: { errorCode: 403, message: "denied" } };
      return undefined;
    });
    const results = await compareLiveShapes(sides(a, b, fetchB));
    const found = results.flatMap((r) => r.differences.map((d) => ({ operationId: r.operationId, ...d })));
    expect(found).toEqual([
      { operationId: "getKeyInfo", at: "$.email", kind: "nullability", simulator: "string (never null)", peaka: "null (null seen)" },
      { operationId: "listCatalogs", at: "$[].id", kind: "type", simulator: "string", peaka: "number" },
      { operationId: "listCatalogs", at: "$[].displayName", kind: "only in the simulator", simulator: "string", peaka: "absent" },
      { operationId: "listCatalogs", at: "$[].region", kind: "only in Peaka", simulator: "absent", peaka: "string" },
      { operationId: "listQueries", at: "(status)", kind: "status", simulator: "200", peaka: "403" },
    ]);
    // getQuery follows listQueries: with nothing from Peaka's side to call it with, it is not compared.
    expect(results.find((r) => r.operationId === "getQuery")?.peaka.failure).toMatch(/not compared/);

    const report = formatShapeReport(results, "https://peaka.example/api/v1");
    expect(report).toMatch(/ONLY IN PEAKA\s+listCatalogs\s+\$\[\]\.region/);
    expect(report).toMatch(/STATUS\s+listQueries/);
    const skipped = results.filter((r) => r.simulator.failure || r.peaka.failure).length;
    expect(report).toContain(`${results.length} call(s): ${results.length - 3 - skipped} of the same shape, 3 different, ${skipped} not compared.`);
    expect(report).not.toContain(a.partnerKey);
    expect(report).not.toContain(b.partnerKey);
  });
});

describe("pnpm test:live with a key", () => {
  it("compares a served simulator standing in for Peaka with its own, then runs the contract check", { timeout: 240_000 }, async () => {
    const { createPeakaSimulator, serveSimulator } = await loadSimulator();
    const peaka = createPeakaSimulator({ seed: 3 });
    const served = await serveSimulator(peaka);
    try {
      const env: Record<string, string | undefined> = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PEAKA_")));
      const run = promisify(execFile)(process.execPath, ["--conditions=development", "--import", "tsx", join(import.meta.dirname, "../src/cli/live.ts")], {
        cwd: join(import.meta.dirname, ".."),
        env: { ...env, PEAKA_API_KEY: peaka.partnerKey, PEAKA_PROJECT_ID: peaka.seeded.projectId, PEAKA_BASE_URL: served.url },
        timeout: 230_000,
      });
      const { stdout } = await run; // rejects on a non-zero exit code
      expect(stdout).toMatch(/^Shapes of the same read-only calls on @peaka\/simulator and on http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
      expect(stdout).toMatch(/\d+ call\(s\): \d+ of the same shape, 0 different, \d+ not compared\./);
      expect(stdout).toMatch(/Live contract check against http:\/\/127\.0\.0\.1:\d+\/api\/v1/);
      expect(stdout).toMatch(/0 not conforming to spec\//);
      expect(stdout).not.toContain(peaka.partnerKey);
      // Both checks reached the served simulator with the key, and only read.
      expect(peaka.requests.length).toBeGreaterThan(40);
      expect(peaka.requests.filter((r) => r.method !== "GET")).toEqual([]);

      // A project key (no PEAKA_PROJECT_ID: it names its project) is compared with the simulator's
      // project key: both refuse the partner-only calls alike, so no status differs. The contract
      // check cannot check those calls, and says so with exit code 1.
      const refused = await promisify(execFile)(process.execPath, ["--conditions=development", "--import", "tsx", join(import.meta.dirname, "../src/cli/live.ts")], {
        cwd: join(import.meta.dirname, ".."),
        env: { ...env, PEAKA_API_KEY: peaka.projectKey, PEAKA_BASE_URL: served.url },
        timeout: 230_000,
      }).then(
        () => undefined,
        (error: { code?: number; stdout?: string }) => error,
      );
      expect(refused?.code).toBe(1);
      expect(refused?.stdout).toMatch(/same shape +listOrganizations +403 +403/);
      expect(refused?.stdout).toMatch(/\d+ call\(s\): \d+ of the same shape, 0 different, \d+ not compared\./);
      expect(refused?.stdout).toMatch(/NOT CHECKED +GET \/organizations +403/);
    } finally {
      await served.close();
    }
  });
});
