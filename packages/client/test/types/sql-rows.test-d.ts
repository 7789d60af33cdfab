// Type tests of typed SQL rows: rows follow the `bigint`/`timestamps` options, a Standard Schema types
// (and checks) them, `runSql<Row>` names them unchecked, and the `sql` tag takes only bindable values.
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createPeakaClient } from "../../src/index.js";
import { runSql, sql, streamRows, type RowStream, type SqlCell, type SqlRows, type SqlStatement, type StandardSchemaV1 } from "../../src/sql/index.js";

const peaka = createPeakaClient({ apiKey: "test-key" });
const src = { projectId: "p", queryId: "q" };

/** A hand-written Standard Schema: its output type is what the rows become. */
declare const orderSchema: StandardSchemaV1<{ id: number; total: string }, { id: number; total: number }>;
interface Order {
  id: number;
  total: number;
  paidAt: Date;
}

describe("row types follow the options", () => {
  it("no options: text, numbers, booleans, null and JSON; no bigint, no Date", async () => {
    const { rows } = await runSql(peaka, "p", "SELECT 1");
    expectTypeOf(rows[0]!["x"]).toEqualTypeOf<SqlCell | undefined>();
    expectTypeOf<bigint>().not.toMatchTypeOf<SqlCell>();
    expectTypeOf<Date>().not.toMatchTypeOf<SqlCell>();
  });

  it("bigint: \"bigint\" adds bigint, timestamps: \"Date\" adds Date, as each is asked for", async () => {
    const big = await runSql(peaka, "p", "SELECT 1", { bigint: "bigint" });
    expectTypeOf<bigint>().toMatchTypeOf<(typeof big.rows)[number][string]>();
    expectTypeOf<Date>().not.toMatchTypeOf<(typeof big.rows)[number][string]>();
    const dated = await runSql(peaka, "p", "SELECT 1", { timestamps: "Date" });
    expectTypeOf<Date>().toMatchTypeOf<(typeof dated.rows)[number][string]>();
    expectTypeOf<bigint>().not.toMatchTypeOf<(typeof dated.rows)[number][string]>();
    for await (const row of streamRows(peaka, src, { timestamps: "Date" })) expectTypeOf<Date>().toMatchTypeOf<(typeof row)[string]>();
  });
});

describe("a row schema (Standard Schema) types the rows", () => {
  it("hand-written and zod schemas give their output type", async () => {
    expectTypeOf(runSql(peaka, "p", "SELECT 1", { schema: orderSchema })).resolves.toEqualTypeOf<SqlRows<{ id: number; total: number }>>();
    const zOrder = z.object({ id: z.number(), total: z.coerce.number() });
    expectTypeOf(runSql(peaka, "p", "SELECT 1", { schema: zOrder })).resolves.toEqualTypeOf<SqlRows<{ id: number; total: number }>>();
    expectTypeOf(streamRows(peaka, src, { schema: zOrder })).toEqualTypeOf<RowStream<{ id: number; total: number }>>();
  });

  it("a schema that takes a Date or a bigint needs the option that gives one", () => {
    const withDate = z.object({ paidAt: z.date() });
    expectTypeOf(runSql(peaka, "p", "SELECT 1", { schema: withDate, timestamps: "Date" })).resolves.toEqualTypeOf<SqlRows<{ paidAt: Date }>>();
    // @ts-expect-error without timestamps: "Date" a timestamp comes as text, never a Date
    void runSql(peaka, "p", "SELECT 1", { schema: withDate });
    // @ts-expect-error without bigint: "bigint" a bigint column never gives a bigint
    void streamRows(peaka, src, { schema: z.object({ n: z.bigint() }) });
  });

  it("a schema must be a Standard Schema", () => {
    // @ts-expect-error not a Standard Schema
    void runSql(peaka, "p", "SELECT 1", { schema: { parse: (v: unknown) => v } });
  });
});

describe("runSql<Row> names the row type, unchecked", () => {
  it("gives the named type", () => {
    expectTypeOf(runSql<{ id: number; name: string | null }>(peaka, "p", "SELECT 1")).resolves.toEqualTypeOf<SqlRows<{ id: number; name: string | null }>>();
    expectTypeOf(streamRows<{ id: number }>(peaka, src, { format: "CSV" })).toEqualTypeOf<RowStream<{ id: number }>>();
    expectTypeOf(runSql<Order>(peaka, "p", "SELECT 1", { timestamps: "Date", signal: AbortSignal.timeout(1000) })).resolves.toEqualTypeOf<SqlRows<Order>>();
  });

  it("refuses a type the options cannot give", () => {
    // @ts-expect-error a Date needs timestamps: "Date"
    void runSql<Order>(peaka, "p", "SELECT 1");
    // @ts-expect-error a Date needs timestamps: "Date", not "string"
    void runSql<Order>(peaka, "p", "SELECT 1", { timestamps: "string" });
    // @ts-expect-error a bigint needs bigint: "bigint"
    void streamRows<{ n: bigint }>(peaka, src, {});
    // @ts-expect-error a function is no SQL value
    void runSql<{ f: () => void }>(peaka, "p", "SELECT 1");
    // @ts-expect-error a Map is no SQL value
    void runSql<{ m: Map<string, number> }>(peaka, "p", "SELECT 1");
  });
});

describe("the sql tag takes SqlValue | SqlStatement", () => {
  it("accepts values and fragments", () => {
    const id: number | null = 1;
    expectTypeOf(sql`SELECT ${"a"}, ${1}, ${2n}, ${true}, ${new Date()}, ${null}, ${id}, ${sql.id("t")}, ${sql.join([1, 2])}`).toEqualTypeOf<SqlStatement>();
  });

  it("refuses arrays, objects, functions, undefined, symbols", () => {
    const maybe = undefined as string | undefined;
    // @ts-expect-error an array: use sql.join
    void sql`SELECT * FROM t WHERE id IN (${[1, 2]})`;
    // @ts-expect-error an object
    void sql`SELECT ${{ a: 1 }}`;
    // @ts-expect-error a function
    void sql`SELECT ${() => 1}`;
    // @ts-expect-error undefined (a missing property): use null for SQL NULL
    void sql`SELECT ${maybe}`;
    // @ts-expect-error a symbol
    void sql`SELECT ${Symbol("s")}`;
    // @ts-expect-error sql.join takes values and fragments only
    void sql.join([{ a: 1 }]);
  });
});
