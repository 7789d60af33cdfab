// The conformance matrix: every behaviour of the one pipeline, run through every entry point, each
// cell a real request to a small loopback server. A new entry point joins this table before it ships.
// At the end the matrix prints itself (✓ passed, ✗ failed, · does not apply).
//
// Entry points: resource method, `.withResponse`, operation function on a core, low-level openapi-fetch
// call, iterator, waiter, event stream. The whole matrix runs twice: over the default transport (the
// runtime's fetch, looked up at call time) and over the opt-in `nodeHttpFetch` of `@peaka/api/node-http`
// (node:http, src/internal/node-http.ts), passed as the `fetch` option. Timing never decides a verdict: aborts are triggered by what
// the server or the logger has seen, timeouts and backoffs are short options.
import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import { ConformanceMatrix } from "@peaka/mock/matrix";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  createPeakaClient,
  createPeakaCore,
  executeQuery,
  getCacheStatus,
  iterateCatalogSearch,
  iterateExports,
  iterateQueryRows,
  listExports,
  PeakaAbortError,
  PeakaAuthenticationError,
  PeakaConflictError,
  PeakaConnectionError,
  PeakaError,
  PeakaNotFoundError,
  PeakaResponseError,
  PeakaServerError,
  PeakaStreamError,
  PeakaTimeoutError,
  searchCatalogs,
  waitForExport,
  type PeakaClient,
  type ApiKeyContext,
  type PeakaClientOptions,
  type PeakaCore,
  type RequestOptions,
} from "../../src/index.js";
import { nodeHttpFetch } from "../../src/node-http.js";
import { closeAllServers, delay, empty, hang, json, raw, rejectionOf, resetConnection, startServer, type Step, type TestServer } from "../support/servers.js";

afterEach(closeAllServers);

const KEY = "sk-matrix-client-key-7Hq2ZP";
const REQUEST_KEY = "sk-matrix-request-key-Vb81xL";
const projectId = "prjA";
const ids = { projectId, cacheId: "c-1" };

// ---- what the servers answer ------------------------------------------------------------------
const CACHE_STATUS = { id: "c-1", status: "COMPLETED" };
const EXPORT_JOB = { id: "e-1", status: "SUCCEEDED", createdAt: "2026-01-01T00:00:00.000Z", files: [] };
/** One body that satisfies every POST entry point: a query result and a catalog search page. */
const POST_RESULT = {
  data: [{ n: 1 }],
  columns: [],
  matchedCatalogs: [{ catalogId: "1", catalogName: "crm" }],
  matchedSchemas: [],
  matchedTables: [],
  meta: { page: { nextOffset: null } },
};
const sse: Step = (_req, res) => {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.end('event: messages\ndata: {"content":"hi"}\n\n');
};

// ---- the entry points -------------------------------------------------------------------------
interface Ctx {
  peaka: PeakaClient;
  core: PeakaCore;
}
interface Entry {
  name: string;
  /** The low-level surface returns HTTP errors as `{ error, response }` instead of throwing. */
  returnsHttpErrors?: boolean;
  /** Takes per-request options (signal, apiKey, retryNonIdempotent); a waiter takes only a signal. */
  perRequest: boolean;
  /** The method this entry point's read uses. */
  method: "GET" | "POST";
  /** A success answer for its read. */
  ok: Step;
  /** Its read's operation in the spec (operationId, path template) and the concrete path it asks for. */
  operation: { id: string; template: string; path: string };
  /** The read: resolves with data (low-level: `{ data, error, response }`); throws typed errors. */
  read(ctx: Ctx, opts: RequestOptions): Promise<unknown>;
  /** A POST the spec does not mark safe to repeat (SQL execution). */
  unmarkedPost?(ctx: Ctx, opts: RequestOptions): Promise<unknown>;
  /** A POST the spec marks `x-peaka-safe-to-repeat` (catalog search). */
  markedPost?(ctx: Ctx, opts: RequestOptions): Promise<unknown>;
  /** An operation without content, for the empty-answer row. */
  empty?(ctx: Ctx, opts: RequestOptions): Promise<unknown>;
}

