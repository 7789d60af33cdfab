// pnpm bench — cost per call of every @peaka/api entry point (its built dist, as users get it), side by
// side in one run with raw fetch, openapi-fetch, ofetch, axios, undici's `request` and node:http:
//   1. loopback: a node:http server on 127.0.0.1 (keep-alive). Every entry point runs twice: over the
//      default transport (the runtime's fetch) and over the opt-in `nodeHttpFetch` of
//      `@peaka/api/node-http`. Entry points: resource method, `.withResponse`, operation function on a
//      core, low-level openapi-fetch call, one iterator page, one waiter poll (a job already done),
//      `runSql` (@peaka/api/sql) and an event stream.
//   2. stubbed fetch: every fetch-based client is given the same in-memory fetch that answers at once,
//      so the figures are the clients' own cost per call.
//   3. construction: time and retained heap of createPeakaClient (and derive) against openapi-fetch's
//      createClient.
// Every @peaka/api case runs with retries, the per-attempt timeout and auth armed (the defaults).
// Cases run in one process, in interleaved rounds (each round: 10 passes over every case, order shuffled
// each pass); a ratio is the median over rounds of (case time / raw fetch time) within the round, which a
// shared machine's load moves far less than the times themselves.
// Then it compares every ratio with the committed run (bench/results.json as of git HEAD): an entry
// point whose ratio grew by more than 10% is reported as slower. Writes bench/RESULTS.md and
// bench/results.json (commit both to make this run the new reference).
// Not part of `pnpm test`. Build first (the root script does).
// Options: --quick (fewer rounds, writes nothing), --check (exit 1 when a target is missed or an entry
// point is slower than the committed run).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, Agent as HttpAgent, request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import axios from "axios";
import { createFetch } from "ofetch";
import { Agent as UndiciAgent, request as undiciRequest } from "undici";
import { loadDist } from "./dist.mjs";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const clientDir = join(root, "packages", "client");
const { api, sql: sqlEntry, nodeHttp } = await loadDist();
const { createPeakaClient, createPeakaCore, getCacheStatus, executeQuery, iterateExports, waitForExport, VERSION } = api;
const { nodeHttpFetch } = nodeHttp;
const { runSql, sql } = sqlEntry;
// openapi-fetch exactly as the client resolves it (same version, same file).
const ofPkg = createRequire(join(clientDir, "package.json")).resolve("openapi-fetch/package.json");
const { default: createClient } = await import(pathToFileURL(join(dirname(ofPkg), "dist", "index.mjs")).href);
const requireHere = createRequire(import.meta.url);
const versions = {
  "openapi-fetch": requireHere(ofPkg).version,
  ofetch: requireHere("ofetch/package.json").version,
  axios: requireHere("axios/package.json").version,
  undici: requireHere("undici/package.json").version,
};

