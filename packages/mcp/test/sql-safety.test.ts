// The read-only SQL check attacked: the shared adversarial corpus and the labelled fuzz through the
// server's own check, then the reported bypasses and every corpus write through each way SQL reaches
// Peaka (run_sql, call_operation executeQuery, the execute_query tool, code mode's bridge) against a
// recording proxy in front of Prism: a refused statement must never reach the upstream.
import { createServer, type Server } from "node:http";
import { labelledSql, REPORTED_BYPASSES, SQL_CORPUS } from "@peaka/mock/sql-corpus";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isReadOnlySql } from "../src/index.js";
import { sqlRefusal } from "../src/safety.js";
import { connectStdio, textOf, type Connected } from "./support/harness.js";

const P = "prj4Xq9Z";
const READ_ONLY = { allowWrites: false, allowDestructive: false };
const NO_DELETE = { allowWrites: true, allowDestructive: false };

describe("the server's SQL check (@peaka/api's lexer)", () => {
  it.each(SQL_CORPUS.map((c) => [c.sql, c.expect] as const))("%j is a %s", (sql, expected) => {
    expect(isReadOnlySql(sql)).toBe(expected === "read");
    expect(sqlRefusal("run_sql", sql, READ_ONLY) === undefined).toBe(expected === "read");
  });

  it("refuses every labelled write of the fuzz on a read-only server, and every one that may remove something without --allow-destructive", () => {
    const cases = labelledSql(2026, 5_000);
    expect(cases.filter((c) => c.label === "write" && !sqlRefusal("run_sql", c.sql, READ_ONLY)).slice(0, 3)).toEqual([]);
    expect(cases.filter((c) => c.destructive && !sqlRefusal("run_sql", c.sql, NO_DELETE)).slice(0, 3)).toEqual([]);
    const admitted = cases.filter((c) => c.label === "read" && !sqlRefusal("run_sql", c.sql, READ_ONLY)).length;
    expect(admitted).toBeGreaterThan(1000);
  });

  it("says which flag would allow it and why it is not a read", () => {
    expect(sqlRefusal("run_sql", "SELECT '--'; DROP TABLE x", READ_ONLY)).toBe(
      "Refused: run_sql runs only proven reads on this read-only server, and this statement is not one: it has more than one statement. Start peaka-mcp with --allow-writes and --allow-destructive to allow it.",
    );
    expect(sqlRefusal("run_sql", "INSERT INTO t VALUES (1)", READ_ONLY)).toMatch(/not one: it writes \(one INSERT statement that removes nothing\)\. Start peaka-mcp with --allow-writes to allow it\.$/);
    expect(sqlRefusal("run_sql", "INSERT INTO t VALUES (1)", NO_DELETE)).toBeUndefined();
    expect(sqlRefusal("run_sql", "DELETE FROM t", NO_DELETE)).toMatch(/server, which may not delete.*--allow-destructive to allow it\.$/);
  });
});

// ---- through the tools, against a recording proxy in front of Prism -----------------------------

let proxy: Server;
let baseUrl = "";
/** Every SQL statement the upstream received (executeQuery bodies). */
const received: string[] = [];