const first = async <T>(it: AsyncIterable<T>): Promise<T | undefined> => {
  for await (const item of it) return item;
  return undefined;
};
/** The low-level call with the signal given as openapi-fetch's own `signal` (request.signal) and the rest through withOptions. */
const lowInit = (peaka: PeakaClient, opts: RequestOptions) => {
  const { signal, ...rest } = opts;
  return { ...(signal ? { signal } : {}), ...(Object.keys(rest).length ? { fetch: peaka.withOptions(rest) } : {}) };
};
const execArgs = { projectId, body: { statement: "SELECT 1" } } as any;
const searchArgs = { projectId, body: { query: "orders" } } as any;
const streamArgs = { projectId, body: { message: "hi" } } as any;

/** The operation the GET reads of most entry points call. */
const CACHE_OP = { id: "getCacheStatus", template: "/data/projects/{projectId}/cache/{cacheId}/status", path: "/data/projects/prjA/cache/c-1/status" };

const ENTRIES: Entry[] = [
  {
    name: "resource",
    perRequest: true,
    method: "GET",
    ok: json(200, CACHE_STATUS),
    operation: CACHE_OP,
    read: ({ peaka }, o) => peaka.cache.getStatus(ids, o),
    unmarkedPost: ({ peaka }, o) => peaka.queries.execute(execArgs, o),
    markedPost: ({ peaka }, o) => peaka.catalogs.search(searchArgs, o),
    empty: ({ peaka }, o) => peaka.workspaces.delete({ organizationId: "o", workspaceId: "w" }, o),
  },
  {
    name: ".withResponse",
    perRequest: true,
    method: "GET",
    ok: json(200, CACHE_STATUS),
    operation: CACHE_OP,
    read: async ({ peaka }, o) => (await peaka.cache.getStatus.withResponse(ids, o)).data,
    unmarkedPost: async ({ peaka }, o) => (await peaka.queries.execute.withResponse(execArgs, o)).data,
    markedPost: async ({ peaka }, o) => (await peaka.catalogs.search.withResponse(searchArgs, o)).data,
    empty: async ({ peaka }, o) => (await peaka.workspaces.delete.withResponse({ organizationId: "o", workspaceId: "w" }, o)).data,
  },
  {
    name: "operation fn",
    perRequest: true,
    method: "GET",
    ok: json(200, CACHE_STATUS),
    operation: CACHE_OP,
    read: ({ core }, o) => getCacheStatus(core, ids, o),
    unmarkedPost: ({ core }, o) => executeQuery(core, execArgs, o),
    markedPost: ({ core }, o) => searchCatalogs(core, searchArgs, o),
  },
  {
    name: "low-level",
    returnsHttpErrors: true,
    perRequest: true,
    method: "GET",
    ok: json(200, CACHE_STATUS),
    operation: CACHE_OP,
    read: ({ peaka }, o) => peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", { params: { path: ids }, ...lowInit(peaka, o) }),
    unmarkedPost: ({ peaka }, o) =>
      peaka.POST("/data/projects/{projectId}/queries/execute", { params: { path: { projectId } }, body: execArgs.body, ...lowInit(peaka, o) }),
    markedPost: ({ peaka }, o) =>
      peaka.POST("/data/projects/{projectId}/search", { params: { path: { projectId } }, body: searchArgs.body, ...lowInit(peaka, o) }),
    empty: ({ peaka }, o) =>
      peaka.DELETE("/organizations/{organizationId}/workspaces/{workspaceId}", {
        params: { path: { organizationId: "o", workspaceId: "w" } },
        ...lowInit(peaka, o),
      }),
  },
  {
    name: "iterator",
    perRequest: true,
    method: "GET",
    ok: json(200, [EXPORT_JOB]),
    operation: { id: "listExports", template: "/data/projects/{projectId}/exports", path: "/data/projects/prjA/exports?limit=10" },
    read: ({ peaka }, o) => first(iterateExports(peaka, { projectId }, { pageSize: 10, request: o })),
    unmarkedPost: ({ peaka }, o) => first(iterateQueryRows(peaka, { projectId, body: { from: "t" } as any }, { pageSize: 10, request: o })),
    markedPost: ({ peaka }, o) => first(iterateCatalogSearch(peaka, searchArgs, { pageSize: 10, request: o })),
  },
  {
    // A paged method iterated (`for await (const job of peaka.exports.list(args))`): the first item.
    name: "paged method",
    perRequest: true,
    method: "GET",
    ok: json(200, [EXPORT_JOB]),
    operation: { id: "listExports", template: "/data/projects/{projectId}/exports", path: "/data/projects/prjA/exports?limit=10" },
    read: ({ peaka }, o) => first(peaka.exports.list({ projectId, limit: 10 }, o)),
    unmarkedPost: ({ peaka }, o) => first(peaka.queries.execute({ projectId, body: { from: [{ tableName: "t" }], limit: 10 } }, o)),
    markedPost: ({ peaka }, o) => first(peaka.catalogs.search({ projectId, body: { query: "orders", limit: 10 } }, o)),
  },
  {
    // The same on a core's paged operation function, with `toArray({ max })`.
    name: "paged fn",
    perRequest: true,
    method: "GET",
    ok: json(200, [EXPORT_JOB]),
    operation: { id: "listExports", template: "/data/projects/{projectId}/exports", path: "/data/projects/prjA/exports?limit=10" },
    read: async ({ core }, o) => (await listExports(core, { projectId, limit: 10 }, o).toArray({ max: 1 }))[0],
    unmarkedPost: async ({ core }, o) => (await executeQuery(core, { projectId, body: { from: [{ tableName: "t" }], limit: 10 } }, o).toArray({ max: 1 }))[0],
    markedPost: async ({ core }, o) => (await searchCatalogs(core, { projectId, body: { query: "orders", limit: 10 } }, o).toArray({ max: 1 }))[0],
  },
  {
    name: "waiter",
    perRequest: false,
    method: "GET",
    ok: json(200, EXPORT_JOB),
    operation: { id: "getExport", template: "/data/projects/{projectId}/exports/{exportId}", path: "/data/projects/prjA/exports/e-1" },
    read: ({ peaka }, o) => waitForExport(peaka, { projectId, exportId: "e-1" }, { interval: 1, ...(o.signal ? { signal: o.signal } : {}) }),
  },
  {
    name: "event stream",
    perRequest: true,
    method: "POST",
    ok: sse,
    operation: { id: "streamAgentChat", template: "/ai-agent/{projectId}/chat/stream", path: "/ai-agent/prjA/chat/stream" },
    read: async ({ peaka }, o) => {
      const events: unknown[] = [];
      for await (const event of await peaka.agent.stream(streamArgs, o)) events.push(event.data);
      return events;
    },
    unmarkedPost: async ({ peaka }, o) => {
      const events: unknown[] = [];
      for await (const event of await peaka.agent.stream(streamArgs, o)) events.push(event.data);
      return events;
    },
  },
];

