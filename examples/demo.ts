// pnpm demo: the headline jobs of @peaka/api end to end — browse, SQL with bindings and typed rows, a
// cache refresh watched to the end, 100,000 rows exported and streamed, paging through exports, and the
// Peaka agent's event stream.
//
// Without PEAKA_API_KEY it runs on @peaka/simulator: a simulated Peaka inside this process with a sample
// shop project (customers, orders, order items), on the wall clock with jobs shortened to a second or two.
// No server, no account, nothing leaves the machine.
//
// With PEAKA_API_KEY set it talks to the real API (PEAKA_REGION=eu or PEAKA_BASE_URL pick the server)
// and only reads: it browses, runs one SELECT, reads cache statuses and pages through the exports
// already there. The steps that would change the project (a cache refresh, an export, an agent
// conversation) are skipped and say so. PEAKA_PROJECT_ID picks the project (default: a project key's own).
import {
  createPeakaClient,
  fullRefreshCacheAndWait,
  iterateExports,
  PeakaApiError,
  type PeakaClient,
} from "@peaka/api";
import { runSql, sql, streamRows } from "@peaka/api/sql";
import { createPeakaSimulator, type PeakaSimulator } from "@peaka/simulator";
import { QUICK_JOBS } from "./src/run.js";

const env = process.env;
const line = (text = "") => console.log(text);
const step = (n: number, title: string) => line(`\n${n}. ${title}`);

interface Setup {
  peaka: PeakaClient;
  projectId: string;
  /** The fetch that downloads export files (the simulator's own in-process). */
  download: typeof fetch;
  sim: PeakaSimulator | undefined;
}

async function setup(): Promise<Setup> {
  const apiKey = env["PEAKA_API_KEY"];
  if (!apiKey) {
    const sim = createPeakaSimulator({ clock: "real", jobs: QUICK_JOBS });
    line("No PEAKA_API_KEY set: running on @peaka/simulator, a simulated Peaka in this process with a");
    line("sample shop project. Nothing leaves this machine; set PEAKA_API_KEY to run against Peaka (read-only).");
    const peaka = createPeakaClient({ fetch: sim.fetch, apiKey: sim.projectKey });
    return { peaka, projectId: sim.seeded.projectId, download: sim.fetch, sim };
  }
  const baseUrl = env["PEAKA_BASE_URL"];
  const peaka = createPeakaClient({ apiKey, region: env["PEAKA_REGION"] === "eu" ? "eu" : "us", ...(baseUrl ? { baseUrl } : {}) });
  const me = await peaka.info.get();
  const projectId = env["PEAKA_PROJECT_ID"] ?? me.projectId;
  line(`PEAKA_API_KEY set: running against the real API, read-only (${me.projectId ? "project" : "partner"} key of ${me.email}).`);
  if (!projectId) throw new Error("A partner key needs PEAKA_PROJECT_ID: which project to read.");
  return { peaka, projectId, download: globalThis.fetch, sim: undefined };
}

/** 1. Browse: the project's catalogs, their schemas and tables. Returns a table to query later. */
async function browse({ peaka, projectId }: Setup) {
  step(1, "Browse: catalogs, schemas, tables");
  const catalogs = await peaka.catalogs.list({ projectId });
  line(`   project ${projectId}: ${catalogs.length} catalogs: ${catalogs.map((c) => `${c.name} (${c.catalogType})`).join(", ")}`);
  let first: { catalogId: string; catalog: string; schemaName: string; tableName: string } | undefined;
  for (const catalog of catalogs.slice(0, 3)) {
    const schemas = await peaka.catalogs.listSchemas({ projectId, catalogId: catalog.id });
    for (const schema of schemas.slice(0, 3)) {
      const tables = await peaka.catalogs.listTables({ projectId, catalogId: catalog.id, schemaName: schema.schemaName });
      if (!tables.length) continue;
      line(`   ${catalog.name}.${schema.schemaName}: ${tables.map((t) => t.tableName).join(", ")}`);
      const table = tables[0]!;
      first ??= { catalogId: catalog.id, catalog: catalog.name, schemaName: schema.schemaName, tableName: table.tableName };
    }
  }
  return first;
}

