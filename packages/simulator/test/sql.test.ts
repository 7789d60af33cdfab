// SQL on the simulator, through @peaka/api: executeQuery (statements with bindings, saved queries,
// qualified names, query-builder requests) in the three row formats, writes refused as Peaka refuses
// them, engine errors as Peaka's error body, exportQuery streamed with streamRows, transpileSql.
// Expected values are computed from the simulator's own rows (sim.world), never written down.
import { PeakaBadRequestError, PeakaJobFailedError, waitForExport } from "@peaka/api";
import { runSql, sql, streamRows } from "@peaka/api/sql";
import { describe, expect, it } from "vitest";
import type { PeakaSimulator } from "../src/index.js";
import type { Row } from "../src/internal/shop.js";
import { clientOf, simulator } from "./support.js";

/** The seeded rows of a shop table, as the simulator holds them. */
function rowsOf(sim: PeakaSimulator, table: "customers" | "orders" | "order_items"): Row[] {
  return sim.world.projects.get(sim.seeded.projectId)!.catalogs.get(sim.seeded.catalogId)!.schemas.get("public")!.get(table)!.rows();
}

const byId = (key: string) => (a: Row, b: Row) => (a[key] as number) - (b[key] as number);

/** Poll options that move the simulator's clock by `step` ms at each status the waiter reports. */
const advancing = (sim: PeakaSimulator, step: number) => ({ interval: 1, maxInterval: 1, timeout: 15_000, onProgress: () => sim.clock.advance(step) });

