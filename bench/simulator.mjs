// pnpm bench (third part) — @peaka/simulator (its TypeScript sources, through tsx):
//   - start: the first simulator of a fresh process (createPeakaSimulator: spec model, validator,
//     seeded state), without SQL (target < 300 ms) and with the SQL engine ready (`await sim.ready()`
//     also loads DuckDB and the seeded tables; target < 1.5 s); medians of --starts child processes.
//     The time to import the TypeScript sources through tsx comes before that and is printed apart
//     (a built package loads without it), as is the time of a later simulator in the same process;
//   - requests per second through `sim.fetch`: `GET .../catalogs/{id}` (getCatalog, a simple read),
//     one at a time for --seconds;
//   - rows per second of a 1,000,000-row export: a saved query over DuckDB's `range(1000000)` (four
//     columns: bigint, bigint, double, varchar) exported as gzip JSONL and read with streamRows from
//     @peaka/api/sql, through `sim.fetch`, timed from exportQuery to the last row (running the query,
//     writing and gzipping the file, downloading and parsing it all count).
// Not part of `pnpm test`. Run: `pnpm --filter @peaka/simulator exec tsx --conditions=development
// ../../bench/simulator.mjs` (what `pnpm bench` runs). Options: --rows=N (1000000), --starts=N (5),
// --seconds=N (3), --json.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROWS = arg("rows", 1_000_000);
const STARTS = arg("starts", 5);
const SECONDS = arg("seconds", 3);
const TARGETS = { startMs: 300, startSqlMs: 1500 };
const here = fileURLToPath(import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const met = (ok) => (ok ? "met" : "NOT met");

if (process.argv[2] === "start") await start(process.argv[3] === "sql");
else await main();

/** One fresh process: import the simulator, make one (and with `sql`, wait for the engine), then a second one. */
async function start(sql) {
  const t0 = performance.now();
  const { createPeakaSimulator } = await import("../packages/simulator/src/index.ts");
  const t1 = performance.now();
  const sim = createPeakaSimulator();
  let ready;
  if (sql) ready = await sim.ready();
  const t2 = performance.now();
  const again = createPeakaSimulator();
  if (sql) await again.ready();
  const t3 = performance.now();
  sim.close();
  again.close();
  process.stdout.write(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, laterMs: t3 - t2, sql: ready?.sql ?? null, reason: ready?.reason }));
}

/** Median timings of STARTS fresh processes. */
function startInChild(sql) {
  const runs = [];
  for (let i = 0; i < STARTS; i++) {
    const out = execFileSync(process.execPath, [...process.execArgv, here, "start", sql ? "sql" : "plain"], { encoding: "utf8" });
    runs.push(JSON.parse(out));
  }
  if (sql && runs.some((r) => r.sql !== true)) throw new Error(`the SQL engine did not load: ${runs.find((r) => r.sql !== true).reason}`);
  const of = (key) => median(runs.map((r) => r[key]));
  return { importMs: of("importMs"), firstMs: of("firstMs"), laterMs: of("laterMs") };
}

async function main() {
  const json = process.argv.includes("--json");
  const results = {};
  results.start = startInChild(false);
  results.startSql = startInChild(true);

  const { createPeakaSimulator } = await import("../packages/simulator/src/index.ts");
  const { createPeakaClient } = await import("../packages/client/src/index.ts");
  const { streamRows } = await import("../packages/client/src/sql/index.ts");
  const sim = createPeakaSimulator();
  await sim.ready();
  const { projectId, catalogId } = sim.seeded;

  // Requests per second through sim.fetch.
  const url = `${sim.baseUrl}/data/projects/${projectId}/catalogs/${catalogId}`;
  const init = { headers: { authorization: `Bearer ${sim.partnerKey}` } };
  let count = 0;
  const until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  while (performance.now() < until) {
    const res = await sim.fetch(url, init);
    if (res.status !== 200) throw new Error(`getCatalog answered ${res.status}`);
    await res.json();
    count++;
    sim.requests.length = 0; // the request log would otherwise grow with every call
  }
  results.requestsPerSecond = count / ((performance.now() - t0) / 1000);

  // A 1,000,000-row export streamed with streamRows.
  const peaka = createPeakaClient({ fetch: sim.fetch, apiKey: sim.partnerKey, maxRetries: 0 });
  const query = await peaka.queries.create({
    projectId,
    body: { displayName: "Bench rows", inputQuery: `SELECT i AS id, i % 100 AS bucket, i * 0.25 AS amount, 'row ' || i AS label FROM range(${ROWS}) AS t(i)` },
  });
  const wait = { interval: 1, maxInterval: 1, timeout: 600_000, onProgress: () => sim.clock.advance(1000) };
  const s0 = performance.now();
  let rows = 0;
  let bytes = 0;
  let firstRowMs;
  for await (const row of streamRows(peaka, { projectId, queryId: query.id }, { fetch: sim.fetch, wait, onProgress: (p) => (bytes = p.bytes) })) {
    if (rows === 0) firstRowMs = performance.now() - s0;
    if (row.id !== rows) throw new Error(`row ${rows} came as ${JSON.stringify(row)}`);
    rows++;
  }
  const streamMs = performance.now() - s0;
  if (rows !== ROWS) throw new Error(`streamed ${rows} rows, expected ${ROWS}`);
  results.export = { rows, gzipBytes: bytes, totalMs: streamMs, firstRowMs, rowsPerSecond: rows / (streamMs / 1000) };
  sim.close();

  results.loadAverage = loadavg()[0];
  if (json) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const ms = (n) => `${n.toFixed(0)} ms`;
  console.log(`@peaka/simulator (sources through tsx, Node ${process.versions.node}, load average ${loadavg()[0].toFixed(1)} at the end)`);
  const line = (label, r, target) =>
    console.log(
      `  ${label}: ${ms(r.firstMs)} for the first simulator of a fresh process (target < ${target} ms: ${met(r.firstMs < target)}), ${ms(r.laterMs)} for a later one; ` +
        `importing the sources through tsx took ${ms(r.importMs)} before that (medians of ${STARTS} processes)`,
    );
  line("start without SQL (createPeakaSimulator: spec model, validator, seeded state)", results.start, TARGETS.startMs);
  line("start with the SQL engine ready (+ await sim.ready(): DuckDB loaded, seeded tables loaded)", results.startSql, TARGETS.startSqlMs);
  console.log(`  sim.fetch, getCatalog one at a time: ${results.requestsPerSecond.toFixed(0)} requests/s over ${SECONDS} s`);
  console.log(
    `  export of ${rows.toLocaleString("en-US")} rows (saved query over range(), gzip JSONL ${(bytes / 1e6).toFixed(1)} MB) streamed with streamRows: ${(results.export.rowsPerSecond / 1000).toFixed(0)}k rows/s (${ms(streamMs)} from exportQuery to the last row; first row after ${ms(firstRowMs)})`,
  );
}