/** 2. SQL: values as `?` bindings, rows as objects with values converted by their SQL types. */
async function runQueries({ peaka, projectId, sim }: Setup, table: Awaited<ReturnType<typeof browse>>) {
  step(2, "SQL with bindings, typed rows");
  if (sim) {
    const status = "shipped";
    const minTotal = 100;
    const query = sql`SELECT c.name, count(*) AS orders, sum(o.total) AS revenue
      FROM ${sql.id("shop", "public", "orders")} o JOIN ${sql.id("shop", "public", "customers")} c ON c.customer_id = o.customer_id
      WHERE o.status = ${status} AND o.total >= ${minTotal}
      GROUP BY c.name ORDER BY revenue DESC LIMIT 3`;
    line(`   statement: ${query.statement.replace(/\s+/g, " ")}`);
    line(`   bindings:  ${JSON.stringify(query.bindings)}`);
    const { columns, rows } = await runSql(peaka, projectId, query);
    line(`   columns:   ${columns.map((c) => `${c.key}: ${c.type}`).join(", ")}`);
    for (const row of rows) line(`   ${String(row["name"]).padEnd(24)} ${String(row["orders"]).padStart(3)} orders  ${Number(row["revenue"]).toFixed(2).padStart(10)}  (${typeof row["revenue"]})`);
    return;
  }
  if (!table) return line("   no table to query in this project");
  const { columns, rows } = await runSql(peaka, projectId, sql`SELECT * FROM ${sql.id(table.catalog, table.schemaName, table.tableName)} LIMIT ${sql.literal(3)}`);
  line(`   ${table.catalog}.${table.schemaName}.${table.tableName}: ${columns.map((c) => `${c.key}: ${c.type}`).join(", ")}`);
  line(`   ${rows.length} rows read`);
}

/** 3. A cache refresh, watched until it ends. */
async function refreshCache({ peaka, projectId, sim }: Setup) {
  step(3, "Refresh a cache and wait, with progress");
  if (!sim) {
    const caches = await peaka.cache.listStatusesByProject({ projectId });
    for (const c of caches.slice(0, 5)) line(`   cache ${c.id} on ${c.schemaName}.${c.tableName}: ${c.status}`);
    return line(`   ${caches.length} caches; refresh skipped against the real API (it would start a run)`);
  }
  const cache = await peaka.cache.create({ projectId, body: { catalogId: sim.seeded.catalogId, schemaName: "public", tableName: "orders" } });
  // Creating a cache starts a first run; this refresh waits for that to end, then for its own run.
  await fullRefreshCacheAndWait(peaka, { projectId, cacheId: cache.id }, { interval: 300 });
  const status = await fullRefreshCacheAndWait(peaka, { projectId, cacheId: cache.id }, {
    interval: 300,
    onProgress: (s, state) => line(`   ${state.padEnd(10)} ${s.lastFullRefreshCacheExecution?.progress?.numberOfCachedRecords ?? 0} rows cached`),
  });
  const run = status.lastFullRefreshCacheExecution;
  line(`   full refresh ${run?.status}: ${run?.progress?.numberOfCachedRecords} rows of ${cache.schemaName}.${cache.tableName}`);
}