// ---- clients, logs and the printed matrix ------------------------------------------------------
interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}
/** The transport under test: the default (the runtime's fetch) or the opt-in node:http one. */
type Transport = "fetch" | "node:http";
let transport: Transport = "fetch";
/** The fetch function of the transport under test (for cells that wrap it). */
const baseFetch = (): typeof fetch => (transport === "fetch" ? (input, init) => globalThis.fetch(input, init) : nodeHttpFetch);

function setup(server: TestServer, options: PeakaClientOptions = {}) {
  const lines: Line[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
    onLog?.(level, message);
  };
  let onLog: ((level: string, message: string) => void) | undefined;
  const all: PeakaClientOptions = {
    apiKey: KEY,
    baseUrl: server.baseUrl,
    retryBackoff: { initialDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 20 },
    timeout: 5_000,
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    logLevel: "debug",
    logBodies: true,
    ...(transport === "node:http" ? { fetch: nodeHttpFetch } : {}),
    ...options,
  };
  const ctx: Ctx = { peaka: createPeakaClient(all), core: createPeakaCore(all) };
  return { ctx, lines, onLog: (fn: (level: string, message: string) => void) => (onLog = fn) };
}

const BEHAVIOURS = [
  "abort before send",
  "abort during request",
  "abort during body",
  "abort during backoff wait",
  "per-attempt timeout",
  "timeout 2^31 ms / Infinity never fire early",
  "503 → 200 retried",
  "429 Retry-After (seconds)",
  "429 Retry-After (HTTP date)",
  "POST retried only if marked or opted in",
  "409 not retried",
  "connection reset",
  "truncated JSON",
  "HTML 502",
  "empty answer (204)",
  "1,000 calls on one signal",
  "key never leaks",
  "401 → apiKey function asked once",
  "API error names its operation",
  "error path without the base URL's path",
  "abort reason in the message",
] as const;
type Behaviour = (typeof BEHAVIOURS)[number];
const matrix = new ConformanceMatrix(BEHAVIOURS, ENTRIES.map((e) => e.name));

