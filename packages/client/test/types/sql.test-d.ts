// Type tests: the execute operation's rows follow `format`, and the SQL helpers' types.
import { describe, expectTypeOf, it } from "vitest";
import type { QueryCellValue, QueryTypedCell } from "@peaka/api-types";
import { createPeakaClient, createPeakaCore, executeQuery, type ExecuteQueryResult } from "../../src/index.js";
import { rowsFromResult, runSql, sql, streamRows, type RowStream, type SqlRow, type SqlRowOf, type SqlRows, type SqlStatement } from "../../src/sql/index.js";

const peaka = createPeakaClient({ apiKey: "test-key" });
const core = createPeakaCore({ apiKey: "test-key" });
const body = { statement: "SELECT 1" };

describe("queries.execute rows by format", () => {
  it("SIMPLE gives objects keyed by column name", async () => {
    const r = await peaka.queries.execute({ projectId: "p", format: "SIMPLE", body });
    expectTypeOf(r.data).toEqualTypeOf<Record<string, QueryCellValue>[]>();
    expectTypeOf(r.data[0]!["total"]).toEqualTypeOf<QueryCellValue | undefined>();
    // @ts-expect-error a SIMPLE row is not an array of cells
    void r.data[0]!.map((cell) => cell);
  });

  it("COMPACT gives arrays of bare values", async () => {
    const r = await peaka.queries.execute({ projectId: "p", format: "COMPACT", body });
    expectTypeOf(r.data).toEqualTypeOf<QueryCellValue[][]>();
    // @ts-expect-error a COMPACT value has no `name`
    void r.data[0]![0]!.name;
  });

  it("CELL_TYPED, the default, gives typed cells", async () => {
    const byDefault = await peaka.queries.execute({ projectId: "p", body });
    const explicit = await peaka.queries.execute({ projectId: "p", format: "CELL_TYPED", body });
    expectTypeOf(byDefault.data).toEqualTypeOf<QueryTypedCell[][]>();
    expectTypeOf(explicit.data).toEqualTypeOf<QueryTypedCell[][]>();
    expectTypeOf(byDefault.data[0]![0]!.dataType).toEqualTypeOf<string | undefined>();
    // @ts-expect-error a typed-cell row is not keyed by column name
    void byDefault.data[0]!.total;
    expectTypeOf<ExecuteQueryResult>().toEqualTypeOf<ExecuteQueryResult<"CELL_TYPED">>();
  });

  it("a format known only as a union gives the union of row shapes", async () => {
    const format = "SIMPLE" as "SIMPLE" | "COMPACT";
    const r = await peaka.queries.execute({ projectId: "p", format, body });
    expectTypeOf(r.data[0]!).toEqualTypeOf<Record<string, QueryCellValue> | QueryCellValue[]>();
  });

  it("the operation function and withResponse follow format too", async () => {
    const r = await executeQuery(core, { projectId: "p", format: "SIMPLE", body });
    expectTypeOf(r.data).toEqualTypeOf<Record<string, QueryCellValue>[]>();
    const w = await executeQuery.withResponse(core, { projectId: "p", format: "COMPACT", body });
    expectTypeOf(w.data.data).toEqualTypeOf<QueryCellValue[][]>();
    const m = await peaka.queries.execute.withResponse({ projectId: "p", format: "SIMPLE", body });
    expectTypeOf(m.data.data).toEqualTypeOf<Record<string, QueryCellValue>[]>();
    // @ts-expect-error not a format
    void executeQuery(core, { projectId: "p", format: "JSON", body });
  });
});

describe("SQL helpers", () => {
  it("sql statements are execute bodies", async () => {
    const q = sql`SELECT * FROM ${sql.id("shop", "public", "orders")} WHERE id = ${1}`;
    expectTypeOf(q).toEqualTypeOf<SqlStatement>();
    await peaka.queries.execute({ projectId: "p", format: "SIMPLE", body: q });
    expectTypeOf(runSql(peaka, "p", q)).resolves.toEqualTypeOf<SqlRows<SqlRowOf>>();
    expectTypeOf(runSql(core, "p", "SELECT 1")).resolves.toEqualTypeOf<SqlRows<SqlRowOf>>();
    expectTypeOf(streamRows(peaka, { projectId: "p", queryId: "q" })).toEqualTypeOf<RowStream<SqlRowOf>>();
    const typed = await peaka.queries.execute({ projectId: "p", body: q });
    expectTypeOf(rowsFromResult(typed).rows).toEqualTypeOf<SqlRow[]>();
    const simple = await peaka.queries.execute({ projectId: "p", format: "SIMPLE", body: q });
    // @ts-expect-error rowsFromResult reads CELL_TYPED answers only
    void rowsFromResult(simple);
    // @ts-expect-error identifiers take strings only
    void sql.id("a", 1);
    // @ts-expect-error a source needs a query, a table or an export
    void streamRows(peaka, { projectId: "p" });
  });
});