const quick = process.argv.includes("--quick");
const check = process.argv.includes("--check");
const LOOP = { rounds: quick ? 5 : 15, iterations: quick ? 60 : 200 };
const STUB = { rounds: quick ? 5 : 15, iterations: quick ? 300 : 1000 };
const TARGETS = {
  /** Resource method over the runtime's fetch ÷ raw fetch, loopback. */
  overFetch: 1.1,
  /** Resource method over the opt-in node:http transport ÷ raw fetch, loopback. */
  overNodeHttp: 1.0,
  /** Any entry point's ratio ÷ the committed run's ratio. */
  vsCommitted: 1.1,
  construction: 2,
};
const RESULTS_JSON = join(here, "results.json");
/** Profiled separately (node --cpu-prof), not by this script: written into RESULTS.md as they are. */
const WHERE_THE_TIME_GOES = [
  "**Over fetch, the price of a call that can be stopped.** A resource method passes fetch a signal on every attempt (its per-attempt timer's, combined with yours when you pass one): that is what ends a request that hangs, and what `timeout` and `signal` promise. Given any signal, undici's `Request` follows it (a `WeakRef`, a `FinalizationRegistry` entry, a listener and max-listener bookkeeping per request, and the garbage collection of all that), and on Node 20 an `AbortController`'s signal is made transferable (`makeTransferable`). \"raw fetch with a time limit\" (a controller, its signal and a timer around a raw fetch) shows that cost on its own. In CPU time per call (process.cpuUsage over interleaved blocks, loopback GET, one run on the shared machine on 2026-12-03): raw fetch given a signal 1.16× raw fetch, the resource method 1.16×, the resource method with `timeout: Infinity` (no signal, no timer: not a setting we recommend) 1.04×. A `node --cpu-prof` profile of `new Request(url, { signal })` puts most of its cost in signal creation and garbage collection.",
  "**Our own work** (building the request, headers, reading the body as text and parsing it, the promise chain, the timer) is the rest: a few per cent of a loopback call. With a stubbed fetch (CPU time, same run): the resource method 1.61× a raw call of the stub, 1.28× with `timeout: Infinity`: the per-attempt controller and timer are about 5 µs of the 9 µs the client adds.",
  "**nodeHttpFetch** (`@peaka/api/node-http`) skips undici's `Request`/`Response` machinery altogether, which is why it is cheaper than raw fetch; it does not honour a global fetch stub, mock agent or proxy dispatcher (README, Supported runtimes).",
  "**`AbortSignal.any`** is used only when you pass a signal (or the low-level surface's request has one): it combines it with the attempt's timer without ever putting a listener on your signal.",
  "**The low-level surface** pays openapi-fetch's own `Request` (with its internal `AbortController`) on top of the transport's.",
];

// ---- what the server answers ------------------------------------------------------------------------
const projectId = "prj4Xq9Z";
const cacheId = "3f6b2a1e-9c4d-4e7a-b8f0-5d2c1a9e7b34";
const exportId = "exp-7c1d";
const STATUS = { id: cacheId, status: "COMPLETED", catalogId: "731958204467113201", schemaName: "sales", tableName: "orders" };
const job = (n) => ({ id: `exp-${n}`, status: "SUCCEEDED", createdAt: `2026-11-0${n}T10:00:00.000Z`, files: [] });
const cell = (name, dataType, order, value) => ({ name, displayName: name, dataType, order, value });
const column = (columnName) => ({ catalogName: "billing", schemaName: "public", tableName: "invoices", columnName });
const ROWS = {
  columns: [column("customer_id"), column("total")],
  data: [
    [cell("customer_id", "varchar", 0, "cus_1"), cell("total", "decimal(12,2)", 1, "412.90")],
    [cell("customer_id", "varchar", 0, "cus_2"), cell("total", "decimal(12,2)", 1, "18.00")],
  ],
};
const BODIES = {
  status: JSON.stringify(STATUS),
  exports: JSON.stringify([job(2), job(1)]),
  export: JSON.stringify(job(1)),
  rows: JSON.stringify(ROWS),
  stream: 'event: messages\ndata: {"content":"Total: 430.90"}\n\n',
};
/** Which body a path gets (the stub and the loopback server answer alike). */
function bodyFor(url) {
  if (url.includes("/chat/stream")) return { body: BODIES.stream, type: "text/event-stream" };
  const body = url.includes("/queries/execute") ? BODIES.rows : url.includes("/exports/") ? BODIES.export : url.includes("/exports") ? BODIES.exports : BODIES.status;
  return { body, type: "application/json" };
}

const KEY = "bench-key-0123456789";
const statusPath = "/data/projects/{projectId}/cache/{cacheId}/status";
const executePath = "/data/projects/{projectId}/queries/execute";
const statement = "SELECT customer_id, sum(amount) AS total FROM billing.public.invoices GROUP BY customer_id";
const queryBody = { statement };

