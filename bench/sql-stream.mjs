// pnpm bench (second part) — streaming a million rows with @peaka/api/sql's streamRows (its built
// dist, as users get it) against a by-hand baseline, from a loopback server in another process:
//   - the server (a child process) answers the export API (start, status) and serves 1,000,000 rows
//     x 10 columns as gzip JSONL split into 4 files, in 64 KiB writes;
//   - memory: each reader runs once in a fresh child process that samples its own RSS every 20 ms and
//     reports the peak above the RSS it had before the run (target: < 64 MB);
//   - speed: both readers run in one child process, in interleaved rounds (the order swapped each
//     round); the ratio is the median of the rounds' ratios (the load of a shared machine changes
//     between rounds more than within one);
//   - "by hand" downloads each file with fetch, gunzips it with DecompressionStream, splits lines and
//     JSON.parses each one (the least a user would write); streamRows does that plus the export
//     start and wait, lossless big integers, row objects and progress. Target: >= 0.8x its rows/s.
// Not part of `pnpm test`.
// Options: --rows=N (default 1000000), --runs=N (default 5), --json.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { loadDist } from "./dist.mjs";

const here = fileURLToPath(import.meta.url);
const clientDist = join(dirname(here), "..", "packages", "client", "dist");
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const ROWS = arg("rows", 1_000_000);
const RUNS = arg("runs", 5);
const FILES = 4;
const TARGETS = { rssMb: 64, ratio: 0.8 };

const role = process.argv[2];
if (role === "server") await serve();
else if (role === "rss") await rss(process.argv[3], process.argv[4]);
else if (role === "speed") await speed(process.argv[3]);
else await main();

/** The loopback "Peaka + storage" server: export API and gzip JSONL files. */
async function serve() {
  const perFile = Math.ceil(ROWS / FILES);
  const files = [];
  let rawBytes = 0;
  for (let f = 0; f < FILES; f++) {
    const lines = [];
    for (let i = f * perFile; i < Math.min(ROWS, (f + 1) * perFile); i++) {
      lines.push(
        JSON.stringify({
          id: i,
          customer_id: `cus_${(i * 7919) % 100_000}`,
          total: Math.round(i * 137.31) / 100,
          quantity: i % 17,
          paid: i % 3 === 0,
          paid_at: `2025-07-${String((i % 28) + 1).padStart(2, "0")} 10:${String(i % 60).padStart(2, "0")}:55.000`,
          region: ["eu", "us", "apac"][i % 3],
          discount: i % 5 === 0 ? null : 0.05,
          tags: i % 4 === 0 ? ["vip"] : [],
          note: `order ${i} "ok"`,
        }),
      );
    }
    const text = lines.join("\n") + "\n";
    rawBytes += text.length;
    files.push(gzipSync(text, { level: 6 }));
  }
  const server = createServer((req, res) => {
    const origin = `http://127.0.0.1:${server.address().port}`;
    const json = (status, body) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "POST" && req.url.endsWith("/exports")) return json(202, { id: "bench-export", status: "PENDING" });
    if (req.method === "GET" && req.url.endsWith("/exports/bench-export")) {
      return json(200, {
        id: "bench-export",
        status: "SUCCEEDED",
        format: "JSONL",
        compression: "GZIP",
        rowCount: ROWS,
        files: files.map((b, i) => ({ name: `part-${i}.jsonl.gz`, url: `${origin}/files/${i}?X-Amz-Signature=x`, bytes: b.length })),
      });
    }
    const m = /^\/files\/(\d+)/.exec(req.url);
    if (m && files[Number(m[1])]) {
      const body = files[Number(m[1])];
      res.writeHead(200, { "content-type": "application/gzip", "content-length": body.length });
      let offset = 0;
      const pump = () => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + 65536);
          offset += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      return pump();
    }
    json(404, {});
  });
  server.listen(0, "127.0.0.1", () => {
    process.send({ port: server.address().port, gzBytes: files.reduce((n, b) => n + b.length, 0), rawBytes });
  });
}

