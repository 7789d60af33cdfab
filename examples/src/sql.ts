// SQL: statements built with the `sql` tagged template (values go as `?` bindings, never into the
// text; names through sql.id, quoted), run with runSql for rows as objects with values converted by
// their SQL types, and peaka.queries.execute for rows typed by the format asked for.
import { PeakaBadRequestError } from "@peaka/api";
import { runSql, sql } from "@peaka/api/sql";
import { isMain, runOnSimulator, type Example } from "./run.js";

export async function main({ peaka, ids, log }: Example) {
  const { projectId } = ids;
  const orders = sql.id("shop", "public", "orders");
  const customers = sql.id("shop", "public", "customers");

  // Revenue per country from the orders paid since a date, the biggest first.
  const since = new Date("2025-07-01T00:00:00Z");
  const countries = ["DE", "US", "TR"];
  const query = sql`SELECT c.country, count(*) AS orders, sum(o.total) AS revenue
    FROM ${orders} o JOIN ${customers} c ON c.customer_id = o.customer_id
    WHERE o.paid_at >= ${since} AND c.country IN (${sql.join(countries)})
    GROUP BY c.country ORDER BY revenue DESC`;
  log(`statement: ${query.statement.replace(/\s+/g, " ")}`);
  log(`bindings: ${JSON.stringify(query.bindings)}`);

  const { columns, rows } = await runSql(peaka, projectId, query);
  log(`columns: ${columns.map((c) => `${c.key} ${c.type}`).join(", ")}`);
  for (const row of rows) log(`  ${row["country"]}: ${row["orders"]} orders, ${Number(row["revenue"]).toFixed(2)}`);

  // The same rows keyed by column name without conversion: format SIMPLE (data typed as objects).
  const simple = await peaka.queries.execute({ projectId, format: "SIMPLE", body: sql`SELECT count(*) AS n FROM ${orders} WHERE status = ${"cancelled"}` });
  const cancelled = Number(simple.data[0]?.["n"]);
  log(`cancelled orders: ${cancelled}`);

  // Only reads run: Peaka refuses a write through this operation.
  let refused: string | undefined;
  try {
    await runSql(peaka, projectId, sql`DELETE FROM ${orders} WHERE order_id = ${1}`);
  } catch (error) {
    if (!(error instanceof PeakaBadRequestError)) throw error;
    refused = error.detail;
    log(`a DELETE is refused: ${error.status} ${refused}`);
  }
  return { byCountry: rows.map((r) => ({ country: r["country"], orders: r["orders"], revenue: r["revenue"] })), cancelled, refused };
}

if (isMain(import.meta.url)) await runOnSimulator(main);
