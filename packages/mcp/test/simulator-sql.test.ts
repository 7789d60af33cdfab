// run_sql and run_saved_query on the simulator's SQL engine, through the official MCP client: the row
// cap's note in each mode, stable pages that add up to the whole result, the dialect argument, saved
// queries run by their fetched SQL, and attacks on the paging wrapper (nothing but reads reaches
// the engine).
import { createPeakaClient } from "@peaka/api";
import { classifySql } from "@peaka/api/internal/sql";
import { runSql } from "@peaka/api/sql";
import { REPORTED_BYPASSES, SQL_CORPUS } from "@peaka/mock/sql-corpus";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { textOf } from "./support/harness.js";
import { simulatedPerTest, type Simulated } from "./support/simulated.js";

const CUSTOMERS = '"shop"."public"."customers"';
const ORDERS = '"shop"."public"."orders"';

const simulated = simulatedPerTest();

/** The JSON rows of a run_sql answer: the array lines after the column line. */
function rowsOf(answer: string): unknown[][] {
  const arrays = answer.split("\n").filter((line) => line.startsWith("["));
  return arrays.slice(1).map((line) => JSON.parse(line));
}

/** The statements that reached the simulator's executeQuery. */
function executed(s: Simulated): string[] {
  return s.sim.requests.filter((r) => r.operationId === "executeQuery").map((r) => String((r.requestBody as { statement?: string }).statement));
}

/** Reads every page of a statement through the tool; returns the rows and the answers. */
async function allPages(s: Simulated, tool: string, args: Record<string, unknown>) {
  const rows: unknown[][] = [];
  const answers: string[] = [];
  for (let offset: number | undefined = 0; offset !== undefined && answers.length < 50; ) {
    const r = await s.call(tool, { ...args, offset });
    expect(r.isError, textOf(r)).toBeFalsy();
    const answer = textOf(r);
    answers.push(answer);
    rows.push(...rowsOf(answer));
    const next = /offset: (\d+)$/.exec(answer);
    offset = next ? Number(next[1]) : undefined;
  }
  return { rows, answers };
}

describe("run_sql: the row cap and what the note offers", () => {
  it("on a read-only server the note offers pages, not an export it could not make", async () => {
    const s = await simulated({ maxRows: 20 });
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement: `SELECT customer_id, country FROM ${CUSTOMERS}` });
    const lines = textOf(r).split("\n");
    expect(lines[0]).toBe("500 rows, 2 columns (first 20 shown)");
    expect(lines.at(-1)).toBe("… truncated, 480 more rows — page through it with run_sql: the same arguments with offset: 0, then the offset each answer gives (stable, ordered pages).");
  });

  it("with --allow-writes the note offers an export of a saved query too", async () => {
    const s = await simulated({ maxRows: 20, allowWrites: true });
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement: `SELECT customer_id FROM ${CUSTOMERS}` });
    expect(textOf(r)).toContain("(stable, ordered pages); or, for files, save the statement as a query (createQuery through call_operation) and export it with export_result.");
  });
});

