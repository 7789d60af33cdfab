// Every ```ts snippet of every README runs here against a fresh simulator served on 127.0.0.1: the
// names it uses without declaring them come from ./readme/context.ts, the clients it makes talk to the
// simulator (./readme/api.ts), and what it prints is kept. A snippet passes when it runs to its end,
// no answer it got was a 501 for an operation the simulator does not model, every answer fits the
// spec, and what it printed meets the checks below. The snippets are also compiled as a strict user
// compiles (strict, exactOptionalPropertyTypes), since the harness runs them without type checks.
// Convention for a snippet that cannot run: see ./readme/snippets.ts.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createPeakaClient, createPeakaCore } from "@peaka/api";
import { createPeakaSimulator, serveSimulator, type PeakaSimulator } from "@peaka/simulator";
import ts from "typescript";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { QUICK_JOBS } from "../src/run.js";
import { setHarness, type Harness } from "./readme/context.js";
import { extractSnippets, moduleOf, readmes, type Snippet } from "./readme/snippets.js";
import { offSpec } from "./support.js";

const HERE = join(import.meta.dirname, "readme");
const SCRATCH = join(HERE, ".run");
rmSync(SCRATCH, { recursive: true, force: true });
mkdirSync(SCRATCH, { recursive: true });
writeFileSync(join(SCRATCH, "orders.csv"), "id\n1001\n1002\n1003\n");

const snippets = readmes().flatMap(extractSnippets);
const fileOf = (s: Snippet) => join(HERE, `snippet-${s.file.replace(/[^A-Za-z0-9]+/g, "-")}-${s.line}.ts`);
const written: string[] = [];
for (const s of snippets) {
  writeFileSync(fileOf(s), moduleOf(s, snippets.filter((e) => e.file === s.file && e.line < s.line)));
  written.push(fileOf(s));
}
afterAll(() => {
  for (const f of written) rmSync(f, { force: true });
  rmSync(SCRATCH, { recursive: true, force: true });
});

/** What a snippet printed, one string per console.log call (values joined with spaces). */
type Printed = string[];
/** The answers the simulator gave to one operation. */
const answers = (sim: PeakaSimulator, operationId: string) => sim.requests.filter((r) => r.operationId === operationId);
const shopTable = (sim: PeakaSimulator, name: string) => sim.world.projects.get(sim.seeded.projectId)!.catalogs.get(sim.seeded.catalogId)!.schemas.get("public")!.get(name)!;

/**
 * Checks on what particular snippets print or do, each found by a line of code it holds; the values
 * compared with come from the simulator's state and answers.
 */
const CHECKS: Array<{ holds: string; check: (printed: Printed, sim: PeakaSimulator, handled: unknown[]) => void }> = [
  {
    holds: "console.log(cache.status);",
    check: (printed, sim) => {
      const cacheStatus = (answers(sim, "getCacheStatus").at(-1)?.responseBody as { status: string }).status;
      expect(printed[0]).toBe(cacheStatus);
      if (printed.length > 1) {
        // The metadata state as Peaka spells it ("not-active") and as the client gives it.
        const sent = (answers(sim, "getMetadataRefreshStatus")[0]?.responseBody as { status: string }).status;
        expect(printed[1]).toBe(sent.toUpperCase().replaceAll("-", "_"));
        expect(printed[2]).toMatch(/^404 /);
      }
    },
  },
  {
    holds: "console.log(me.projectId ?",
    check: (printed, sim) => expect(printed).toEqual([`partner key ${sim.world.user.email}`]),
  },
  {
    holds: "for (const row of rows) console.log(",
    check: (printed, sim) => {
      const countryOf = new Map(shopTable(sim, "customers").rows().map((c) => [c["customer_id"], c["country"]]));
      const expected = shopTable(sim, "orders")
        .rows()
        .filter((o) => o["status"] === "shipped" && Number(o["total"]) >= 100 && ["DE", "US"].includes(String(countryOf.get(o["customer_id"]))));
      expect(expected.length).toBeGreaterThan(0);
      expect(printed[0]).toBe(JSON.stringify(["order_id: bigint", "customer_id: bigint", "customer_id_2: bigint", "total: double"]));
      expect(printed.slice(1).sort()).toEqual(expected.map((o) => `${o["order_id"]} ${o["customer_id"]} ${o["total"]}`).sort());
    },
  },
  {
    holds: "handle(row);",
    check: (printed, sim, handled) => {
      expect(handled).toHaveLength(shopTable(sim, "orders").rows().filter((o) => o["paid_at"] !== null).length);
      expect(printed.at(-1)).toMatch(new RegExp(`^${handled.length} rows, \\d+ bytes downloaded$`));
    },
  },
  {
    holds: "for await (const hit of iterateCatalogSearch(",
    check: (printed, sim) => {
      const tables = printed.filter((l) => l.startsWith("table ")).map((l) => JSON.parse(l.slice(6)).table);
      const named = [...sim.world.projects.get(sim.seeded.projectId)!.catalogs.values()].flatMap((c) => [...c.schemas.values()].flatMap((t) => [...t.keys()]));
      expect(tables.sort()).toEqual(named.filter((n) => n.includes("orders")).sort());
    },
  },
  {
    holds: "startHttpServer(",
    check: (printed) => expect(printed).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)]),
  },
];