/** 4. 100,000 rows: a saved query exported to gzipped JSONL and streamed in bounded memory. */
async function exportAndStream({ peaka, projectId, download, sim }: Setup) {
  step(4, "Export 100,000 rows and stream them");
  if (!sim) return line("   skipped against the real API (an export runs a query and keeps its files a day)");
  // 5,000 order items, twenty times over.
  const times = Array.from({ length: 20 }, (_, i) => `(${i})`).join(", ");
  const query = await peaka.queries.create({
    projectId,
    body: {
      displayName: "Order items x20",
      inputQuery: `SELECT i.order_item_id * 20 + t.n AS id, i.product, i.quantity, i.unit_price FROM "shop"."public"."order_items" i CROSS JOIN (VALUES ${times}) AS t(n)`,
    },
  });
  let rows = 0;
  let sum = 0;
  let lastShown = 0;
  for await (const row of streamRows(peaka, { projectId, queryId: query.id }, {
    format: "JSONL",
    fetch: download,
    wait: { interval: 300, onProgress: (job, state) => line(`   export ${job.id}: ${state}`) },
    onProgress: ({ rows: n, bytes }) => {
      if (n - lastShown >= 25_000) {
        lastShown = n;
        line(`   ${n.toLocaleString("en-US")} rows, ${bytes.toLocaleString("en-US")} bytes downloaded`);
      }
    },
  })) {
    rows++;
    sum += Number(row["quantity"]) * Number(row["unit_price"]);
  }
  line(`   streamed ${rows.toLocaleString("en-US")} rows; their value: ${sum.toFixed(2)}`);
}

/** 5. Paging: exports newest first, two to a page, following Peaka's createdBefore cursor. */
async function pageExports({ peaka, projectId, sim }: Setup) {
  step(5, "Page through exports");
  if (sim) {
    // A few more exports to page through: the first rows of each sample table.
    for (const tableName of ["customers", "orders", "order_items"]) {
      await peaka.exports.exportTable({ projectId, catalogId: sim.seeded.catalogId, schemaName: "public", tableName, body: { format: "CSV", limit: 100 } });
    }
  }
  const asked = () => sim?.requests.filter((r) => r.operationId === "listExports").length ?? 0;
  const before = asked();
  let n = 0;
  for await (const job of iterateExports(peaka, { projectId }, { pageSize: 2 })) {
    if (++n <= 5) line(`   ${job.createdAt} ${job.status.padEnd(9)} ${String(job.rowCount ?? "-").padStart(7)} rows  ${job.tableName ?? `query ${job.queryId}`}`);
  }
  line(`   ${n} exports in all, read two to a page${sim ? ` (${asked() - before} requests)` : ""}`);
}

/** 6. The Peaka agent: a question, answered as a stream of events. */
async function askAgent({ peaka, projectId, sim }: Setup) {
  step(6, "Stream the agent");
  if (!sim) return line("   skipped against the real API (a conversation is kept in the project)");
  const question = "Who are our top customers by revenue?";
  line(`   > ${question}`);
  const stream = await peaka.agent.stream({ projectId, body: { message: question, streamModes: ["messages", "updates"] } });
  const seen = new Map<string, number>();
  let answer = "";
  for await (const event of stream) {
    const name = event.event ?? "message";
    seen.set(name, (seen.get(name) ?? 0) + 1);
    const data = event.data as Record<string, unknown> | undefined;
    // "updates": one per step of the agent's graph, keyed by the step; "messages": the answer, in chunks.
    if (name === "updates" && data) line(`   step ${Object.keys(data).join(", ")}`);
    if (name === "messages" && typeof data?.["content"] === "string") answer += data["content"];
  }
  if (answer) line(`   answer: ${summary(answer)}`);
  line(`   events: ${[...seen].map(([name, count]) => `${name} x${count}`).join(", ")}`);
}

/** The agent's answer as text: its summary when it is the JSON the agent gives for a query result. */
function summary(text: string): string {
  try {
    const parsed = JSON.parse(text) as { summary?: unknown };
    if (typeof parsed.summary === "string") return parsed.summary;
  } catch {
    // not JSON: the text itself
  }
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

try {
  const s = await setup();
  const table = await browse(s);
  await runQueries(s, table);
  await refreshCache(s);
  await exportAndStream(s);
  await pageExports(s);
  await askAgent(s);
  line("\nDone.");
} catch (error) {
  if (error instanceof PeakaApiError) console.error(`Peaka answered ${error.status} (${error.errorCode ?? "no code"}): ${error.detail}`);
  else console.error(error);
  process.exitCode = 1;
}