describe("run_sql: stable pages", () => {
  it("pages a statement without ORDER BY by every column; the pages add up to the whole result, once each", async () => {
    const s = await simulated();
    const { projectId } = s.sim.seeded;
    const { rows, answers } = await allPages(s, "run_sql", { projectId, statement: `SELECT country, customer_id FROM ${CUSTOMERS} WHERE country <> ?`, params: ["ZZ"] });
    expect(answers).toHaveLength(5);
    expect(answers[0]!.split("\n")[0]).toBe("rows 1 to 100, 2 columns; ordered by every column by position (1 to 2), added by run_sql: the statement has no ORDER BY");
    expect(answers[0]!.split("\n").at(-1)).toBe("more rows follow: call run_sql with the same arguments and offset: 100");
    expect(answers[4]!.split("\n").at(-1)).toBe("last page: no rows follow");
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    const whole = await runSql(peaka, projectId, `SELECT country, customer_id FROM ${CUSTOMERS} ORDER BY 1, 2`);
    expect(rows).toEqual(whole.rows.map((r) => [r["country"], r["customer_id"]]));
    expect(new Set(rows.map((r) => r[1])).size).toBe(500);
  });

  it("keeps a statement's ORDER BY and breaks its ties by column position", async () => {
    const s = await simulated({ maxRows: 300 });
    const { projectId } = s.sim.seeded;
    // Many orders share a status: ordered by status alone, pages could repeat or skip rows.
    const { rows, answers } = await allPages(s, "run_sql", { projectId, statement: `SELECT status, order_id FROM ${ORDERS} ORDER BY status DESC` });
    expect(answers[0]!.split("\n")[0]).toBe("rows 1 to 300, 2 columns; ordered by the statement's ORDER BY, then every column by position (1 to 2) to break ties");
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    const whole = await runSql(peaka, projectId, `SELECT status, order_id FROM ${ORDERS} ORDER BY status DESC, 1, 2`);
    expect(rows).toEqual(whole.rows.map((r) => [r["status"], r["order_id"]]));
    expect(new Set(rows.map((r) => r[1])).size).toBe(2000);
  });

  it("learns the columns once per statement: later pages are one request each", async () => {
    const s = await simulated({ maxRows: 10 });
    const args = { projectId: s.sim.seeded.projectId, statement: `SELECT * FROM ${CUSTOMERS}` };
    await s.call("run_sql", { ...args, offset: 0 });
    expect(executed(s)).toHaveLength(2); // the one-row probe, then the page
    await s.call("run_sql", { ...args, offset: 10 });
    expect(executed(s)).toHaveLength(3);
    expect(executed(s)[2]).toMatch(/ORDER BY 1, 2, 3, 4, 5\nOFFSET 10 ROWS\nLIMIT 11$/);
  });

  it("past the end, and on an empty result, says so", async () => {
    const s = await simulated();
    const { projectId } = s.sim.seeded;
    const past = await s.call("run_sql", { projectId, statement: `SELECT customer_id FROM ${CUSTOMERS}`, offset: 900 });
    expect(textOf(past)).toBe("no rows from row 901 on: the result has 900 or fewer");
    const empty = await s.call("run_sql", { projectId, statement: `SELECT customer_id FROM ${CUSTOMERS} WHERE customer_id < 0`, offset: 0 });
    expect(textOf(empty)).toBe("0 rows: the result is empty.");
  });

  it.each([
    [`SELECT * FROM ${CUSTOMERS} LIMIT 5`, "run_sql cannot page this statement: it has its own LIMIT"],
    ["SHOW CATALOGS", "run_sql cannot page this statement: only a query (SELECT, WITH, VALUES or TABLE) can be paged"],
  ])("%j is not paged, with the reason", async (statement, message) => {
    const s = await simulated();
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement, offset: 0 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain(message);
    expect(executed(s)).toEqual([]);
  });
});

describe("run_sql: paging opens no write path", () => {
  // Statements written to close the wrapper's "(" early, to swallow its ")", or to hide a second
  // statement behind the added clauses. Each is refused before anything runs, by the classifier or
  // by the paging builder; the engine sees nothing.
  it.each([
    `SELECT 1) AS a; DROP TABLE ${ORDERS}; SELECT * FROM (SELECT 1`,
    `SELECT 1 FROM ${ORDERS}) AS a CROSS JOIN (SELECT secret FROM s`,
    `SELECT * FROM ${ORDERS}; DELETE FROM ${ORDERS}`,
    `SELECT * FROM ${ORDERS} -- \n; DELETE FROM ${ORDERS}`,
    `SELECT * FROM (SELECT 1`,
    `SELECT * FROM ${ORDERS} WHERE status = '\\' ; DELETE FROM ${ORDERS}; --'`,
    `SELECT 1 /* ) AS a; DELETE FROM ${ORDERS}; --`,
    `WITH d AS (DELETE FROM ${ORDERS} RETURNING *) SELECT * FROM d`,
  ])("%j", async (statement) => {
    const s = await simulated({ maxRows: 10 });
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement, offset: 0 });
    expect(r.isError, textOf(r)).toBe(true);
    expect(textOf(r)).toMatch(/^Refused: run_sql runs only proven reads|^run_sql cannot page this statement/);
    expect(executed(s)).toEqual([]);
  });

  it("every statement paging sent in these tests classifies as a read (the texts the engine saw)", async () => {
    const s = await simulated({ maxRows: 7 });
    const { projectId } = s.sim.seeded;
    for (const statement of [`SELECT 1 AS ") AS x; DROP TABLE t; --"`, `SELECT ') AS x; DROP TABLE t; --' AS s`, `SELECT customer_id FROM ${CUSTOMERS} -- ) AS x; DROP TABLE t`]) {
      const r = await s.call("run_sql", { projectId, statement, offset: 0 });
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    const seen = executed(s);
    expect(seen.length).toBe(6);
    for (const text of seen) expect(classifySql(text).kind, text).toBe("read");
  });
});

