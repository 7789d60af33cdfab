// Exports, streamed: export a table as gzipped JSONL and read it row by row in bounded memory — the
// export job is started, waited for and its files downloaded and parsed for you. Then the same table
// as CSV, with the types of the columns named so that values come back as numbers, not text.
import { streamRows } from "@peaka/api/sql";
import { isMain, runOnSimulator, type Example } from "./run.js";

export async function main({ peaka, ids, fetch, log }: Example) {
  const table = { projectId: ids.projectId, catalogId: ids.catalogId, schemaName: "public", tableName: "order_items" };

  let rows = 0;
  let revenue = 0;
  let downloaded = 0;
  for await (const row of streamRows(peaka, table, {
    format: "JSONL",
    fetch, // downloads the files; the simulator in-process serves them itself
    wait: { interval: 200 },
    onProgress: (p) => (downloaded = p.bytes),
  })) {
    rows++;
    revenue += Number(row["quantity"]) * Number(row["unit_price"]);
  }
  log(`order_items: ${rows} rows, revenue ${revenue.toFixed(2)} (${downloaded} bytes of gzipped JSONL)`);

  // CSV carries no types: name the ones to convert. Only two columns, the first 100 rows.
  const sample: Array<Record<string, unknown>> = [];
  for await (const row of streamRows(peaka, table, {
    format: "CSV",
    compression: "NONE",
    columns: ["order_item_id", "quantity"],
    limit: 100,
    types: { order_item_id: "bigint", quantity: "integer" },
    fetch,
    wait: { interval: 200 },
  })) {
    sample.push(row);
  }
  log(`CSV sample: ${sample.length} rows, first ${JSON.stringify(sample[0])}`);
  return { rows, revenue, sample };
}

if (isMain(import.meta.url)) await runOnSimulator(main);