/** `limitMs`: the cell's own vitest time limit, for cells that do much more work than one call. */
function cell(behaviour: Behaviour, entry: Entry, applies: boolean, test: (entry: Entry) => Promise<void>, limitMs?: number) {
  if (!applies) {
    matrix.skip(behaviour, entry.name, transport);
    return;
  }
  const current = transport;
  it(`${behaviour} × ${entry.name}`, async () => {
    transport = current;
    await test(entry);
    matrix.pass(behaviour, entry.name, current);
  }, limitMs);
}

afterAll(() => {
  for (const t of TRANSPORTS) console.log(matrix.format(`Conformance matrix over ${t}`, `over ${t}`, t));
});

/** A call's failure, or its result when it did not throw. */
async function outcome(promise: Promise<unknown>): Promise<{ error?: unknown; value?: any }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

/** An HTTP error answer: thrown as `Class` by most entry points, returned with that status by the low-level one. */
async function expectHttpError(entry: Entry, promise: Promise<unknown>, Class: new (...a: any[]) => PeakaError, status: number) {
  const result = await outcome(promise);
  if (entry.returnsHttpErrors) {
    expect(result.error).toBeUndefined();
    expect(result.value.response.status).toBe(status);
    return result.value;
  }
  expect(result.error).toBeInstanceOf(Class);
  expect((result.error as { status: number }).status).toBe(status);
  return result.error;
}

/** A success: data for most entry points, `{ data }` with a 2xx for the low-level one. */
function expectOk(entry: Entry, value: any) {
  if (entry.returnsHttpErrors) {
    expect(value.response.ok).toBe(true);
    expect(value.error).toBeUndefined();
    expect(value.data).toBeDefined();
  } else {
    expect(value).toBeDefined();
  }
}