// ---- the cases -----------------------------------------------------------------------------------------
/** The @peaka/api entry points over one client/core pair: GET-like and POST-like. */
function entryPoints(peaka, core) {
  const ids = { projectId, cacheId };
  return {
    GET: {
      "resource method": () => peaka.cache.getStatus(ids),
      ".withResponse": async () => (await peaka.cache.getStatus.withResponse(ids)).data,
      "operation function": () => getCacheStatus(core, ids),
      "low-level": async () => (await peaka.GET(statusPath, { params: { path: ids } })).data,
      "iterator page": async () => {
        const page = [];
        for await (const item of iterateExports(peaka, { projectId }, { pageSize: 2 })) if (page.push(item) === 2) break;
        return page;
      },
      "waiter poll": () => waitForExport(peaka, { projectId, exportId }),
    },
    POST: {
      "resource method": () => peaka.queries.execute({ projectId, body: queryBody }),
      "operation function": () => executeQuery(core, { projectId, body: queryBody }),
      "low-level": async () => (await peaka.POST(executePath, { params: { path: { projectId } }, body: queryBody })).data,
      runSql: () => runSql(peaka, projectId, sql`SELECT customer_id, sum(amount) AS total FROM billing.public.invoices GROUP BY customer_id`),
      "event stream": async () => {
        const events = [];
        for await (const event of await peaka.agent.stream({ projectId, body: { message: "total?" } })) events.push(event.data);
        return events;
      },
    },
  };
}

/** The other clients, each doing the same GET (cache status) and POST (execute) and reading the JSON. */
function baselines(baseUrl, fetchImpl, loopback) {
  const headers = { Authorization: `Bearer ${KEY}`, Accept: "application/json" };
  const postHeaders = { ...headers, "Content-Type": "application/json" };
  const of = createClient({ baseUrl, fetch: fetchImpl, headers });
  const ofetch = createFetch({ fetch: fetchImpl });
  const getUrl = `${baseUrl}/data/projects/${projectId}/cache/${cacheId}/status`;
  const postUrl = `${baseUrl}/data/projects/${projectId}/queries/execute`;
  // What a careful hand-written call adds for a time limit: a controller, its signal, a timer.
  const limited = async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 60_000);
    try {
      return await (await fetchImpl(url, { ...init, signal: controller.signal })).json();
    } finally {
      clearTimeout(timer);
    }
  };
  const GET = {
    "raw fetch": async () => (await fetchImpl(getUrl, { headers })).json(),
    "raw fetch with a time limit": () => limited(getUrl, { headers }),
    "openapi-fetch": async () => (await of.GET(statusPath, { params: { path: { projectId, cacheId } } })).data,
    ofetch: () => ofetch(getUrl, { headers, retry: 0 }),
  };
  const POST = {
    "raw fetch": async () => (await fetchImpl(postUrl, { method: "POST", headers: postHeaders, body: JSON.stringify(queryBody) })).json(),
    "raw fetch with a time limit": () => limited(postUrl, { method: "POST", headers: postHeaders, body: JSON.stringify(queryBody) }),
    "openapi-fetch": async () => (await of.POST(executePath, { params: { path: { projectId } }, body: queryBody })).data,
    ofetch: () => ofetch(postUrl, { method: "POST", headers, body: queryBody, retry: 0 }),
  };
  if (loopback) {
    const ax = axios.create({ headers, httpAgent: new HttpAgent({ keepAlive: true }) });
    const dispatcher = new UndiciAgent();
    const agent = new HttpAgent({ keepAlive: true });
    const nodeHttp = (url, method, body) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(url, { method, agent, headers: body ? postHeaders : headers }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(JSON.parse(text)));
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(body);
      });
    GET.axios = async () => (await ax.get(getUrl)).data;
    GET["undici request"] = async () => (await undiciRequest(getUrl, { headers, dispatcher })).body.json();
    GET["node:http"] = () => nodeHttp(getUrl, "GET");
    POST.axios = async () => (await ax.post(postUrl, queryBody)).data;
    POST["undici request"] = async () => (await undiciRequest(postUrl, { method: "POST", headers: postHeaders, body: JSON.stringify(queryBody), dispatcher })).body.json();
    POST["node:http"] = () => nodeHttp(postUrl, "POST", JSON.stringify(queryBody));
  }
  return { GET, POST };
}

