// The README's usage snippets, compiled by `pnpm typecheck` so that the README cannot drift from the
// API. Not run: it needs real ids.
import { readFileSync } from "node:fs";
import {
  createPeakaClient,
  createPeakaCore,
  getCacheStatus,
  listCacheExecutionHistory,
  PeakaApiError,
  PeakaJobFailedError,
  PeakaRateLimitError,
  fullRefreshCacheAndWait,
  incrementalUpdateCacheAndWait,
  refreshMaterializedQueryAndWait,
  refreshMetadataAndWait,
  waitForExport,
} from "@peaka/api";
import { PeakaRowValidationError, runSql, sql, streamRows } from "@peaka/api/sql";
import { z } from "zod";

declare const apiKey: string;
declare const projectKey: string;
declare const tenantProjectKey: string;
declare const traceId: string;
declare const projectId: string;
declare const cacheId: string;
declare const queryId: string;
declare const catalogId: string;
declare const connectionId: string;
declare const vault: { read(path: string): Promise<string> };
declare function done(event: unknown): boolean;

export async function snippets() {
  const peaka = createPeakaClient({ apiKey, maxRetries: 3, timeout: 30_000 });
  const controller = new AbortController();

  try {
    await peaka.catalogs.create({ projectId, body: { name: "crm", connectionId } });
  } catch (error) {
    if (error instanceof PeakaRateLimitError) console.log("slow down:", error.headers.get("retry-after"));
    else if (error instanceof PeakaApiError) console.log(error.status, error.errorCode, error.detail, error.requestId);
    else throw error;
  }

  await peaka.queries.execute(
    { projectId, body: { statement: "SELECT 1" } },
    { signal: controller.signal, timeout: 120_000, maxRetries: 1, retryNonIdempotent: true },
  );

  const rotating = createPeakaClient({ apiKey: async () => vault.read("peaka/partner-key") });
  await rotating.catalogs.list({ projectId }, { apiKey: projectKey, headers: { "X-Trace": traceId } });

  const tenant = peaka.derive({ apiKey: tenantProjectKey });
  await tenant.catalogs.list({ projectId });

  const me = await peaka.info.get();
  console.log(me.projectId ? `project key of ${me.projectName}` : "partner key", me.email);

  createPeakaClient({ apiKey, logger: console, logLevel: "info" });

  await fullRefreshCacheAndWait(peaka, { projectId, cacheId }, {
    interval: 2_000,
    timeout: 30 * 60_000,
    signal: controller.signal,
    onProgress: (s, state) => console.log(state, s.lastFullRefreshCacheExecution?.progress?.numberOfCachedRecords),
  });
  await incrementalUpdateCacheAndWait(peaka, { projectId, cacheId });
  await refreshMetadataAndWait(peaka, { projectId, catalogId });
  await refreshMaterializedQueryAndWait(peaka, { projectId, queryId });

  const job = await peaka.exports.exportQuery({ projectId, queryId, body: { format: "CSV" } });
  try {
    const finished = await waitForExport(peaka, { projectId, exportId: job.id });
    console.log(finished.files);
  } catch (error) {
    if (error instanceof PeakaJobFailedError) console.log(error.state, error.lastStatus);
  }

  const stream = await peaka.agent.stream({ projectId, body: { message: "Top customers by revenue?", streamModes: ["messages"] } });
  for await (const event of stream) {
    console.log(event.event, event.data);
    if (done(event)) break;
  }

  const csv: string = await peaka.tables.getCsvSample({ projectId, tableName: "orders" });
  const png: Blob = await peaka.agent.getWorkflowImage();
  await peaka.tables.importCsv({
    projectId,
    tableName: "orders",
    body: { file: readFileSync("orders.csv"), request: { containsHeader: true, mappings: [{ name: "order_id", csvColumnName: "id" }] } },
  });

  const core = createPeakaCore({ apiKey: process.env["PEAKA_API_KEY"] });
  // README "Paged operations".
  const page = await peaka.exports.list({ projectId, limit: 50 });
  console.log(page.length);
  for await (const job of peaka.exports.list({ projectId, limit: 200 })) console.log(job.id, job.status);
  const hits = await peaka.catalogs.search({ projectId, body: { query: "orders" } }).toArray({ max: 500 });
  console.log(hits.map((hit) => `${hit.kind}: ${JSON.stringify(hit.match)}`));
  for await (const run of listCacheExecutionHistory(core, { projectId, cacheId })) console.log(run.id);
  const status = await getCacheStatus(core, { projectId, cacheId, excludeLogs: true });
  return { csv, png, status };
}

// README "Running SQL": the tagged template, rows as objects, rows typed by format, the big-result stream.
declare function handle(row: Record<string, unknown>): void;

export async function sqlSnippets() {
  const peaka = createPeakaClient({ apiKey });
  const controller = new AbortController();
  const status = "shipped";
  const minTotal = 100;
  const regions = ["eu", "us"];

  const query = sql`SELECT o.id, c.id, o.total FROM ${sql.id("shop", "public", "orders")} o
  JOIN ${sql.id("shop", "public", "customers")} c ON c.id = o.customer_id
  WHERE o.status = ${status} AND o.total >= ${minTotal} AND o.region IN (${sql.join(regions)})`;

  const { columns, rows } = await runSql(peaka, projectId, query, { timeout: 120_000 });
  console.log(columns.map((c) => `${c.key}: ${c.type}`));
  for (const row of rows) console.log(row["id"], row["id_2"], row["total"]);

  await peaka.queries.execute({ projectId, body: query });
  await runSql(peaka, projectId, "SELECT 1");
  const simple = await peaka.queries.execute({ projectId, format: "SIMPLE", body: query });
  console.log(simple.data[0]?.["total"]);

  // README "Running SQL": typed rows.
  const Order = z.object({ id: z.number(), total: z.number(), paid_at: z.date().nullable() });
  try {
    const { rows: orders } = await runSql(peaka, projectId, sql`SELECT id, total, paid_at FROM orders`, { schema: Order, timestamps: "Date" });
    for (const order of orders) console.log(order.id, order.total.toFixed(2), order.paid_at?.toISOString());
  } catch (error) {
    if (error instanceof PeakaRowValidationError) console.log(error.index, error.issues, error.row);
    else throw error;
  }
  const { rows: ids } = await runSql<{ id: number }>(peaka, projectId, "SELECT id FROM orders");
  console.log(ids.map((row) => row.id));

  for await (const row of streamRows(peaka, { projectId, queryId }, {
    format: "JSONL", // or "CSV"; gzip unless compression: "NONE"
    types: { paid_at: "timestamp(3)" }, // exports carry no types: name the ones to convert
    onProgress: ({ rows, bytes }) => console.log(`${rows} rows, ${bytes} bytes downloaded`),
    signal: controller.signal,
  })) {
    handle(row);
  }
  return query;
}