// ---- the behaviours -----------------------------------------------------------------------------
const TRANSPORTS: Transport[] = ["fetch", "node:http"];
for (const t of TRANSPORTS) describe(`conformance matrix over ${t}`, () => {
  transport = t;
  for (const entry of ENTRIES) {
    describe(entry.name, () => {
      cell("abort before send", entry, true, async (e) => {
        const server = await startServer(e.ok);
        const { ctx } = setup(server);
        const controller = new AbortController();
        controller.abort(new Error("caller gave up"));
        const error = await rejectionOf(e.read(ctx, { signal: controller.signal }));
        expect(error).toBeInstanceOf(PeakaAbortError);
        expect(server.requests).toHaveLength(0);
      });

      cell("abort during request", entry, true, async (e) => {
        const server = await startServer(hang);
        const { ctx } = setup(server);
        const controller = new AbortController();
        const pending = rejectionOf(e.read(ctx, { signal: controller.signal }));
        const seen = await server.nthRequest(1);
        controller.abort();
        expect(await pending).toBeInstanceOf(PeakaAbortError);
        expect(await seen.closed).toBe(true); // the request really went away
      });

      cell("abort during body", entry, true, async (e) => {
        // Headers and part of the body, then silence. The abort comes once the client has the headers.
        const partial: Step = (_req, res) => {
          res.writeHead(200, { "content-type": e.method === "POST" ? "text/event-stream" : "application/json" });
          res.write(e.method === "POST" ? 'event: messages\ndata: {"content":"first"}\n\n' : '{"status":"COMPL');
          return new Promise<void>(() => undefined);
        };
        const server = await startServer(partial);
        let headers!: () => void;
        const gotHeaders = new Promise<void>((resolve) => (headers = resolve));
        const { ctx } = setup(server, {
          fetch: async (input, init) => {
            const response = await baseFetch()(input, init);
            headers();
            return response;
          },
        });
        const controller = new AbortController();
        const pending = rejectionOf(e.read(ctx, { signal: controller.signal }));
        await gotHeaders;
        await delay(5); // let the body read begin; the verdict does not depend on it
        controller.abort();
        expect(await pending).toBeInstanceOf(PeakaAbortError);
      });

      cell("abort during backoff wait", entry, true, async (e) => {
        const server = await startServer(json(503, { message: "busy" }, { "retry-after": "30" }));
        const { ctx, onLog } = setup(server, { retryBackoff: { maxRetryAfterMs: 60_000 } });
        const controller = new AbortController();
        // The transport logs "retrying" right before it starts its 30 s wait: abort then.
        onLog((_level, message) => {
          if (message.includes("retrying")) setImmediate(() => controller.abort());
        });
        const opts: RequestOptions = { signal: controller.signal, ...(e.method === "POST" ? { retryNonIdempotent: true } : {}) };
        const error = await rejectionOf(e.read(ctx, opts));
        expect(error).toBeInstanceOf(PeakaAbortError);
        expect(server.requests).toHaveLength(1);
      });

      cell("per-attempt timeout", entry, true, async (e) => {
        const server = await startServer(hang);
        const { ctx, lines } = setup(server, { timeout: 30, maxRetries: 1 });
        const error = await rejectionOf(e.read(ctx, e.method === "POST" ? { retryNonIdempotent: true } : {}));
        expect(error).toBeInstanceOf(PeakaTimeoutError);
        expect((error as Error).cause).not.toBeInstanceOf(PeakaTimeoutError); // the underlying failure
        // A timed-out attempt is retried: two attempts, each ended by its timer. Counted on our side: on a
        // busy machine an attempt can time out before the server has read its request.
        expect(lines.filter((l) => l.fields?.["error"] === "PeakaTimeoutError").map((l) => l.fields?.["attempt"])).toEqual([1, 2]);
      });

      cell("timeout 2^31 ms / Infinity never fire early", entry, true, async (e) => {
        const slow: Step = async (req, res, rec) => {
          await delay(30);
          await e.ok(req, res, rec);
        };
        for (const timeout of [2 ** 31, 30 * 24 * 3600_000]) {
          const server = await startServer(slow);
          const { ctx } = setup(server, { timeout, maxRetries: 0 });
          expectOk(e, await e.read(ctx, {}));
        }
        if (e.perRequest) {
          const server = await startServer(slow);
          const { ctx } = setup(server, { maxRetries: 0 });
          expectOk(e, await e.read(ctx, { timeout: Infinity }));
        }
      });

      cell("503 → 200 retried", entry, true, async (e) => {
        const server = await startServer([json(503, { message: "busy" }), e.ok]);
        const { ctx } = setup(server);
        expectOk(e, await e.read(ctx, e.method === "POST" ? { retryNonIdempotent: true } : {}));
        expect(server.requests.map((r) => r.method)).toEqual([e.method, e.method]);
      });

      for (const [label, value] of [
        ["429 Retry-After (seconds)", () => "3"],
        ["429 Retry-After (HTTP date)", () => new Date(Date.now() + 3_600_000).toUTCString()],
      ] as const) {
        cell(label, entry, true, async (e) => {
          const server = await startServer([(req, res, rec) => json(429, { message: "slow down" }, { "retry-after": value() })(req, res, rec), e.ok]);
          const { ctx, lines } = setup(server);
          expectOk(e, await e.read(ctx, e.method === "POST" ? { retryNonIdempotent: true } : {}));
          expect(server.requests).toHaveLength(2);
          // Backoff alone would wait under 2 ms; the header asked for more, cut to maxRetryAfterMs (20).
          const retry = lines.find((l) => l.message.includes("retrying"));
          expect(retry?.fields?.["retryInMs"]).toBe(20);
        });
      }

      cell("POST retried only if marked or opted in", entry, Boolean(entry.unmarkedPost), async (e) => {
        const script = () => [json(503, { message: "busy" }), e.method === "POST" ? e.ok : json(200, POST_RESULT)];
        // Not marked (SQL execution can write): one attempt, the 503 surfaces.
        let server = await startServer(script());
        let ctx = setup(server).ctx;
        await expectHttpError(e, e.unmarkedPost!(ctx, {}), PeakaServerError, 503);
        expect(server.requests).toHaveLength(1);
        // The caller opts in: retried.
        server = await startServer(script());
        ctx = setup(server).ctx;
        expectOk(e, await e.unmarkedPost!(ctx, { retryNonIdempotent: true }));
        expect(server.requests).toHaveLength(2);
        // Marked x-peaka-safe-to-repeat in the spec (catalog search): retried like a GET.
        if (e.markedPost) {
          server = await startServer(script());
          ctx = setup(server).ctx;
          expectOk(e, await e.markedPost(ctx, {}));
          expect(server.requests.map((r) => r.method)).toEqual(["POST", "POST"]);
        }
      });

      cell("409 not retried", entry, true, async (e) => {
        const server = await startServer([json(409, { errorCode: 409, message: "already exists" }), e.ok]);
        const { ctx } = setup(server);
        await expectHttpError(e, e.read(ctx, e.method === "POST" ? { retryNonIdempotent: true } : {}), PeakaConflictError, 409);
        expect(server.requests).toHaveLength(1);
      });

      cell("connection reset", entry, true, async (e) => {
        const opts = e.method === "POST" ? { retryNonIdempotent: true } : {};
        let server = await startServer([resetConnection, e.ok]);
        expectOk(e, await e.read(setup(server).ctx, opts));
        expect(server.requests).toHaveLength(2);
        server = await startServer(resetConnection);
        const error = await rejectionOf(e.read(setup(server, { maxRetries: 1 }).ctx, opts));
        expect(error).toBeInstanceOf(PeakaConnectionError);
        expect(server.requests).toHaveLength(2);
      });

      cell("truncated JSON", entry, entry.method === "GET", async (e) => {
        const cut = '{"id":"e-1","status":"SUCC';
        // With a Content-Length, and chunked (openapi-fetch parses those two differently).
        const steps: Step[] = [
          raw(200, cut, { "content-type": "application/json", "content-length": String(cut.length) }),
          (_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.write(cut.slice(0, 10));
            res.end(cut.slice(10));
          },
        ];
        for (const step of steps) {
          const server = await startServer(step);
          const error = await rejectionOf(e.read(setup(server).ctx, {}));
          expect(error).toBeInstanceOf(PeakaResponseError);
          expect(error).not.toBeInstanceOf(SyntaxError);
          expect((error as PeakaResponseError).status).toBe(200);
        }
      });

      cell("HTML 502", entry, true, async (e) => {
        const page = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";
        const server = await startServer(raw(502, page, { "content-type": "text/html" }));
        const { ctx } = setup(server, { maxRetries: 0 });
        const result = await expectHttpError(e, e.read(ctx, {}), PeakaServerError, 502);
        if (e.returnsHttpErrors) expect(String(result.error)).toContain("Bad Gateway");
        else expect((result as Error).message).toContain("Bad Gateway");
      });

      cell("empty answer (204)", entry, true, async (e) => {
        const server = await startServer(empty(204));
        const { ctx } = setup(server);
        if (e.empty) {
          // An operation whose spec has no content: nothing to read, `undefined`.
          const value: any = await e.empty(ctx, {});
          if (e.returnsHttpErrors) {
            expect(value.response.status).toBe(204);
            expect(value.data).toBeUndefined();
          } else {
            expect(value).toBeUndefined();
          }
        }
        if (e.method === "POST") {
          // A stream that ends before any event: the loop simply ends.
          expect(await e.read(ctx, {})).toEqual([]);
        } else if (!e.returnsHttpErrors) {
          // An operation that promises JSON: an empty answer is not data.
          expect(await rejectionOf(e.read(ctx, {}))).toBeInstanceOf(PeakaResponseError);
        }
      });

      // 1,000 calls at once take about 1.5 s on an idle 2-core machine, and up to 62 s measured at a load
      // average of 31 (other work plus 6 burner threads, under-load.mjs --workers 6): the calls' per-attempt
      // limit and the cell's are far above both.
      cell("1,000 calls on one signal", entry, true, async (e) => {
        const server = await startServer(e.ok);
        const { ctx } = setup(server, { logger: undefined, timeout: 300_000 });
        const controller = new AbortController();
        const warnings: Error[] = [];
        const onWarning = (warning: Error) => warnings.push(warning);
        process.on("warning", onWarning);
        try {
          const results = await Promise.all(Array.from({ length: 1000 }, () => e.read(ctx, { signal: controller.signal })));
          expect(results).toHaveLength(1000);
          for (const value of results.slice(0, 3)) expectOk(e, value);
          await new Promise((resolve) => setImmediate(resolve));
          expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
          expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
        } finally {
          process.off("warning", onWarning);
        }
      }, 400_000);

      cell("401 → apiKey function asked once", entry, true, async (e) => {
        const stale = "sk-matrix-expired-token-Qw31";
        const fresh = "sk-matrix-renewed-token-Zp72";
        // A credential function with its own cache: it renews only when told to.
        const credential = () => {
          let token = stale;
          const refreshes: boolean[] = [];
          const apiKey = async (context?: ApiKeyContext) => {
            refreshes.push(context?.refresh === true);
            if (context?.refresh) {
              await delay(5); // a renewal takes time: concurrent 401s must join it
              token = fresh;
            }
            return token;
          };
          return { apiKey, renewals: () => refreshes.filter(Boolean).length };
        };
        // The server refuses the expired token (echoing it) and answers the renewed one.
        const gate: Step = (req, res, rec) =>
          req.headers.authorization === `Bearer ${fresh}`
            ? e.ok(req, res, rec)
            : json(401, { message: `token ${String(req.headers.authorization)} expired` })(req, res, rec);

        // One call: refused, renewed once, sent again (also a POST that is not safe to repeat).
        let cred = credential();
        let server = await startServer(gate);
        let { ctx, lines } = setup(server, { apiKey: cred.apiKey, maxRetries: 0 });
        expectOk(e, await e.read(ctx, {}));
        expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${stale}`, `Bearer ${fresh}`]);
        expect(server.requests.map((r) => r.method)).toEqual([e.method, e.method]);
        expect(cred.renewals()).toBe(1);
        // The renewed value is a secret like a key: never in a log line.
        expect(JSON.stringify(lines)).not.toContain(fresh);
        expect(JSON.stringify(lines)).not.toContain(stale);

        // Five calls at once: five 401s, one renewal shared by all.
        cred = credential();
        server = await startServer(gate);
        ({ ctx } = setup(server, { apiKey: cred.apiKey, maxRetries: 0 }));
        const results = await Promise.all([1, 2, 3, 4, 5].map(() => e.read(ctx, {})));
        for (const r of results) expectOk(e, r);
        expect(cred.renewals()).toBe(1);
        expect(server.requests.filter((r) => r.headers.authorization === `Bearer ${stale}`)).toHaveLength(5);
        expect(server.requests.filter((r) => r.headers.authorization === `Bearer ${fresh}`)).toHaveLength(5);

        // Refused again after the renewal: one repeat only, then the 401, with neither value in it.
        cred = credential();
        server = await startServer((req, res, rec) => json(401, { message: `no access for ${String(req.headers.authorization)}` })(req, res, rec));
        ({ ctx, lines } = setup(server, { apiKey: cred.apiKey, maxRetries: 3 }));
        const refused = await expectHttpError(e, e.read(ctx, {}), PeakaAuthenticationError, 401);
        expect(server.requests).toHaveLength(2);
        expect(cred.renewals()).toBe(1);
        const shown = `${inspect(refused, { depth: 8, showHidden: true })}\n${JSON.stringify(lines)}`;
        expect(shown).not.toContain(fresh);
        expect(shown).not.toContain(stale);
      });

      cell("API error names its operation", entry, !entry.returnsHttpErrors, async (e) => {
        const server = await startServer(json(404, { errorCode: "NOT_FOUND", message: "no such thing" }));
        const error = await rejectionOf(e.read(setup(server).ctx, {}));
        expect(error).toBeInstanceOf(PeakaNotFoundError);
        const api = error as PeakaNotFoundError;
        expect(api.operationId).toBe(e.operation.id);
        expect(api.pathTemplate).toBe(e.operation.template);
        expect(api.path).toBe(e.operation.path);
        expect(api.message).toBe(`404 ${e.method} ${e.operation.path} (${e.operation.id}): no such thing`);
        expect(api.toJSON()).toMatchObject({ operationId: e.operation.id, pathTemplate: e.operation.template, path: e.operation.path });
      });

      cell("error path without the base URL's path", entry, true, async (e) => {
        // The client's baseUrl ends in /api/v1: errors and log lines show the operation's own path.
        const server = await startServer(resetConnection);
        expect(server.baseUrl).toMatch(/\/api\/v1$/);
        const { ctx, lines } = setup(server, { maxRetries: 0 });
        const error = await rejectionOf(e.read(ctx, {}));
        expect(error).toBeInstanceOf(PeakaConnectionError);
        expect((error as PeakaConnectionError).path).toBe(e.operation.path);
        expect((error as Error).message.startsWith(`${e.method} ${e.operation.path}: connection failed`)).toBe(true);
        const logged = lines.filter((l) => l.message === "peaka request").map((l) => l.fields?.["path"]);
        expect(logged.length).toBeGreaterThan(0);
        for (const path of logged) expect(path).toBe(e.operation.path);
      });

      cell("abort reason in the message", entry, true, async (e) => {
        // Before sending, with an Error as the reason; while the request is out, with a string.
        let server = await startServer(e.ok);
        const before = new AbortController();
        before.abort(new Error("caller gave up"));
        const early = await rejectionOf(e.read(setup(server).ctx, { signal: before.signal }));
        expect(early).toBeInstanceOf(PeakaAbortError);
        expect((early as Error).message).toMatch(/: caller gave up$/);
        expect((early as Error).cause).toBe(before.signal.reason);
        server = await startServer(hang);
        const during = new AbortController();
        const pending = rejectionOf(e.read(setup(server).ctx, { signal: during.signal }));
        await server.nthRequest(1);
        during.abort("shutting down");
        const late = await pending;
        expect(late).toBeInstanceOf(PeakaAbortError);
        expect((late as Error).message).toMatch(/: shutting down$/);
      });

      cell("key never leaks", entry, true, async (e) => {
        // The server echoes the key it received, in the body, a header and (for streams) an error event.
        const echo: Step = (req, res) => {
          const key = String(req.headers.authorization).replace("Bearer ", "");
          res.writeHead(401, { "content-type": "application/json", "www-authenticate": `Bearer error="invalid_token" key="${key}"` });
          res.end(JSON.stringify({ errorCode: 401, message: `Invalid API key ${key}`, key }));
        };
        const echoOk: Step =
          e.method === "POST"
            ? (req, res) => {
                const key = String(req.headers.authorization).replace("Bearer ", "");
                res.writeHead(200, { "content-type": "text/event-stream" });
                res.end(`event: error\ndata: {"message":"key ${key} was revoked"}\n\n`);
              }
            : (req, res) => {
                const key = String(req.headers.authorization).replace("Bearer ", "");
                res.writeHead(200, { "content-type": "application/json" });
                res.end(`{"status":"COMPLETED","note":"${key}`); // truncated, with the key in it
              };
        const seen: string[] = [];
        for (const [step, opts] of [
          [echo, {}],
          [echo, e.perRequest ? { apiKey: REQUEST_KEY } : {}],
          [echoOk, e.perRequest ? { apiKey: REQUEST_KEY } : {}],
        ] as Array<[Step, RequestOptions]>) {
          const server = await startServer(step);
          const { ctx, lines } = setup(server, { maxRetries: 0 });
          const result = await outcome(e.read(ctx, opts));
          const shown = result.error ?? result.value;
          if (result.error) {
            expect(result.error).toBeInstanceOf(PeakaError);
            if (step === echo) expect(result.error).toBeInstanceOf(PeakaAuthenticationError);
            if (step === echoOk) expect(result.error).toBeInstanceOf(e.method === "POST" ? PeakaStreamError : PeakaResponseError);
            seen.push(String(result.error), (result.error as Error).message, (result.error as Error).stack ?? "");
          } else {
            expect(e.returnsHttpErrors).toBe(true);
          }
          seen.push(JSON.stringify(shown) ?? "", inspect(shown, { depth: 8, showHidden: true, getters: true }), JSON.stringify(lines), inspect(lines, { depth: 8 }));
          // The server did get the key: what it echoed was cleaned on our side.
          expect(String(server.requests[0]?.headers.authorization)).toMatch(/^Bearer sk-matrix-/);
        }
        const text = seen.join("\n");
        expect(text).not.toContain(KEY);
        expect(text).not.toContain(REQUEST_KEY);
        expect(text).toContain("[redacted]");
      });
    });
  }
});

describe("clients, derived clients and cores keep their keys to themselves", () => {
  it("util.inspect (showHidden) and JSON.stringify show no key, also after use and derive()", async () => {
    const server = await startServer(json(200, CACHE_STATUS));
    const { ctx } = setup(server);
    await ctx.peaka.cache.getStatus(ids);
    await ctx.peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", { params: { path: ids } });
    const derived = ctx.peaka.derive({ apiKey: REQUEST_KEY });
    await derived.cache.getStatus(ids);
    expect(String(server.requests[2]?.headers.authorization)).toBe(`Bearer ${REQUEST_KEY}`);
    const text = [ctx.peaka, derived, ctx.core].flatMap((o) => [inspect(o, { depth: 12, showHidden: true }), JSON.stringify(o)]).join("\n");
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(REQUEST_KEY);
  });
});