describe("executeQuery: statements", () => {
  it("runSql with the sql template: string, integer, double, boolean and Date bindings give the rows the seeded data holds", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const orders = rowsOf(sim, "orders");
    const status = "shipped";
    const min = 150.5;
    const maxId = 1500;
    const paid = true;
    const since = new Date(Date.parse(orders[10]!.placed_at as string) - 90 * 86_400_000);
    const { rows, columns } = await runSql(
      peaka,
      sim.seeded.projectId,
      sql`SELECT order_id, total, placed_at FROM "shop"."public"."orders"
           WHERE status = ${status} AND total > ${min} AND order_id <= ${maxId} AND (paid_at IS NOT NULL) = ${paid} AND placed_at >= ${since} ORDER BY order_id`,
      { timestamps: "Date" },
    );
    const expected = orders
      .filter((o) => o.status === status && (o.total as number) > min && (o.order_id as number) <= maxId && o.paid_at !== null && Date.parse(o.placed_at as string) >= since.getTime())
      .sort(byId("order_id"));
    expect(expected.length).toBeGreaterThan(0);
    expect(rows).toEqual(expected.map((o) => ({ order_id: o.order_id, total: o.total, placed_at: new Date(o.placed_at as string) })));
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ["order_id", "bigint"],
      ["total", "double"],
      ["placed_at", "timestamp(3) with time zone"],
    ]);
  });

  it("runSql with a plain statement and its bindings option (bare and cast ? markers)", async () => {
    const sim = simulator();
    const customers = rowsOf(sim, "customers");
    const country = customers[0]!.country as string;
    const { rows } = await runSql(clientOf(sim), sim.seeded.projectId, `SELECT customer_id, email FROM shop.public.customers WHERE country = ? AND customer_id <= CAST(? AS BIGINT) ORDER BY customer_id`, {
      bindings: [country, "120"],
    });
    const expected = customers.filter((c) => c.country === country && (c.customer_id as number) <= 120).map((c) => ({ customer_id: c.customer_id, email: c.email }));
    expect(expected.length).toBeGreaterThan(1);
    expect(rows).toEqual(expected);
  });

  it("reads across tables by three-part names; a name without its catalog is an error", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const customers = new Map(rowsOf(sim, "customers").map((c) => [c.customer_id, c]));
    const { rows } = await runSql(
      peaka,
      sim.seeded.projectId,
      `SELECT c.country, count(*) AS orders, sum(o.total) AS total
         FROM "shop"."public"."orders" o JOIN "shop"."public"."customers" c ON c.customer_id = o.customer_id
        GROUP BY c.country ORDER BY c.country`,
    );
    const expected = new Map<string, { orders: number; total: number }>();
    for (const o of rowsOf(sim, "orders")) {
      const country = customers.get(o.customer_id)!.country as string;
      const sum = expected.get(country) ?? { orders: 0, total: 0 };
      sum.orders++;
      sum.total += o.total as number;
      expected.set(country, sum);
    }
    expect(rows.map((r) => r["country"])).toEqual([...expected.keys()].sort());
    for (const r of rows) {
      const want = expected.get(r["country"] as string)!;
      expect(r["orders"]).toBe(want.orders);
      expect(r["total"]).toBeCloseTo(want.total, 6);
    }
    const twoPart = await runSql(peaka, sim.seeded.projectId, "SELECT count(*) FROM public.orders").catch((e: unknown) => e);
    expect(twoPart).toBeInstanceOf(PeakaBadRequestError);
    // Each project has its own database: a new project has no shop catalog.
    const other = await peaka.projects.create({ organizationId: sim.seeded.organizationId, workspaceId: sim.seeded.workspaceId, body: { name: "empty" } });
    await expect(runSql(peaka, other.id, "SELECT count(*) FROM shop.public.orders")).rejects.toBeInstanceOf(PeakaBadRequestError);
  });

  it("answers each of the three row formats in the spec's shape, with the same values", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const statement = "SELECT customer_id, name, created_at FROM \"shop\".\"public\".\"customers\" WHERE customer_id <= 3 ORDER BY customer_id";
    const expected = rowsOf(sim, "customers").filter((c) => (c.customer_id as number) <= 3).sort(byId("customer_id"));
    const time = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`; // Trino's text of a timestamp(3) with time zone

    const typed = await peaka.queries.execute({ projectId, format: "CELL_TYPED", body: { statement } });
    expect(typed.columns).toEqual([{ columnName: "customer_id" }, { columnName: "name" }, { columnName: "created_at" }]);
    expect(typed.data).toEqual(
      expected.map((c) => [
        { name: "customer_id", displayName: "customer_id", dataType: "bigint", order: 0, value: String(c.customer_id) },
        { name: "name", displayName: "name", dataType: "varchar", order: 1, value: c.name },
        { name: "created_at", displayName: "created_at", dataType: "timestamp(3) with time zone", order: 2, value: time(c.created_at as string) },
      ]),
    );
    const simple = await peaka.queries.execute({ projectId, format: "SIMPLE", body: { statement } });
    expect(simple.data).toEqual(expected.map((c) => ({ customer_id: String(c.customer_id), name: c.name, created_at: time(c.created_at as string) })));
    const compact = await peaka.queries.execute({ projectId, format: "COMPACT", body: { statement } });
    expect(compact.data).toEqual(expected.map((c) => [String(c.customer_id), c.name, time(c.created_at as string)]));
    // No format: CELL_TYPED, the spec's default.
    const plain = await peaka.queries.execute({ projectId, body: { statement } });
    expect(plain.data).toEqual(typed.data);
  });

  it("sends doubles as Peaka does: text, in Java's scientific notation from 10^7 on; decimals as exact text", async () => {
    const sim = simulator();
    const projectId = sim.seeded.projectId;
    const result = await clientOf(sim).queries.execute({ projectId, format: "COMPACT", body: { statement: "SELECT sum(total) * 100 AS big, min(total) AS small FROM shop.public.orders" } });
    const totals = rowsOf(sim, "orders").map((o) => o.total as number);
    const [big, small] = result.data[0] as [string, string];
    expect(big).toMatch(/^\d\.\d+E\d+$/);
    expect(Number(big)).toBeCloseTo(totals.reduce((a, b) => a + b, 0) * 100, 0);
    expect(small).toBe(String(Math.min(...totals)));
    const decimal = await clientOf(sim).queries.execute({ projectId, body: { statement: "SELECT CAST(? AS DECIMAL(10,2)) AS d", bindings: ["12.5"] } });
    expect(decimal.data).toEqual([[{ name: "d", displayName: "d", dataType: "decimal(10,2)", order: 0, value: "12.50" }]]);
  });

  it("defines Trino's from_iso8601_timestamp: a bound ISO text compares with a timestamp column", async () => {
    const sim = simulator();
    const orders = rowsOf(sim, "orders");
    const cut = orders[42]!.placed_at as string;
    const result = await clientOf(sim).queries.execute({
      projectId: sim.seeded.projectId,
      format: "SIMPLE",
      body: { statement: 'SELECT count(*) AS n, min(placed_at) = from_iso8601_timestamp(?) AS exact FROM "shop"."public"."orders" WHERE placed_at >= from_iso8601_timestamp(?)', bindings: [cut, cut] },
    });
    expect(result.data).toEqual([{ n: String(orders.filter((o) => Date.parse(o.placed_at as string) >= Date.parse(cut)).length), exact: true }]);
  });

  it("defines from_iso8601_date", async () => {
    const sim = simulator();
    const customers = rowsOf(sim, "customers");
    const day = (customers[7]!.created_at as string).slice(0, 10);
    const { rows } = await runSql(clientOf(sim), sim.seeded.projectId, "SELECT count(*) AS n FROM shop.public.customers WHERE CAST(created_at AS DATE) = from_iso8601_date(?)", { bindings: [day] });
    expect(rows).toEqual([{ n: customers.filter((c) => (c.created_at as string).startsWith(day)).length }]);
  });

  it("answers a SQL error with Peaka's error body (errorCode 100) and the engine's message", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const missing = await peaka.queries.execute({ projectId, body: { statement: 'SELECT * FROM "shop"."public"."refunds"' } }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PeakaBadRequestError);
    expect(missing).toMatchObject({ status: 400, errorCode: 100, message: expect.stringContaining("refunds") });
    const unbound = await peaka.queries.execute({ projectId, body: { statement: "SELECT * FROM shop.public.orders WHERE status = ?" } }).catch((e: unknown) => e);
    expect(unbound).toMatchObject({ status: 400, errorCode: 100 });
    const syntax = await peaka.queries.execute({ projectId, body: { statement: "SELECT FROM WHERE" } }).catch((e: unknown) => e);
    expect(syntax).toMatchObject({ status: 400, errorCode: 100, message: expect.stringMatching(/syntax/i) });
  });
});

describe("executeQuery: the engine follows the simulator's state", () => {
  it("loads a Peaka Table whose record holds rows, reloads it when they change, drops it when the table goes", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    await peaka.tables.create({ projectId, tableName: "notes" });
    const record = sim.world.projects.get(projectId)!.peakaTables.get("notes")! as { rows?: Row[] };
    const count = async () => (await runSql(peaka, projectId, 'SELECT count(*) AS n, max("text") AS last FROM "peaka"."table"."notes"')).rows[0];
    // A new Peaka Table holds no rows: an empty table of the engine (its columns are the system columns and `text`).
    expect(await count()).toEqual({ n: 0, last: null });
    record.rows = [{ _id: "a", _version: 1, _created_time: "2026-01-05T09:00:00Z", text: "first" }];
    expect(await count()).toEqual({ n: 1, last: "first" });
    record.rows.push({ _id: "b", _version: 1, _created_time: "2026-01-05T09:01:00Z", text: "second" });
    expect(await count()).toEqual({ n: 2, last: "second" });
    await peaka.tables.delete({ projectId, tableName: "notes" });
    await expect(count()).rejects.toBeInstanceOf(PeakaBadRequestError);
  });
});

describe("executeQuery: only reads run", () => {
  const refused: Array<[string, string]> = [
    ["INSERT INTO shop.public.orders (order_id) VALUES (99999)", "Insert"],
    ["DELETE FROM \"shop\".\"public\".\"orders\"", "Delete"],
    ["UPDATE shop.public.orders SET total = 0", "Update"],
    ["CREATE TABLE shop.public.copy (id BIGINT)", "CreateTable"],
    ["CREATE TABLE shop.public.copy AS SELECT * FROM shop.public.orders", "CreateTableAsSelect"],
    ["DROP TABLE shop.public.orders", "DropTable"],
    ["/* monthly report */ DELETE FROM shop.public.orders", "Delete"],
    ["-- looks harmless\nINSERT INTO shop.public.orders (order_id) VALUES (1)", "Insert"],
    ["WITH doomed AS (SELECT order_id FROM shop.public.orders) DELETE FROM shop.public.orders", "Delete"],
    ["SELECT 1; DROP TABLE shop.public.orders", "DropTable"],
    ["SELECT * INTO shop.public.copy FROM shop.public.orders", "CreateTableAsSelect"],
  ];

  it.each(refused)("refuses %j with a 400 naming the statement type %s, and changes nothing", async (statement, type) => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const error = await peaka.queries.execute({ projectId, body: { statement } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaBadRequestError);
    expect(error).toMatchObject({ status: 400, message: expect.stringContaining(`Statement type '${type}' is not allowed`) });
    expect(JSON.parse((error as PeakaBadRequestError).body)).toEqual({ message: `Statement type '${type}' is not allowed` });
    const { rows } = await runSql(peaka, projectId, "SELECT count(*) AS n FROM shop.public.orders");
    expect(rows).toEqual([{ n: rowsOf(sim, "orders").length }]);
  });

  it("answers 400 with errorCode 100 for text the lexer cannot read to its end and for several reads", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    await expect(peaka.queries.execute({ projectId, body: { statement: "SELECT 'open FROM shop.public.orders" } })).rejects.toMatchObject({ status: 400, errorCode: 100, message: expect.stringContaining("not closed") });
    await expect(peaka.queries.execute({ projectId, body: { statement: "SELECT 1; SELECT 2" } })).rejects.toMatchObject({ status: 400, errorCode: 100, message: expect.stringContaining("one statement") });
  });

  it("runs the reads the lexer proves (a comment, a CTE, a final semicolon)", async () => {
    const sim = simulator();
    const { rows } = await runSql(clientOf(sim), sim.seeded.projectId, "/* count */ WITH o AS (SELECT * FROM shop.public.orders) SELECT count(*) AS n FROM o;");
    expect(rows).toEqual([{ n: rowsOf(sim, "orders").length }]);
  });
});

describe("executeQuery: saved queries, qualified names, query-builder requests", () => {
  it("runs a saved query by id, and reads it as peaka.query.<name>", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const expected = rowsOf(sim, "orders").filter((o) => o.paid_at !== null).map((o) => String(o.order_id));
    const byIdResult = await peaka.queries.execute({ projectId, format: "SIMPLE", body: { id: sim.seeded.queryId } });
    expect(byIdResult.data.map((r) => (r as Record<string, unknown>)["order_id"]).sort()).toEqual([...expected].sort());
    const saved = await peaka.queries.get({ projectId, queryId: sim.seeded.queryId });
    const byName = await peaka.queries.execute({ projectId, format: "COMPACT", body: { qualifiedName: `peaka.query.${saved.name}` } });
    expect(byName.data).toHaveLength(expected.length);
    const table = await peaka.queries.execute({ projectId, format: "SIMPLE", body: { qualifiedName: "shop.public.customers" } });
    expect(table.data).toHaveLength(rowsOf(sim, "customers").length);
    expect(table.columns[0]).toEqual({ catalogName: "shop", schemaName: "public", tableName: "customers", columnName: "customer_id" });
    const unknown = await peaka.queries.execute({ projectId, body: { id: "999999999999999999" } }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404 });
  });

  it("a saved query made with createQuery is readable at once; one that writes is refused", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const q = await peaka.queries.create({ projectId, body: { displayName: "Big spenders", inputQuery: "SELECT customer_id FROM shop.public.orders WHERE total > 500" } });
    const { rows } = await runSql(peaka, projectId, `SELECT count(*) AS n FROM "peaka"."query"."${q.name}"`);
    expect(rows).toEqual([{ n: rowsOf(sim, "orders").filter((o) => (o.total as number) > 500).length }]);
    const bad = await peaka.queries.create({ projectId, body: { displayName: "Wipe", inputQuery: "DELETE FROM shop.public.orders" } });
    await expect(peaka.queries.execute({ projectId, body: { id: bad.id } })).rejects.toMatchObject({ status: 400, message: expect.stringContaining("Statement type 'Delete' is not allowed") });
  });

  it("runs a query-builder request: columns, filters, order, limit and offset, with the columns' origin", async () => {
    const sim = simulator();
    const projectId = sim.seeded.projectId;
    const column = { catalogName: "shop", schemaName: "public", tableName: "orders", columnName: "total" };
    const result = await clientOf(sim).queries.execute({
      projectId,
      format: "COMPACT",
      body: {
        columns: ["order_id", "total"],
        from: [{ catalogId: sim.seeded.catalogId, schemaName: "public", tableName: "orders" }],
        filters: { and: [[{ column }, ">=", [100]], [{ column: { ...column, columnName: "status" } }, "IN", ["paid", "shipped"]]] },
        orderBy: ["total DESC"],
        limit: 5,
        offset: 2,
      },
    });
    const expected = rowsOf(sim, "orders")
      .filter((o) => (o.total as number) >= 100 && ["paid", "shipped"].includes(o.status as string))
      .sort((a, b) => (b.total as number) - (a.total as number))
      .slice(2, 7);
    expect(result.data).toEqual(expected.map((o) => [String(o.order_id), String(o.total)]));
    expect(result.columns).toEqual([
      { catalogName: "shop", schemaName: "public", tableName: "orders", columnName: "order_id" },
      { catalogName: "shop", schemaName: "public", tableName: "orders", columnName: "total" },
    ]);
    // A null value compares as IS NULL / IS NOT NULL; groups nest.
    const paidAt = { column: { ...column, columnName: "paid_at" } };
    const count = async (filters: object) =>
      (await clientOf(sim).queries.execute({ projectId, format: "COMPACT", body: { columns: ["order_id"], from: [{ catalogName: "shop", schemaName: "public", tableName: "orders" }], filters } })).data.length;
    const orders = rowsOf(sim, "orders");
    expect(await count({ and: [[paidAt, "=", [null]]] })).toBe(orders.filter((o) => o.paid_at === null).length);
    expect(await count({ and: [[paidAt, "!=", [null]]] })).toBe(orders.filter((o) => o.paid_at !== null).length);
    expect(await count({ or: [{ and: [[paidAt, "=", [null]], [{ column: { columnName: "status" } }, "=", ["placed"]]] }, [{ column }, "<", [20]]] })).toBe(
      orders.filter((o) => (o.paid_at === null && o.status === "placed") || (o.total as number) < 20).length,
    );
  });
});

describe("exportQuery", () => {
  it("streamRows reads a saved query's result through its export (JSONL gzip and CSV)", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const q = await peaka.queries.create({ projectId, body: { displayName: "Item lines", inputQuery: "SELECT order_item_id, product, quantity * unit_price AS amount FROM shop.public.order_items WHERE quantity >= 3" } });
    const expected = rowsOf(sim, "order_items")
      .filter((r) => (r.quantity as number) >= 3)
      .map((r) => ({ order_item_id: r.order_item_id, product: r.product, amount: (r.quantity as number) * (r.unit_price as number) }));
    for (const format of ["JSONL", "CSV"] as const) {
      const rows: Record<string, unknown>[] = [];
      for await (const row of streamRows(peaka, { projectId, queryId: q.id }, { fetch: sim.fetch, format, wait: advancing(sim, 1000) })) rows.push(row);
      const sorted = rows.map((r) => ({ order_item_id: Number(r["order_item_id"]), product: r["product"], amount: Number(r["amount"]) })).sort(byId("order_item_id") as never);
      expect(sorted).toHaveLength(expected.length);
      sorted.forEach((r, i) => {
        expect(r.order_item_id).toBe(expected[i]!.order_item_id);
        expect(r.product).toBe(expected[i]!.product);
        expect(r.amount).toBeCloseTo(expected[i]!.amount, 9);
      });
    }
    const job = (await peaka.exports.list({ projectId }))[0]!;
    expect(job).toMatchObject({ queryId: q.id, catalogId: null, tableName: null, source: `peaka.query."${q.name}"`, rowCount: expected.length });
  });

  it("runs the saved query when the export starts: a later change of the query does not change the file", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const q = await peaka.queries.create({ projectId, body: { displayName: "Countries", inputQuery: "SELECT DISTINCT country FROM shop.public.customers" } });
    const { id } = await peaka.exports.exportQuery({ projectId, queryId: q.id, body: { format: "JSONL", compression: "NONE" } });
    await peaka.queries.update({ projectId, queryId: q.id, body: { inputQuery: "SELECT 1 AS one" } });
    const rows: Record<string, unknown>[] = [];
    for await (const row of streamRows(peaka, { projectId, exportId: id }, { fetch: sim.fetch, wait: advancing(sim, 1000) })) rows.push(row);
    expect(rows.map((r) => r["country"]).sort()).toEqual([...new Set(rowsOf(sim, "customers").map((c) => c.country))].sort());
  });

  it("fails the job (FAILED, with the reason) for a saved query that does not run", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    for (const [inputQuery, reason] of [
      ["SELECT * FROM shop.public.refunds", "refunds"],
      ["DELETE FROM shop.public.orders", "Statement type 'Delete' is not allowed"],
    ] as const) {
      const q = await peaka.queries.create({ projectId, body: { displayName: `Broken ${reason.length}`, inputQuery } });
      const { id } = await peaka.exports.exportQuery({ projectId, queryId: q.id, body: {} });
      const error = await waitForExport(peaka, { projectId, exportId: id }, advancing(sim, 1000)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeakaJobFailedError);
      expect((await peaka.exports.get({ projectId, exportId: id })).error).toContain(reason);
    }
    await expect(peaka.exports.exportQuery({ projectId, queryId: "999999999999999999", body: {} })).rejects.toMatchObject({ status: 404 });
  });
});

describe("transpileSql", () => {
  it("answers { query }: quoted names in backquotes for MySQL, the text unchanged for Trino and PostgreSQL", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const query = `SELECT "order_id", 'a "b"' AS s FROM "shop"."public"."orders" -- "c"`;
    expect(await peaka.sql.transpile({ dialect: "mysql", body: { query } })).toEqual({ query: "SELECT `order_id`, 'a \"b\"' AS s FROM `shop`.`public`.`orders` -- \"c\"" });
    for (const dialect of ["mariadb", "bigquery", "spark", "databricks", "hive"]) {
      expect(await peaka.sql.transpile({ dialect, body: { query: 'SELECT "a""b"' } })).toEqual({ query: "SELECT `a\"b`" });
    }
    expect(await peaka.sql.transpile({ dialect: "trino", body: { query } })).toEqual({ query });
    expect(await peaka.sql.transpile({ dialect: "postgres", body: { query } })).toEqual({ query });
  });
});
