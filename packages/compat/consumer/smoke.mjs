// The one smoke program every runtime runs (Node 20/22/24, Bun, Deno, Chromium, and the CommonJS
// consumer). It gets the client module and the mock's base URL, and knows nothing else: no workspace
// paths, no Node APIs. Resolves with one line per check; throws on the first failure.
const projectId = "prj4Xq9Z";
const cacheId = "3f6b2a1e-9c4d-4e7a-b8f0-5d2c1a9e7b34";

function check(condition, message) {
  if (!condition) throw new Error(`smoke check failed: ${message}`);
}

/** @param {typeof import("@peaka/api")} mod @param {string} baseUrl */
export async function runSmoke(mod, baseUrl) {
  const lines = [];
  const ok = (line) => lines.push(line);
  const { createPeakaClient, PeakaApiError, PeakaConfigError, PeakaNotFoundError, VERSION } = mod;
  check(typeof VERSION === "string" && VERSION.length > 0, "VERSION is a string");
  ok(`@peaka/api ${VERSION}`);

  let configError;
  try {
    createPeakaClient({ apiKey: "" });
  } catch (error) {
    configError = error;
  }
  check(configError instanceof PeakaConfigError, `an empty key throws PeakaConfigError (got ${configError})`);
  ok("config error is a PeakaConfigError");

  const peaka = createPeakaClient({ apiKey: "smoke-test-key", baseUrl, maxRetries: 0, timeout: 15_000 });

  const status = await peaka.cache.getStatus({ projectId, cacheId, excludeLogs: true });
  check(typeof status.status === "string", "cache.getStatus returns a status");
  ok(`cache.getStatus -> ${status.status}`);

  const low = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
    params: { path: { projectId, cacheId }, query: { excludeLogs: true } },
  });
  check(low.error === undefined && typeof low.data?.status === "string", "low-level GET returns data");
  ok(`GET (low level) -> ${low.response.status}`);

  const transpiled = await peaka.sql.transpile({ dialect: "mysql", body: { query: "SELECT 1" } });
  check(typeof (transpiled.query ?? transpiled.result) === "string", "sql.transpile (POST with a JSON body) returns the converted query");
  ok("sql.transpile (POST) -> query");

  if (typeof mod.waitForCacheSync === "function") {
    let outcome;
    try {
      const final = await mod.waitForCacheSync(peaka, { projectId, cacheId }, { interval: 10, maxInterval: 20, timeout: 5_000 });
      outcome = `resolved ${final.status}`;
    } catch (error) {
      // The mock answers the same example every time: a terminal failed state is a correct outcome too.
      check(error instanceof mod.PeakaJobFailedError, `waitForCacheSync ends with a result or PeakaJobFailedError (got ${error})`);
      outcome = `PeakaJobFailedError (${error.state ?? "failed"})`;
    }
    ok(`waitForCacheSync -> ${outcome}`);
  } else {
    ok("waitForCacheSync not exported: skipped");
  }

  let notFound;
  try {
    await peaka.cache.getStatus({ projectId, cacheId }, { headers: { Prefer: "code=404" } });
  } catch (error) {
    notFound = error;
  }
  check(notFound instanceof PeakaNotFoundError && notFound instanceof PeakaApiError, `Prefer: code=404 throws PeakaNotFoundError (got ${notFound})`);
  check(notFound.status === 404, "the error carries status 404");
  ok(`404 -> ${notFound.name} (errorCode ${notFound.errorCode})`);

  const lowNotFound = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
    params: { path: { projectId, cacheId } },
    headers: { Prefer: "code=404" },
  });
  check(lowNotFound.response.status === 404 && typeof lowNotFound.error?.message === "string", "low-level 404 returns { error }");
  ok("GET 404 (low level) -> { error }");
  return lines;
}

function same(actual, expected) {
  return JSON.stringify(actual) === JSON.stringify(expected);
}

async function collect(stream) {
  const rows = [];
  for await (const row of stream) rows.push(row);
  return rows;
}

/**
 * The `@peaka/api/sql` entry (its report lines start "sql:", "runSql:", "streamRows JSONL gzip:" and
 * "streamRows CSV:"; scripts/lib.ts sqlSmokeProblems requires each): a statement from the `sql` tag, `runSql` against the Prism mock, and
 * `streamRows` over a gzip JSONL export (DecompressionStream) and a CSV export (papaparse, loaded on
 * first use) from the harness's scripted export server at `exportsUrl`. `papaparseLoaded`, where the
 * runtime can tell (CommonJS module cache, the browser's resource list), proves that the CSV parser
 * is not loaded before the first CSV stream.
 * @param {typeof import("@peaka/api")} mod @param {typeof import("@peaka/api/sql")} sqlMod
 * @param {string} baseUrl @param {string} exportsUrl @param {(() => boolean) | undefined} papaparseLoaded
 */
