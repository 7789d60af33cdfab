// Mode-true tool lists, through the official SDK client: a server lists only the tools its flags
// allow (--list-refused-tools lists the rest too, refusing them when called), the hints of the tools
// whose effect depends on the flags follow them, search_operations finds only allowed operations, and
// a refused call is refused before its arguments are checked.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { afterAll, describe, expect, inject, it } from "vitest";
import { connectHttp, connectStdio, startHttp, textOf, type Connected, type HttpServerProcess } from "./support/harness.js";

const ops = listOperations(loadSpec());
const reads = ops.filter((o) => o.method === "get" || ["searchCatalogs", "executeQuery", "transpileSql", "chatWithAgent", "streamAgentChat", "exportQuery", "exportTable"].includes(o.operationId));
const deletions = ops.filter((o) => o.method === "delete");

const clients: Connected[] = [];
async function connect(flags: string[]): Promise<Connected> {
  const c = await connectStdio(inject("prismUrl"), flags);
  clients.push(c);
  return c;
}
const httpServers: HttpServerProcess[] = [];
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const h of httpServers) await h.stop();
});

const hints = (tools: Tool[], name: string) => {
  const a = tools.find((t) => t.name === name)?.annotations;
  return a && { readOnlyHint: a.readOnlyHint, destructiveHint: a.destructiveHint };
};
const READ_ONLY = { readOnlyHint: true, destructiveHint: false };

describe.each([
  { mode: "read-only (default)", flags: [], count: 11 + reads.length, operations: reads.length, sql: READ_ONLY },
  { mode: "--allow-writes", flags: ["--allow-writes"], count: 12 + ops.length - deletions.length, operations: ops.length - deletions.length, sql: { readOnlyHint: false, destructiveHint: false } },
  { mode: "--allow-writes --allow-destructive", flags: ["--allow-writes", "--allow-destructive"], count: 12 + ops.length, operations: ops.length, sql: { readOnlyHint: false, destructiveHint: true } },
  { mode: "read-only --list-refused-tools", flags: ["--list-refused-tools"], count: 12 + ops.length, operations: ops.length, sql: READ_ONLY },
])("$mode with --tools=default,all", ({ mode, flags, count, operations, sql }) => {
  it(`lists ${mode === "read-only (default)" ? "only reads" : "what the flags allow"}; run_sql, call_operation and execute_query say what the flags let them do`, async () => {
    const server = await connect(["--tools=default,all", ...flags]);
    const tools = (await server.client.listTools()).tools;

    expect(tools).toHaveLength(count);
    const names = new Set(tools.map((t) => t.name));
    const listedOps = tools.filter((t) => !["run_sql", "run_saved_query", "browse", "describe_table", "cache_status", "refresh_cache", "search_metadata", "ask_agent", "export_result", "search_operations", "describe_operation", "call_operation"].includes(t.name));
    expect(listedOps).toHaveLength(operations);
    const bytes = Buffer.byteLength(JSON.stringify({ tools: tools.filter((t) => listedOps.includes(t)) }));
    console.log(`${mode}: --tools=default lists ${count - operations} tools; --tools=all ${operations} (${(bytes / 1024).toFixed(1)} KiB of JSON)`);
    if (!flags.includes("--list-refused-tools")) {
      // Every listed per-operation tool is one the flags allow: a read, or with --allow-writes anything but a deletion.
      for (const t of listedOps) {
        if (!flags.includes("--allow-writes")) expect(t.annotations?.readOnlyHint, t.name).toBe(true);
        if (!flags.includes("--allow-destructive")) expect(t.annotations?.destructiveHint, t.name).toBe(false);
      }
      expect(names.has("refresh_cache")).toBe(flags.includes("--allow-writes"));
    }
    for (const name of ["run_sql", "run_saved_query", "call_operation", "execute_query"]) expect(hints(tools, name), name).toEqual(sql);
    expect(tools.find((t) => t.name === "run_sql")?.description).toContain(
      flags.includes("--allow-destructive") ? "runs any statement" : flags.includes("--allow-writes") ? "writes that only add" : "This server is read-only",
    );
  });
});

describe("over Streamable HTTP", () => {
  it("each request's server lists what the flags allow, with the mode's hints", async () => {
    const http = await startHttp(inject("prismUrl"), []);
    httpServers.push(http);
    const server = await connectHttp(http.url);
    clients.push(server);
    const tools = (await server.client.listTools()).tools;
    expect(tools.map((t) => t.name)).not.toContain("refresh_cache");
    expect(tools).toHaveLength(11);
    expect(hints(tools, "run_sql")).toEqual(READ_ONLY);
    expect(textOf(await server.call("refresh_cache", {}))).toMatch(/^Refused: refresh_cache changes data/);
  });
});

describe("refused tools and operations", () => {
  it("a read-only server answers a tool it does not list with the refusal, before looking at the arguments", async () => {
    const server = await connect(["--tools=default,catalogs"]);
    const names = (await server.client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain("create_catalog");
    expect(names).not.toContain("delete_catalog");
    // No arguments at all: the refusal comes first, not "Invalid arguments".
    for (const [tool, args] of [
      ["create_catalog", {}],
      ["delete_catalog", { nonsense: true }],
      ["refresh_cache", {}],
      ["call_operation", { operationId: "createCatalog", arguments: { bogus: 1 } }],
      ["call_operation", { operationId: "deleteCatalog" }],
    ] as const) {
      const r = await server.call(tool, args);
      expect([r.isError, textOf(r)], tool).toEqual([true, expect.stringMatching(/^Refused: .*--allow-writes/)]);
    }
    // A read with bad arguments still gets the argument check.
    const bad = await server.call("call_operation", { operationId: "listCatalogs", arguments: {} });
    expect(textOf(bad)).toContain("Invalid arguments for listCatalogs");
  });

  it("search_operations finds only allowed operations, unless refused tools are listed (then it marks them)", async () => {
    const plain = await connect([]);
    const found = textOf(await plain.call("search_operations", { query: "delete catalog", limit: 50 }));
    const hits = found.split("\n").map((line) => line.split(" — ")[0]);
    expect(hits.length).toBeGreaterThan(5);
    expect(hits.filter((id) => !reads.some((o) => o.operationId === id))).toEqual([]);
    expect(found).not.toContain("needs --allow-writes");
    const none = textOf(await plain.call("search_operations", { query: "deleteCatalog" }));
    expect(none).not.toContain("deleteCatalog —");
    const writes = await connect(["--allow-writes"]);
    const w = textOf(await writes.call("search_operations", { query: "delete catalog", limit: 50 }));
    expect(w).toContain("createCatalog —");
    expect(w).not.toContain("deleteCatalog —");
    const listing = await connect(["--list-refused-tools"]);
    const all = textOf(await listing.call("search_operations", { query: "delete catalog", limit: 50 }));
    expect(all).toMatch(/deleteCatalog — DELETE .* \(needs --allow-writes and --allow-destructive\)/);
    // The refused tools are listed, and still refused when called (before their arguments).
    const names = (await listing.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("refresh_cache");
    expect(textOf(await listing.call("refresh_cache", {}))).toMatch(/^Refused: refresh_cache changes data/);
  });
});
