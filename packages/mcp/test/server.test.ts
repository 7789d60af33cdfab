// The server as a client sees it, over stdio and over Streamable HTTP, against the Prism mock: every
// task tool, every operation through the meta-tools, the safety flags, the row cap and size limit.
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { argsFromExamples, connectHttp, connectStdio, FAKE_KEY, startHttp, textOf, transcript, type Connected, type HttpServerProcess, type Transport } from "./support/harness.js";

const spec = loadSpec();
const ops = listOperations(spec);
const P = "prj4Xq9Z";
const TABLE = { projectId: P, catalogId: "731958204467113201", schemaName: "crm", tableName: "deals" };
const CACHE = { projectId: P, cacheId: "3f9d2c71-5a84-4e0b-b6d3-8c1e7a2f4905" };

/** Servers by transport and flags, started once per file and stopped after it. */
const httpServers: HttpServerProcess[] = [];
const clients: Connected[] = [];
async function connect(transport: Transport, flags: string[] = []): Promise<Connected> {
  let c: Connected;
  if (transport === "stdio") c = await connectStdio(inject("prismUrl"), flags);
  else {
    const http = await startHttp(inject("prismUrl"), flags);
    httpServers.push(http);
    c = await connectHttp(http.url);
  }
  clients.push(c);
  return c;
}
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const h of httpServers) await h.stop();
});