// ---- measuring -------------------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
function shuffle(xs) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Interleaved rounds over `group` (name → fn); per case: median µs/call and median ratio ÷ the baseline. */
async function measure(group, { rounds, iterations }, baseline = "raw fetch") {
  const names = Object.keys(group);
  for (const name of names) for (let i = 0; i < Math.max(50, iterations / 3); i++) await group[name](); // warm-up
  const perRound = Object.fromEntries(names.map((n) => [n, []]));
  // Each round is 10 passes over every case (shuffled each pass) of iterations/10 calls: a burst of
  // load from another process lasts longer than a pass, so it weighs on every case of the round alike.
  const slice = Math.max(1, Math.round(iterations / 10));
  for (let r = 0; r < rounds; r++) {
    const spent = Object.fromEntries(names.map((n) => [n, 0n]));
    for (let pass = 0; pass < 10; pass++) {
      for (const name of shuffle([...names])) {
        const fn = group[name];
        const t = process.hrtime.bigint();
        for (let i = 0; i < slice; i++) await fn();
        spent[name] += process.hrtime.bigint() - t;
      }
    }
    for (const name of names) perRound[name].push(Number(spent[name]) / 1000 / (slice * 10));
  }
  const out = {};
  for (const name of names) {
    out[name] = {
      us: median(perRound[name]),
      ratio: median(perRound[name].map((v, i) => v / perRound[baseline][i])),
      vsOpenapiFetch: group["openapi-fetch"] ? median(perRound[name].map((v, i) => v / perRound["openapi-fetch"][i])) : undefined,
    };
  }
  return out;
}

// Stubbed fetch: the same function for everyone; a fresh Response per call, as a real fetch gives. It
// reads the body it is given like a server would, so that no client skips the work of sending one.
const stubFetch = async (input, init) => {
  const request = input instanceof Request ? input : undefined;
  if (request?.body) await request.arrayBuffer();
  else if (init?.body) void String(init.body);
  const { body, type } = bodyFor(String(request ? request.url : input));
  return new Response(body, { status: 200, headers: { "content-type": type } });
};

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const { body, type } = bodyFor(req.url);
    res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 60_000;
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const loopUrl = `http://127.0.0.1:${server.address().port}/api/v1`;
const loadAtStart = loadavg();
const started = Date.now();

/** results[section][method][case] = { us, ratio, vsOpenapiFetch } */
const results = { loopback: {}, stubbed: {} };
/** The names of the other clients' cases, per section and method. */
const baseNames = { loopback: {}, stubbed: {} };
/** The transports an entry point runs over on loopback, as named in the tables. */
const TRANSPORTS = { fetch: "over fetch (default)", "node:http": "over nodeHttpFetch (opt-in)" };
try {
  const clients = {
    fetch: { apiKey: KEY, baseUrl: loopUrl },
    "node:http": { apiKey: KEY, baseUrl: loopUrl, fetch: nodeHttpFetch },
  };
  const byTransport = Object.fromEntries(Object.entries(clients).map(([t, o]) => [t, entryPoints(createPeakaClient(o), createPeakaCore(o))]));
  const base = baselines(loopUrl, (...a) => fetch(...a), true);
  for (const method of ["GET", "POST"]) baseNames.loopback[method] = Object.keys(base[method]);
  for (const method of ["GET", "POST"]) {
    const group = { ...base[method] };
    for (const [t, eps] of Object.entries(byTransport)) for (const [name, fn] of Object.entries(eps[method])) group[`${name}, ${t}`] = fn;
    results.loopback[method] = await measure(group, LOOP);
    console.log(`loopback ${method}: ${Object.entries(results.loopback[method]).map(([n, v]) => `${n} ${v.us.toFixed(1)} µs`).join(", ")}`);
  }
  const stubOptions = { apiKey: KEY, baseUrl: "https://bench.invalid/api/v1", fetch: stubFetch };
  const stubbed = entryPoints(createPeakaClient(stubOptions), createPeakaCore(stubOptions));
  const stubBase = baselines(stubOptions.baseUrl, stubFetch, false);
  for (const method of ["GET", "POST"]) baseNames.stubbed[method] = Object.keys(stubBase[method]);
  for (const method of ["GET", "POST"]) {
    results.stubbed[method] = await measure({ ...stubBase[method], ...stubbed[method] }, STUB);
    console.log(`stubbed ${method}: ${Object.entries(results.stubbed[method]).map(([n, v]) => `${n} ${v.us.toFixed(1)} µs`).join(", ")}`);
  }
} finally {
  server.close();
}