describe("run_sql: dialect", () => {
  it("transpiles to Trino with Peaka first, shows the statement that ran and runs that one", async () => {
    const mysql = "SELECT `country`, COUNT(*) AS n FROM `shop`.`public`.`customers` GROUP BY `country` ORDER BY n DESC, `country` LIMIT 3";
    // What Peaka's transpiler answers for it (the simulator's own transpiler only re-quotes names),
    // and what the server sent it.
    const trino = `SELECT "country", COUNT(*) AS n FROM ${CUSTOMERS} GROUP BY "country" ORDER BY n DESC, "country" LIMIT 3`;
    const sent: Array<{ url: string; body: unknown }> = [];
    const s = await simulated({}, {}, (fetch) => async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.includes("/sql/transpile/")) return fetch(input, init);
      const request = new Request(input, init);
      sent.push({ url, body: await request.json() });
      return Response.json({ query: trino });
    });
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement: mysql, dialect: "mysql" });
    expect(r.isError, textOf(r)).toBeFalsy();
    const lines = textOf(r).split("\n");
    expect(lines.slice(0, 3)).toEqual(["transpiled from mysql to Trino by Peaka; the statement that ran:", trino, ""]);
    expect(lines[3]).toBe("3 rows, 2 columns");
    expect(sent).toEqual([{ url: expect.stringMatching(/\/sql\/transpile\/trino$/), body: { query: mysql } }]);
    expect(executed(s)).toEqual([trino]);
  });

  it("checks the transpiled statement, not the one it was given: a write from the transpiler is refused", async () => {
    const s = await simulated();
    s.sim.fail("transpileSql", { status: 200, body: { result: `DELETE FROM ${ORDERS}` } });
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement: `SELECT * FROM orders`, dialect: "postgres" });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^transpiled from postgres to Trino by Peaka, and not run:\nDELETE FROM "shop"\."public"\."orders"\n\nRefused: run_sql runs only proven reads on this read-only server/);
    expect(executed(s)).toEqual([]);
  });

  it("dialect trino sends nothing to the transpiler", async () => {
    const s = await simulated();
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement: "SELECT 1 AS one", dialect: "trino" });
    expect(textOf(r)).toBe('1 row, 1 column\n["one integer"]\n[1]');
    expect(s.sim.requests.some((q) => q.operationId === "transpileSql")).toBe(false);
  });
});