export async function runSqlSmoke(mod, sqlMod, baseUrl, exportsUrl, papaparseLoaded) {
  const lines = [];
  const ok = (line) => lines.push(line);
  check(sqlMod && typeof sqlMod === "object", "@peaka/api/sql is a module");
  const { sql, runSql, rowsFromResult, streamRows } = sqlMod;
  for (const [name, value] of Object.entries({ sql, runSql, rowsFromResult, streamRows })) {
    check(typeof value === "function", `@peaka/api/sql exports ${name} (got ${typeof value})`);
  }

  const status = "shipped'; DROP TABLE orders; --";
  const query = sql`SELECT customer_id, total FROM ${sql.id("shop", "public", "orders")} WHERE status = ${status} AND total >= ${100}`;
  const expected = {
    statement: 'SELECT customer_id, total FROM "shop"."public"."orders" WHERE status = ? AND total >= CAST(? AS BIGINT)',
    bindings: [status, "100"],
  };
  check(query.statement === expected.statement, `sql statement (got ${JSON.stringify(query.statement)})`);
  check(same(query.bindings, expected.bindings), `sql bindings (got ${JSON.stringify(query.bindings)})`);
  ok(`sql: ${JSON.stringify(query.statement)} with ${query.bindings.length} bindings`);

  const peaka = mod.createPeakaClient({ apiKey: "smoke-test-key", baseUrl, maxRetries: 0, timeout: 15_000 });
  const result = await runSql(peaka, projectId, query);
  check(Array.isArray(result.columns) && Array.isArray(result.rows) && result.rows.length > 0, `runSql returns { columns, rows } (got ${JSON.stringify(result)})`);
  check(same(result.columns.map((c) => `${c.key}:${c.type}`), ["customer_id:varchar", "total:double", "item_count:bigint"]), `runSql columns (got ${JSON.stringify(result.columns)})`);
  for (const row of result.rows) {
    check(typeof row.customer_id === "string" && typeof row.total === "number" && typeof row.item_count === "number", `runSql row as an object of converted values (got ${JSON.stringify(row)})`);
  }
  const raw = await peaka.queries.execute({ projectId, format: "CELL_TYPED", body: query });
  check(same(rowsFromResult(raw), result), "rowsFromResult of queries.execute gives what runSql gave");
  ok(`runSql: ${result.columns.length} columns, ${result.rows.length} rows as objects (rowsFromResult agrees)`);

  if (!exportsUrl) {
    ok("streamRows: not run (no export server URL given)");
    return lines;
  }
  const exportsClient = mod.createPeakaClient({ apiKey: "smoke-test-key", baseUrl: exportsUrl, maxRetries: 0, timeout: 15_000 });
  check(typeof DecompressionStream === "function", "this runtime has DecompressionStream");
  const progress = [];
  const jsonl = await collect(streamRows(exportsClient, { projectId, queryId: "q-jsonl" }, { wait: { interval: 10 }, onProgress: (p) => progress.push(p) }));
  const jsonlExpected = [
    { id: 1, name: "Ada", big: "9007199254740993" },
    { id: 2, name: "Grace", big: null },
    { id: 3, name: "Linus", big: 12 },
  ];
  check(same(jsonl, jsonlExpected), `streamRows JSONL rows (got ${JSON.stringify(jsonl)})`);
  const last = progress[progress.length - 1];
  check(last && last.rows === 3 && last.files === 2 && last.fileIndex === 1 && last.bytes > 0, `streamRows progress (got ${JSON.stringify(last)})`);
  ok(`streamRows JSONL gzip: ${jsonl.length} rows from 2 files, ${last.bytes} gzip bytes downloaded and gunzipped by DecompressionStream`);

  const before = papaparseLoaded?.();
  check(before !== true, "papaparse is not loaded before the first CSV stream");
  const csv = await collect(streamRows(exportsClient, { projectId, queryId: "q-csv" }, { format: "CSV", compression: "NONE", types: { id: "integer" }, wait: { interval: 10 } }));
  const csvExpected = [
    { id: 1, name: "Ada", note: 'says "hi", twice' },
    { id: 2, name: "Grace", note: "line one\nline two" },
    { id: 3, name: null, note: "plain" },
  ];
  check(same(csv, csvExpected), `streamRows CSV rows (got ${JSON.stringify(csv)})`);
  const after = papaparseLoaded?.();
  if (papaparseLoaded) check(after === true, "papaparse is loaded once a CSV stream ran");
  ok(`streamRows CSV: ${csv.length} rows, quoted fields intact, papaparse ${papaparseLoaded ? "loaded lazily (absent before, present after)" : "loaded on first use"}`);
  return lines;
}

/**
 * The opt-in transport of `@peaka/api/node-http`, passed as `fetch`: one call through it (on runtimes
 * other than Node.js it calls the runtime's fetch).
 * @param {typeof import("@peaka/api")} mod @param {typeof import("@peaka/api/node-http")} nodeHttp @param {string} baseUrl
 */
export async function runNodeHttpSmoke(mod, nodeHttp, baseUrl) {
  check(typeof nodeHttp.nodeHttpFetch === "function", "@peaka/api/node-http exports nodeHttpFetch");
  const peaka = mod.createPeakaClient({ apiKey: "smoke-test-key", baseUrl, maxRetries: 0, timeout: 15_000, fetch: nodeHttp.nodeHttpFetch });
  const status = await peaka.cache.getStatus({ projectId, cacheId, excludeLogs: true });
  check(typeof status.status === "string", "cache.getStatus over nodeHttpFetch returns a status");
  return `nodeHttpFetch: cache.getStatus -> ${status.status}`;
}