interface Running {
  sim: PeakaSimulator;
  /** The rows the snippet handed to `handle`. */
  handled: unknown[];
  harness: Harness;
  close: () => Promise<void>;
}
let running: Running | undefined;

afterEach(async () => {
  setHarness(undefined);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  const r = running;
  running = undefined;
  if (!r) return;
  for (const cleanup of r.harness.cleanups) await cleanup();
  await r.close();
});

/** A fresh simulator on a port and the context a snippet sees. */
async function start(): Promise<Running> {
  const sim = createPeakaSimulator({ clock: "real", jobs: QUICK_JOBS });
  const served = await serveSimulator(sim);
  const peaka = createPeakaClient({ apiKey: sim.partnerKey, baseUrl: served.url });
  const { projectId, catalogId, connectionId } = sim.seeded;
  // What the snippets take for granted: a cache, a materialized saved query, a Peaka Table `orders`.
  const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
  const query = await peaka.queries.create({
    projectId,
    body: { displayName: "Paid orders", inputQuery: `SELECT order_id, total, paid_at FROM "shop"."public"."orders" WHERE paid_at IS NOT NULL`, queryType: "MATERIALIZED", schedule: { type: "none" } },
  });
  await peaka.tables.create({ projectId, tableName: "orders" });
  await peaka.tables.addColumns({ projectId, tableName: "orders", body: [{ name: "order_id", dataType: "BIGINT" }] });
  const { readFileSync } = await import("node:fs");
  const handled: unknown[] = [];
  const harness: Harness = {
    baseUrl: served.url,
    cleanups: [],
    pending: [],
    context: {
      peaka,
      core: createPeakaCore({ apiKey: sim.partnerKey, baseUrl: served.url }),
      apiKey: sim.partnerKey,
      projectKey: sim.projectKey,
      tenantProjectKey: sim.projectKey,
      vault: { read: async (path) => (path === "peaka/partner-key" ? sim.partnerKey : "") },
      traceId: "trace-readme",
      projectId,
      connectionId,
      catalogId,
      queryId: query.id,
      cacheId: cache.id,
      controller: new AbortController(),
      status: "shipped",
      minTotal: 100,
      countries: ["DE", "US"],
      handle: (row) => void handled.push(row),
      done: () => false,
      readFileSync: ((path: string, ...rest: unknown[]) => (readFileSync as (...a: unknown[]) => unknown)(join(SCRATCH, path), ...rest)) as typeof readFileSync,
    },
  };
  setHarness(harness);
  // The user's environment: the snippets that read PEAKA_API_KEY get the partner key, and those that
  // read their ids from PEAKA_PROJECT_ID / PEAKA_CACHE_ID (the package README's, which must compile on
  // their own) get the shop project and its cache.
  vi.stubEnv("PEAKA_API_KEY", sim.partnerKey);
  vi.stubEnv("PEAKA_PROJECT_ID", harness.context.projectId);
  vi.stubEnv("PEAKA_CACHE_ID", harness.context.cacheId);
  return { sim, harness, handled, close: served.close };
}

const runnable = snippets.filter((s) => !s.notRun);
/** The snippets marked `<!-- snippet: not run — reason -->`: a new one must be added here too. */
const NOT_RUN: string[] = [];

describe("README snippets", () => {
  it("finds the snippets of every README", () => {
    expect(snippets.length).toBeGreaterThan(15);
    expect(new Set(snippets.map((s) => s.file)).size).toBe(readmes().filter((f) => extractSnippets(f).length > 0).length);
  });

  it("runs every snippet but the few marked, each marked one listed here with its reason", () => {
    expect(snippets.filter((s) => s.notRun).map((s) => `${s.name}: ${s.notRun}`)).toEqual(NOT_RUN);
  });

  it.each(runnable.map((s) => [s.name, s] as const))("%s runs against the simulator", async (_name, snippet) => {
    const run = await start();
    running = run;
    const { sim } = run;
    const printed: Printed = [];
    vi.spyOn(console, "log").mockImplementation((...values: unknown[]) => void printed.push(values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ")));
    await import(pathToFileURL(fileOf(snippet)).href);
    await Promise.all(run.harness.pending);
    const notModelled = sim.requests.filter((r) => r.simulated === "not-modelled").map((r) => r.operationId);
    expect(notModelled).toEqual([]);
    expect(offSpec(sim.requests)).toEqual([]);
    for (const c of CHECKS) if (snippet.code.includes(c.holds)) c.check(printed, sim, run.handled);
  });

  it("compile as a strict user compiles them", { timeout: 240_000 }, () => {
    const program = ts.createProgram(written, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
      types: ["node"],
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      customConditions: ["development"],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && written.includes(d.file.fileName))
      .map((d) => `${d.file!.fileName.split("/").pop()}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(problems).toEqual([]);
  });
});