describe("run_saved_query", () => {
  it("finds a saved query by display name and runs its SQL as a statement (never by id unseen), paging it like run_sql", async () => {
    const s = await simulated({ maxRows: 500 });
    const { projectId, queryId } = s.sim.seeded;
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    const saved = await peaka.queries.get({ projectId, queryId });
    const r = await s.call("run_saved_query", { projectId, query: "PAID ORDERS" });
    expect(r.isError, textOf(r)).toBeFalsy();
    const lines = textOf(r).split("\n");
    expect(lines.slice(0, 2)).toEqual([`saved query ${queryId} "Paid orders":`, saved.inputQuery]);
    const whole = await runSql(peaka, projectId, saved.inputQuery!);
    expect(lines[3]).toBe(`${whole.rows.length} rows, ${whole.columns.length} columns (first 500 shown)`);
    expect(executed(s)[0]).toBe(saved.inputQuery);
    expect(s.sim.requests.some((q) => (q.requestBody as { id?: string } | undefined)?.id !== undefined)).toBe(false);

    const { rows } = await allPages(s, "run_saved_query", { projectId, query: queryId });
    expect(rows).toHaveLength(whole.rows.length);
  });

  it("binds params to the saved SQL's ? markers", async () => {
    const s = await simulated();
    const { projectId } = s.sim.seeded;
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    await peaka.queries.create({ projectId, body: { displayName: "Customers of a country", inputQuery: `SELECT count(*) AS n FROM ${CUSTOMERS} WHERE country = ?` } });
    const progress: string[] = [];
    const r = await s.call("run_saved_query", { projectId, query: "customers of a country", params: ["DE"] }, (p) => progress.push(p.message ?? ""));
    // Progress from the start: while the query is looked up, then while it runs.
    expect(progress.slice(0, 2)).toEqual(['run_saved_query: finding "customers of a country"', "run_saved_query: running"]);
    const [n] = rowsOf(textOf(r))[0]!;
    const direct = await runSql(peaka, projectId, `SELECT count(*) AS n FROM ${CUSTOMERS} WHERE country = 'DE'`);
    expect(n).toBe(Number(direct.rows[0]!["n"]));
    const missing = await s.call("run_saved_query", { projectId, query: "customers of a country" });
    expect(textOf(missing)).toContain("The statement has 1 ? marker(s) but params has 0 value(s).");
  });
});

describe("the adversarial corpus through paging, dialect and saved queries (read-only server)", () => {
  const writes = [...REPORTED_BYPASSES.map((b) => b.sql), ...SQL_CORPUS.filter((c) => c.expect === "write" && c.sql.trim() !== "").map((c) => c.sql)];

  it("refuses every corpus write however it comes, and none reaches the engine; a read goes through each way", async () => {
    const s = await simulated({ maxRows: 5 });
    const { projectId } = s.sim.seeded;
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    const leaked: string[] = [];
    // Refused with the reason, after what was transpiled or which saved query it is (when either applies).
    const refusedBy = (r: CallToolResult) => r.isError === true && /^(?:(?:transpiled from postgres to Trino by Peaka, and not run|saved query \d+ "corpus entry \d+"):\n[^]*\n\n)?(?:Refused: |run_sql cannot page|run_saved_query cannot page)/.test(textOf(r));
    for (const [i, statement] of writes.entries()) {
      const paged = await s.call("run_sql", { projectId, statement, offset: 0 });
      if (!refusedBy(paged)) leaked.push(`run_sql offset: ${statement} -> ${textOf(paged).slice(0, 100)}`);
      // The simulator's transpiler gives the text back as it is for Trino: the transpiled text is what is judged.
      const transpiled = await s.call("run_sql", { projectId, statement, dialect: "postgres" });
      if (!refusedBy(transpiled)) leaked.push(`run_sql dialect: ${statement} -> ${textOf(transpiled).slice(0, 100)}`);
      const saved = await peaka.queries.create({ projectId, checkSchemaExists: false, body: { displayName: `corpus entry ${i}`, inputQuery: statement } });
      const run = await s.call("run_saved_query", { projectId, query: saved.id, offset: 0 });
      if (!refusedBy(run)) leaked.push(`run_saved_query: ${statement} -> ${textOf(run).slice(0, 100)}`);
    }
    expect(leaked).toEqual([]);
    expect(executed(s)).toEqual([]);
    // The same three ways do run a read: the checks above could fail.
    const read = `SELECT customer_id FROM ${CUSTOMERS}`;
    const saved = await peaka.queries.create({ projectId, body: { displayName: "a read", inputQuery: read } });
    for (const [tool, args] of [["run_sql", { statement: read, offset: 0 }], ["run_sql", { statement: read, dialect: "postgres" }], ["run_saved_query", { query: saved.id, offset: 0 }]] as const) {
      const r = await s.call(tool, { projectId, ...args });
      expect(r.isError, textOf(r)).toBeFalsy();
    }
    // The probe and the first page; the transpiled statement; the saved query's page (its text is the
    // statement probed first, so the probe is remembered).
    expect(executed(s)).toHaveLength(4);
  }, 120_000);
});