// ---- construction: time per client and heap retained per client ------------------------------------------
function construction() {
  const opts = { apiKey: KEY, baseUrl: "https://bench.invalid/api/v1" };
  const parent = createPeakaClient(opts);
  const makers = {
    "openapi-fetch createClient": () => createClient({ baseUrl: opts.baseUrl, headers: { Authorization: `Bearer ${KEY}` } }),
    createPeakaClient: () => createPeakaClient(opts),
    "peaka.derive({ apiKey })": () => parent.derive({ apiKey: "tenant-key-0123456789" }),
  };
  const out = {};
  // Time: interleaved rounds, as for the calls; a ratio is the median of the per-round ratios.
  const times = Object.fromEntries(Object.keys(makers).map((n) => [n, []]));
  for (const make of Object.values(makers)) for (let i = 0; i < 2000; i++) make();
  for (let r = 0; r < 15; r++) {
    for (const name of shuffle(Object.keys(makers))) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < 5000; i++) makers[name]();
      times[name].push(Number(process.hrtime.bigint() - t) / 1000 / 5000);
    }
  }
  const base = times["openapi-fetch createClient"];
  for (const [name, make] of Object.entries(makers)) {
    const heaps = [];
    for (let r = 0; r < 3; r++) {
      gc();
      gc();
      const before = process.memoryUsage().heapUsed;
      const kept = [];
      for (let i = 0; i < 2000; i++) kept.push(make());
      gc();
      gc();
      heaps.push((process.memoryUsage().heapUsed - before) / kept.length);
      kept.length = 0;
    }
    out[name] = { us: median(times[name]), ratio: median(times[name].map((v, i) => v / base[i])), bytes: median(heaps) };
  }
  return out;
}
const built = construction();