describe.each(["stdio", "http"] as const)("task tools over %s", (transport) => {
  let server: Connected;
  beforeAll(async () => {
    server = await connect(transport, ["--allow-writes"]);
  });

  it("run_sql binds params and renders rows compactly (column line, one array per row)", async () => {
    const r = await server.call("run_sql", { projectId: P, statement: "SELECT customer_id, total FROM orders WHERE status = ? AND total > ?", params: ["shipped", 10] });
    expect(r.isError).toBeFalsy();
    const lines = textOf(r).split("\n");
    expect(lines[0]).toMatch(/^2 rows, \d+ columns$/);
    expect(JSON.parse(lines[1]!)[0]).toMatch(/^customer_id/);
    expect(JSON.parse(lines[2]!)).toEqual(expect.arrayContaining(["cus_71QmZ", 412.9]));
    expect(textOf(r)).not.toContain("truncated");
  });

  it("run_sql refuses a marker count that does not match params", async () => {
    const r = await server.call("run_sql", { projectId: P, statement: "SELECT * FROM t WHERE a = ? AND b = '?'", params: [] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("1 ? marker(s) but params has 0");
  });

  it("browse walks projects → catalogs → schemas → tables → columns", async () => {
    expect(textOf(await server.call("browse", {}))).toContain('"projectId":"prj4Xq9Z"');
    expect(textOf(await server.call("browse", { projectId: P }))).toContain('"catalogType"');
    expect(textOf(await server.call("browse", { projectId: P, catalogId: TABLE.catalogId }))).toContain('"schemaName":"crm"');
    expect(textOf(await server.call("browse", { projectId: P, catalogId: TABLE.catalogId, schemaName: "crm" }))).toContain('"tableName":"deals"');
    expect(textOf(await server.call("browse", TABLE))).toContain('"dataType":"bigint"');
  });

  it("describe_table gives columns, statistics and cache state in one answer", async () => {
    const r = await server.call("describe_table", TABLE);
    expect(r.isError).toBeFalsy();
    const body = JSON.parse(textOf(r));
    expect(body.columns.length).toBeGreaterThan(0);
    expect(body.statistics).toBeDefined();
    expect(body.statistics.unavailable).toBeUndefined();
    expect(body.cache).toBeDefined();
  });

  it("cache_status reads one cache or a project's caches", async () => {
    expect(JSON.parse(textOf(await server.call("cache_status", CACHE))).status).toBeDefined();
    expect(Array.isArray(JSON.parse(textOf(await server.call("cache_status", { projectId: P }))))).toBe(true);
  });

  it("refresh_cache starts a sync (the wait is tested on a scripted server: refresh.test.ts)", async () => {
    const r = await server.call("refresh_cache", { ...CACHE, wait: false });
    expect(r.isError).toBeFalsy();
    expect(JSON.parse(textOf(r)).started.status).toBe("STARTED");
    const inc = await server.call("refresh_cache", { ...CACHE, mode: "incremental", wait: false });
    expect(inc.isError).toBeFalsy();
  });

  it("search_metadata finds tables and golden SQL", async () => {
    const body = JSON.parse(textOf(await server.call("search_metadata", { projectId: P, query: "orders" })));
    expect(body.tables).toBeDefined();
    expect(body.goldenSql).toBeDefined();
  });

  it("ask_agent gathers the agent's stream into one answer with the SQL it wrote", async () => {
    const r = await server.call("ask_agent", { projectId: P, message: "Who are the top customers?" });
    expect(r.isError).toBeFalsy();
    const body = JSON.parse(textOf(r));
    expect(body.threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.answer).toEqual(expect.any(String));
    expect(body.sql).toMatch(/SELECT/i);
    expect(body.events).toBeGreaterThan(0);
  });

  it("export_result exports a saved query or a table, waits and returns download links", async () => {
    for (const args of [{ projectId: P, queryId: "815236047719302218" }, TABLE]) {
      const progress: string[] = [];
      const r = await server.call("export_result", { ...args, timeoutSeconds: 30 }, (p) => progress.push(p.message ?? ""));
      expect(r.isError).toBeFalsy();
      const body = JSON.parse(textOf(r));
      expect(body.status).toBe("SUCCEEDED");
      expect(body.files[0].url).toMatch(/^https:\/\//);
      expect(progress.length).toBeGreaterThan(0);
    }
    const none = await server.call("export_result", { projectId: P });
    expect(none.isError).toBe(true);
  });
});

describe.each(["stdio", "http"] as const)("meta-tools over %s", (transport) => {
  let server: Connected;
  beforeAll(async () => {
    server = await connect(transport, ["--allow-writes", "--allow-destructive"]);
  });

  it("search_operations finds operations by words", async () => {
    const first = textOf(await server.call("search_operations", { query: "cache status" })).split("\n")[0];
    expect(first).toMatch(/^(getCacheStatus|listCacheStatuses\w+) — GET /);
    expect(textOf(await server.call("search_operations", { query: "golden sql" }))).toContain("searchMetadataGoldenSqls");
  });

  it("describe_operation gives the input schema from the spec", async () => {
    const body = JSON.parse(textOf(await server.call("describe_operation", { operationId: "getCacheStatus" })));
    expect(body.method).toBe("GET");
    expect(body.arguments.required).toEqual(expect.arrayContaining(["projectId", "cacheId"]));
    expect(body.needs).toBe("none");
    const del = JSON.parse(textOf(await server.call("describe_operation", { operationId: "deleteCatalog" })));
    expect(del.needs).toBe("--allow-writes and --allow-destructive");
  });

  it("call_operation checks arguments against the operation's schema", async () => {
    const r = await server.call("call_operation", { operationId: "getCacheStatus", arguments: { projectId: P, cacheIdd: "x" } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("cacheId");
  });

  it("every operation of the spec is reachable through search, describe and call", async () => {
    const failed: string[] = [];
    let reached = 0;
    for (const op of ops) {
      const found = textOf(await server.call("search_operations", { query: `${op.operation.summary} ${op.operationId}`, limit: 50 }));
      const described = JSON.parse(textOf(await server.call("describe_operation", { operationId: op.operationId })));
      const r = await server.call("call_operation", { operationId: op.operationId, arguments: argsFromExamples(spec, op) });
      const ok = found.includes(`${op.operationId} — `) && described.path === op.path && !r.isError;
      if (ok) reached++;
      else failed.push(`${op.operationId}: ${textOf(r).slice(0, 300)}`);
    }
    console.log(`${transport}: ${reached}/${ops.length} operations reachable through the meta-tools`);
    expect(failed).toEqual([]);
  }, 240_000);
});

describe("safety flags", () => {
  const create = { operationId: "createCatalog", arguments: argsFromExamples(spec, ops.find((o) => o.operationId === "createCatalog")!) };
  const remove = { operationId: "deleteCatalog", arguments: argsFromExamples(spec, ops.find((o) => o.operationId === "deleteCatalog")!) };

  it("read-only by default: writes and deletions are refused naming the flag, reads run", async () => {
    const server = await connect("stdio", ["--tools=default,catalogs"]);
    const w = await server.call("call_operation", create);
    expect(w.isError).toBe(true);
    expect(textOf(w)).toMatch(/^Refused: createCatalog changes data.*--allow-writes/);
    const d = await server.call("call_operation", remove);
    expect(textOf(d)).toContain("--allow-writes and --allow-destructive");
    // The per-operation tools are refused the same way.
    expect(textOf(await server.call("create_catalog", create.arguments))).toContain("--allow-writes");
    expect(textOf(await server.call("delete_catalog", remove.arguments))).toContain("--allow-destructive");
    // Task tools that write, and SQL that is not a read.
    expect(textOf(await server.call("refresh_cache", CACHE))).toContain("--allow-writes");
    const drop = await server.call("run_sql", { projectId: P, statement: "DROP TABLE peaka.public.orders" });
    expect([drop.isError, textOf(drop)]).toEqual([true, expect.stringContaining("--allow-writes")]);
    const sneaky = await server.call("call_operation", { operationId: "executeQuery", arguments: { projectId: P, body: { statement: "SELECT 1; DELETE FROM t" } } });
    expect(textOf(sneaky)).toContain("--allow-writes");
    // Reads still work.
    expect((await server.call("call_operation", { operationId: "listCatalogs", arguments: { projectId: P } })).isError).toBeFalsy();
    expect((await server.call("get_catalog", { projectId: P, catalogId: TABLE.catalogId })).isError).toBeFalsy();
  });

  it("--allow-writes allows writes but still refuses deletions, naming --allow-destructive", async () => {
    const server = await connect("stdio", ["--allow-writes", "--tools=default,catalogs"]);
    expect((await server.call("call_operation", create)).isError).toBeFalsy();
    expect((await server.call("create_catalog", create.arguments)).isError).toBeFalsy();
    const d = await server.call("call_operation", remove);
    expect(d.isError).toBe(true);
    expect(textOf(d)).toMatch(/not allowed to delete.*--allow-destructive/);
    expect(textOf(d)).not.toContain("--allow-writes and");
  });

  it("--allow-writes --allow-destructive allows deletions", async () => {
    const server = await connect("http", ["--allow-writes", "--allow-destructive", "--tools=default,catalogs"]);
    expect((await server.call("call_operation", remove)).isError).toBeFalsy();
    expect((await server.call("delete_catalog", remove.arguments)).isError).toBeFalsy();
  });
});

describe("limits", () => {
  it("run_sql caps rows with a note saying how to read the rest on a read-only server (pages)", async () => {
    const server = await connect("stdio", ["--max-rows", "1"]);
    const r = await server.call("run_sql", { projectId: P, statement: "SELECT customer_id, total FROM orders" });
    const t = textOf(r);
    expect(t.split("\n")[0]).toBe("2 rows, 3 columns (first 1 shown)");
    expect(t.split("\n")).toHaveLength(4);
    expect(t).toContain("… truncated, 1 more row — page through it with run_sql: the same arguments with offset: 0, then the offset each answer gives (stable, ordered pages).");
    expect(t).not.toContain("export_result");
    // A tool argument may lower the cap, never raise it above the server's.
    const again = await server.call("run_sql", { projectId: P, statement: "SELECT 1", maxRows: 50 });
    expect(textOf(again)).toContain("truncated, 1 more row");
  });

  it("results over the size limit are cut with a note, never silently", async () => {
    const server = await connect("stdio", ["--max-result-chars", "1000", "--tools=default,all"]);
    const big = await server.call("call_operation", { operationId: "getProjectMetadata", arguments: { projectId: P } });
    expect(textOf(big)).toMatch(/… \[truncated: \d+ more characters of \d+ left out/);
    // A per-operation tool with an output schema says so in its structured content too.
    const tool = await server.call("get_project_metadata", { projectId: P });
    expect(textOf(tool)).toContain("[truncated:");
    expect(tool.structuredContent).toEqual({ truncated: expect.stringContaining("more than the 1000") });
  });
});

describe("secrets", () => {
  it("no tool list, result, progress notification or log line of this file contains the key", async () => {
    const lists = await Promise.all(clients.map((c) => c.client.listTools()));
    const all = [...transcript, ...lists.map((l) => JSON.stringify(l)), ...clients.map((c) => c.stderr()), ...httpServers.map((h) => h.stderr())];
    expect(all.length).toBeGreaterThan(300);
    expect(all.filter((t) => t.includes(FAKE_KEY))).toEqual([]);
  });
});