/** Loads the built packages the way an installed copy would be loaded. */
async function load(origin) {
  const { api, sql } = await loadDist();
  const { createPeakaCore } = api;
  const { streamRows } = sql;
  const core = createPeakaCore({ apiKey: "bench-key", baseUrl: `${origin}/api/v1` });
  const job = await (await fetch(`${origin}/api/v1/data/projects/p/exports/bench-export`)).json();

  /** Reads every row by hand: fetch, DecompressionStream, split lines, JSON.parse. */
  async function hand() {
    let rows = 0;
    let check = 0;
    for (const file of job.files) {
      const response = await fetch(file.url);
      const reader = response.body.pipeThrough(new DecompressionStream("gzip")).getReader();
      const decoder = new TextDecoder();
      let pending = "";
      for (;;) {
        const { done, value } = await reader.read();
        const text = pending + (done ? decoder.decode() : decoder.decode(value, { stream: true }));
        const lines = text.split("\n");
        pending = lines.pop();
        for (const line of lines) {
          if (line === "") continue;
          const row = JSON.parse(line);
          check += row.quantity;
          rows++;
        }
        if (done) break;
      }
    }
    return { rows, check };
  }

  /** Reads every row with streamRows (export start, wait, download, gunzip, parse, rows). */
  async function sdk() {
    let rows = 0;
    let check = 0;
    let lastProgress;
    for await (const row of streamRows(core, { projectId: "p", queryId: "q" }, { wait: { interval: 1 }, onProgress: (p) => (lastProgress = p) })) {
      check += row.quantity;
      rows++;
    }
    if (lastProgress.rows !== rows) throw new Error("progress does not match the rows");
    return { rows, check };
  }
  return { hand, sdk };
}

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { ...result, ms: performance.now() - started };
}

/** Memory: one run in this fresh process, its peak RSS above the RSS it had before. */
async function rss(kind, origin) {
  const readers = await load(origin);
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 50));
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const result = await timed(readers[kind]);
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(sampler);
  process.send({ kind, ...result, rssAboveBaseMb: (peak - base) / 2 ** 20 });
}

/** Speed: both readers in this process, in interleaved rounds (order swapped each round). */
async function speed(origin) {
  const readers = await load(origin);
  const times = { hand: [], sdk: [] };
  for (let round = 0; round < RUNS; round++) {
    for (const kind of round % 2 ? ["sdk", "hand"] : ["hand", "sdk"]) {
      const result = await timed(readers[kind]);
      if (result.rows !== ROWS) throw new Error(`${kind} read ${result.rows} rows, expected ${ROWS}`);
      times[kind].push(result.ms);
    }
  }
  process.send(times);
}

function child(args, execArgv = []) {
  return new Promise((resolve, reject) => {
    const p = fork(here, args, { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    p.once("message", (m) => resolve({ process: p, message: m }));
    p.once("error", reject);
    p.once("exit", (code) => code && reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

async function main() {
  const t0 = performance.now();
  const server = await child(["server", `--rows=${ROWS}`]);
  const origin = `http://127.0.0.1:${server.message.port}`;
  const memory = {};
  let times;
  try {
    for (const kind of ["hand", "sdk"]) {
      const { process: p, message } = await child(["rss", kind, origin, `--rows=${ROWS}`], ["--expose-gc"]);
      p.kill();
      if (message.rows !== ROWS) throw new Error(`${kind} read ${message.rows} rows, expected ${ROWS}`);
      memory[kind] = message.rssAboveBaseMb;
    }
    const { process: p, message } = await child(["speed", origin, `--rows=${ROWS}`, `--runs=${RUNS}`]);
    p.kill();
    times = message;
  } finally {
    server.process.kill();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rate = (kind) => ROWS / (median(times[kind]) / 1000);
  const pairs = times.sdk.map((ms, i) => times.hand[i] / ms);
  const ratio = median(pairs);
  const mb = (n) => `${n.toFixed(1)} MB`;
  console.log(`\nstreaming ${ROWS.toLocaleString("en-US")} rows x 10 columns, gzip JSONL in ${FILES} files (${mb(server.message.gzBytes / 2 ** 20)} gzip, ${mb(server.message.rawBytes / 2 ** 20)} raw), Node ${process.version}`);
  console.log("| | rows/s (median of rounds) | peak RSS above baseline (own process) |\n| --- | --- | --- |");
  console.log(`| by hand (fetch, DecompressionStream, JSON.parse per line) | ${Math.round(rate("hand")).toLocaleString("en-US")} | ${mb(memory.hand)} |`);
  console.log(`| streamRows (@peaka/api/sql) | ${Math.round(rate("sdk")).toLocaleString("en-US")} | ${mb(memory.sdk)} |`);
  console.log(`\nper round (by-hand time / streamRows time): ${pairs.map((r) => r.toFixed(2)).join(", ")}`);
  console.log(`streamRows: ${ratio.toFixed(2)}x the by-hand rows/s (target >= ${TARGETS.ratio}x); peak RSS ${mb(memory.sdk)} above baseline (target < ${TARGETS.rssMb} MB); ${((performance.now() - t0) / 1000).toFixed(1)} s in all.`);
  if (process.argv.includes("--json")) console.log(JSON.stringify({ rows: ROWS, ratio, sdk: { rowsPerSecond: rate("sdk"), rssMb: memory.sdk }, hand: { rowsPerSecond: rate("hand"), rssMb: memory.hand } }));
}