beforeAll(async () => {
  const prism = new URL(inject("prismUrl"));
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      if (req.url?.includes("/queries/execute")) received.push(String(JSON.parse(body.toString() || "{}").statement ?? ""));
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k))) as Record<string, string>;
      const answer = await fetch(`${prism.origin}${req.url}`, { method: req.method!, headers, ...(body.length ? { body } : {}) });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const address = proxy.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}${prism.pathname.replace(/\/$/, "")}`;
});
afterAll(() => new Promise<void>((r) => proxy.close(() => r())));

const writes = SQL_CORPUS.filter((c) => c.expect === "write" && c.sql.trim() !== "").map((c) => c.sql);

/** The three ways a tool call carries SQL to executeQuery. */
const paths = {
  run_sql: (statement: string) => ["run_sql", { projectId: P, statement }] as const,
  call_operation: (statement: string) => ["call_operation", { operationId: "executeQuery", arguments: { projectId: P, body: { statement } } }] as const,
  execute_query: (statement: string) => ["execute_query", { projectId: P, body: { statement } }] as const,
};

describe("read-only server: the bypasses and every corpus write, through every tool that runs SQL", () => {
  let server: Connected;
  beforeAll(async () => {
    server = await connectStdio(baseUrl, ["--tools=default,queries"]);
  });
  afterAll(() => server?.close());

  it.each(Object.keys(paths) as (keyof typeof paths)[])("%s refuses them all and sends none upstream; a read goes through", async (path) => {
    received.length = 0;
    const leaked: string[] = [];
    for (const statement of [...REPORTED_BYPASSES.map((b) => b.sql), ...writes]) {
      const [tool, args] = paths[path](statement);
      const r = await server.call(tool, args);
      if (!r.isError || !textOf(r).startsWith("Refused:")) leaked.push(`${statement} -> ${textOf(r).slice(0, 120)}`);
    }
    expect(leaked).toEqual([]);
    expect(received).toEqual([]);
    // The proxy does see what is allowed: the check above could fail.
    const [tool, args] = paths[path]("SELECT customer_id FROM orders");
    const ok = await server.call(tool, args);
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect(received).toEqual(["SELECT customer_id FROM orders"]);
  }, 120_000);

  it("executeQuery of a saved query (its SQL unseen) is refused on a read-only server", async () => {
    received.length = 0;
    for (const body of [{ id: "42" }, { qualifiedName: "peaka.query.weekly" }]) {
      const r = await server.call("call_operation", { operationId: "executeQuery", arguments: { projectId: P, body } });
      expect([r.isError, textOf(r)]).toEqual([true, expect.stringContaining("runs SQL this server cannot see")]);
    }
    const tool = await server.call("execute_query", { projectId: P, body: { id: "42" } });
    expect(textOf(tool)).toContain("cannot prove what it does, and this server is read-only");
    expect(received).toEqual([]);
  });
});

describe("code mode's bridge applies the same check", () => {
  let server: Connected;
  beforeAll(async () => {
    server = await connectStdio(baseUrl, ["--code-mode"]);
  });
  afterAll(() => server?.close());

  it("refuses the reported bypasses through peaka.executeQuery and sends none upstream", async () => {
    received.length = 0;
    const code = `
      const out: string[] = [];
      for (const statement of ${JSON.stringify(REPORTED_BYPASSES.map((b) => b.sql))}) {
        try { await peaka.executeQuery({ projectId: "${P}", body: { statement } }); out.push("SENT"); }
        catch (e) { out.push(String((e as Error).message).slice(0, 60)); }
      }
      return out;`;
    const r = await server.call("run_code", { code });
    expect(r.isError, textOf(r)).toBeFalsy();
    const out = JSON.parse(textOf(r).split("\n")[0]!) as string[];
    expect(out).toHaveLength(3);
    for (const line of out) expect(line).toMatch(/^Refused: executeQuery runs only proven reads/);
    expect(received).toEqual([]);
  }, 120_000);
});

describe("--allow-writes without --allow-destructive", () => {
  let server: Connected;
  beforeAll(async () => {
    server = await connectStdio(baseUrl, ["--allow-writes", "--tools=default,queries"]);
  });
  afterAll(() => server?.close());

  it("runs a write that only adds, refuses deletions and the bypasses, naming --allow-destructive", async () => {
    received.length = 0;
    for (const statement of [...REPORTED_BYPASSES.map((b) => b.sql), "DELETE FROM t", "DROP TABLE x", "CREATE OR REPLACE TABLE t AS SELECT 1", "UPDATE t SET a = 1"]) {
      for (const [tool, args] of Object.values(paths).map((p) => p(statement))) {
        const r = await server.call(tool, args);
        expect([r.isError, textOf(r)], `${tool}: ${statement}`).toEqual([true, expect.stringMatching(/^Refused: .*may not delete.*--allow-destructive to allow it\.$/)]);
      }
    }
    expect(received).toEqual([]);
    const saved = await server.call("execute_query", { projectId: P, body: { qualifiedName: "peaka.query.weekly" } });
    expect(textOf(saved)).toMatch(/cannot prove what it does, and this server may not delete.*--allow-destructive to allow it/);
    const r = await server.call("call_operation", { operationId: "executeQuery", arguments: { projectId: P, body: { statement: "INSERT INTO t VALUES (1)" } } });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(received).toEqual(["INSERT INTO t VALUES (1)"]);
  }, 120_000);
});