// ---- the committed run, targets, comparison ---------------------------------------------------------------
/** A file as committed at HEAD; undefined when git or the file is not there. */
function atHead(path) {
  try {
    return execFileSync("git", ["show", `HEAD:${path}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}
/**
 * The run this one is compared with: bench/results.json as committed at HEAD (the file on disk only
 * without git or a commit). Before results.json existed, RESULTS.md held the only record: its tables are
 * read instead (fromOldResults).
 */
function committed() {
  const json = atHead("bench/results.json");
  if (json) return { source: "bench/results.json at HEAD", ...JSON.parse(json) };
  const md = atHead("bench/RESULTS.md");
  if (md) return fromOldResults(md);
  try {
    return { source: "bench/results.json", ...JSON.parse(readFileSync(RESULTS_JSON, "utf8")) };
  } catch {
    return undefined;
  }
}
/** The ratios of a RESULTS.md from before results.json, under today's names (its loopback default was node:http). */
function fromOldResults(md) {
  const names = {
    loopback: { "peaka resource method": "resource method, node:http", "peaka resource method, over fetch": "resource method, fetch", "peaka low-level": "low-level, node:http", "peaka low-level, over fetch": "low-level, fetch" },
    stubbed: { "peaka resource method": "resource method", "peaka low-level": "low-level" },
  };
  const out = { source: "bench/RESULTS.md at HEAD", date: /on (\d{4}-\d{2}-\d{2})/.exec(md)?.[1] ?? "?", results: { loopback: { GET: {}, POST: {} }, stubbed: { GET: {}, POST: {} } } };
  let at;
  for (const line of md.split("\n")) {
    const heading = /^## (loopback|stubbed)[^,]*, (GET|POST)$/.exec(line);
    if (heading) at = [heading[1], heading[2]];
    else if (line.startsWith("## ")) at = undefined;
    const row = at && /^\| ([^|]+?) \| [\d.]+ \| ([\d.]+)× \|/.exec(line);
    const name = row && names[at[0]][row[1]];
    if (name) out.results[at[0]][at[1]][name] = { ratio: Number(row[2]) };
  }
  return out;
}
const previous = committed();
const f = (x) => `${x.toFixed(2)}×`;
const misses = [];
const slower = [];

/** "✅ ≤ 1.1×" or "❌ 1.25× > 1.1×" (and remembers the miss). */
function target(ratio, limit, what) {
  if (ratio <= limit) return `✅ ≤ ${limit}×`;
  const shown = ratio < limit + 0.005 ? `${ratio.toFixed(3)}×` : f(ratio); // 1.003× rather than "1.00× > 1×"
  misses.push(`${what}: ${shown} > ${limit}×`);
  return `❌ ${shown} > ${limit}×`;
}
/** The ratio against the committed run's ratio for the same case ("" when that run did not have it). */
function versus(section, method, name, ratio) {
  const then = previous?.results?.[section]?.[method]?.[name]?.ratio;
  if (typeof then !== "number") return "new";
  const change = ratio / then;
  const text = `${f(then)} → ${f(ratio)} (${change >= 1 ? "+" : ""}${((change - 1) * 100).toFixed(0)}%)`;
  if (change > TARGETS.vsCommitted) {
    slower.push(`${section} ${method} ${name}: ${text}`);
    return `❌ ${text}`;
  }
  return `✅ ${text}`;
}

const lines = [
  "# Cost per call of @peaka/api",
  "",
  `Generated by \`pnpm bench\` (bench/overhead.mjs) on ${new Date().toISOString().slice(0, 10)}: @peaka/api ${VERSION} (dist), ${Object.entries(versions).map(([n, v]) => `${n} ${v}`).join(", ")}, Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}. Load average at the start: ${loadAtStart.map((l) => l.toFixed(1)).join(", ")}; at the end: ${loadavg().map((l) => l.toFixed(1)).join(", ")} (the machine is shared: read the ratios, measured within each round, rather than the µs).`,
  "",
  `Interleaved rounds in one process (loopback: ${LOOP.rounds} rounds × ${LOOP.iterations} calls per case, keep-alive; stubbed: ${STUB.rounds} × ${STUB.iterations}; each round is 10 passes over every case, shuffled each pass); µs/call is the median over rounds, each ratio the median over rounds of the per-round ratio ÷ raw fetch. Every @peaka/api case runs with auth, the per-attempt timeout and retries armed (the defaults). "over fetch" is the default transport (the runtime's fetch); "over nodeHttpFetch" the opt-in \`@peaka/api/node-http\`. The iterator reads one page of two jobs; the waiter one status of a job already done; \`runSql\` and the POST rows run the same SQL execution; the event stream reads one event.`,
  "",
  `Targets: resource method over fetch ≤ ${TARGETS.overFetch}× raw fetch on loopback; over nodeHttpFetch ≤ ${TARGETS.overNodeHttp}× raw fetch; no entry point's ratio more than ${Math.round((TARGETS.vsCommitted - 1) * 100)}% above the committed run's (${previous ? `${previous.source}, run of ${previous.date}` : "none committed yet"}); createPeakaClient ≤ ${TARGETS.construction}× openapi-fetch's createClient in time and heap.`,
  "",
];
for (const method of ["GET", "POST"]) {
  const m = results.loopback[method];
  lines.push(`## Loopback, ${method}`, "");
  lines.push("| other clients | µs/call | ÷ raw fetch |", "| --- | ---: | ---: |");
  for (const name of baseNames.loopback[method]) lines.push(`| ${name} | ${m[name].us.toFixed(1)} | ${f(m[name].ratio)} |`);
  lines.push("");
  lines.push(
    `| @peaka/api | µs/call ${TRANSPORTS.fetch} | ÷ raw fetch | µs/call ${TRANSPORTS["node:http"]} | ÷ raw fetch | target | ÷ raw fetch vs committed run (fetch; nodeHttpFetch) |`,
    "| --- | ---: | ---: | ---: | ---: | --- | --- |",
  );
  for (const name of Object.keys(entryPoints({}, {})[method])) {
    const a = m[`${name}, fetch`];
    const b = m[`${name}, node:http`];
    const goal =
      name === "resource method"
        ? `${target(a.ratio, TARGETS.overFetch, `resource method over fetch, ${method}`)}; ${target(b.ratio, TARGETS.overNodeHttp, `resource method over nodeHttpFetch, ${method}`)}`
        : "";
    const vs = `${versus("loopback", method, `${name}, fetch`, a.ratio)}; ${versus("loopback", method, `${name}, node:http`, b.ratio)}`;
    lines.push(`| ${name} | ${a.us.toFixed(1)} | ${f(a.ratio)} | ${b.us.toFixed(1)} | ${f(b.ratio)} | ${goal} | ${vs} |`);
  }
  lines.push("");
}
for (const method of ["GET", "POST"]) {
  const m = results.stubbed[method];
  lines.push(`## Stubbed fetch (the clients' own work), ${method}`, "", "| client | µs/call | ÷ raw fetch | ÷ openapi-fetch | ÷ raw fetch vs committed run |", "| --- | ---: | ---: | ---: | --- |");
  for (const [name, v] of Object.entries(m)) {
    const vs = baseNames.stubbed[method].includes(name) ? "" : versus("stubbed", method, name, v.ratio);
    lines.push(`| ${name} | ${v.us.toFixed(1)} | ${f(v.ratio)} | ${f(v.vsOpenapiFetch)} | ${vs} |`);
  }
  lines.push("");
}
const baseBuild = built["openapi-fetch createClient"];
lines.push("## Making a client", "", "| | µs per client | retained heap per client | time ÷ createClient | heap ÷ createClient | target |", "| --- | ---: | ---: | ---: | ---: | --- |");
for (const [name, v] of Object.entries(built)) {
  const rt = v.ratio;
  const rh = v.bytes / baseBuild.bytes;
  const goal = name === "createPeakaClient" ? target(Math.max(rt, rh), TARGETS.construction, "createPeakaClient ÷ createClient") : "";
  lines.push(`| ${name} | ${v.us.toFixed(2)} | ${(v.bytes / 1024).toFixed(2)} KiB | ${f(rt)} | ${f(rh)} | ${goal} |`);
}
lines.push("");
const verdict = [
  misses.length ? `Targets missed: ${misses.join("; ")}.` : "Every target met.",
  !previous
    ? "No committed run to compare with."
    : slower.length
      ? `Slower than the committed run (${previous.date}) by more than ${Math.round((TARGETS.vsCommitted - 1) * 100)}%: ${slower.join("; ")}.`
      : `No entry point more than ${Math.round((TARGETS.vsCommitted - 1) * 100)}% slower than the committed run (${previous.date}).`,
];
// The resource method and the operation function run the same code: how far apart their ratios land
// is how much of a difference this run can tell from noise.
const spread = Math.max(
  ...["GET", "POST"].flatMap((m) => ["fetch", "node:http"].map((t) => Math.abs(results.loopback[m][`resource method, ${t}`].ratio - results.loopback[m][`operation function, ${t}`].ratio))),
);
verdict.push(
  `Noise: the resource method and the operation function run the same code; on loopback their ratios differ by up to ${spread.toFixed(2)} in this run, so smaller differences (and the comparison with the committed run) are within this machine's noise.`,
);
lines.push("## Verdict", "", ...verdict.map((v) => `- ${v}`), "");
lines.push("## Where the time goes", "", ...WHERE_THE_TIME_GOES.map((l) => `- ${l}`), "");

console.log(`\n${lines.slice(2).join("\n")}`);
if (quick) {
  console.log("--quick: nothing written (too few rounds to be a reference)");
} else {
  writeFileSync(join(here, "RESULTS.md"), `${lines.join("\n")}\n`);
  const json = { date: new Date().toISOString().slice(0, 10), node: process.versions.node, loadAtStart, settings: { LOOP, STUB }, results, construction: built };
  writeFileSync(RESULTS_JSON, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote bench/RESULTS.md and bench/results.json (${((Date.now() - started) / 1000).toFixed(1)} s); commit them to make this run the reference`);
}
if (check && (misses.length || slower.length)) process.exitCode = 1;
