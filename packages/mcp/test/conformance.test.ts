// The conformance matrix, continued through MCP: an MCP tool is an entry point of the one pipeline
// (DESIGN.md), so the behaviours of packages/client/test/conformance/matrix.test.ts that an agent can
// meet run here through three kinds of tool — a task tool (cache_status, run_sql), the call_operation
// meta-tool, and a per-operation tool of `--tools=all` (get_cache_status, execute_query, ...). Each
// cell is the MCP SDK's own Client, connected in-process over InMemoryTransport to
// createPeakaMcpServer, whose @peaka/api client points at a small loopback server scripted for the
// case and counting its requests. Short timeouts and backoffs come through the server's documented
// `client` option (the CLI passes its base URL and logger the same way; defaults are untouched). The
// logger writes what `--log-level debug` writes to stderr, with request and response bodies on top,
// and every log line and tool result is searched for the key. No verdict depends on timing. At the
// end the matrix prints itself (✓ passed, ✗ failed, · does not apply).
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { format } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { PeakaClientOptions } from "@peaka/api";
import { ConformanceMatrix } from "@peaka/mock/matrix";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createPeakaMcpServer, type PeakaMcpServerOptions } from "../src/index.js";
import { textOf } from "./support/harness.js";

/** A key no real system would produce, easy to search for in every output. */
const KEY = "pk_test_MCP-CONFORMANCE-SECRET-3b9e71d04c58";
const P = "prjA";

// ---- loopback servers -----------------------------------------------------------------------------
type Step = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
interface Upstream {
  baseUrl: string;
  /** Requests received: method, raw URL, and whether the client went away before the answer ended. */
  hits: Array<{ method: string; url: string; closed: Promise<boolean> }>;
  /** Resolves when the first request has arrived. */
  firstHit: Promise<void>;
  close(): Promise<void>;
}
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Answers request i with `script[i]` (the last step repeats). */
async function upstream(...script: Step[]): Promise<Upstream> {
  const hits: Upstream["hits"] = [];
  const sockets = new Set<Socket>();
  let arrived = () => undefined as void;
  const firstHit = new Promise<void>((r) => (arrived = r));
  const server: HttpServer = createServer(async (req, res) => {
    for await (const _ of req);
    const closed = new Promise<boolean>((r) => res.once("close", () => r(!res.writableFinished)));
    hits.push({ method: req.method ?? "", url: req.url ?? "", closed });
    arrived();
    await script[Math.min(hits.length - 1, script.length - 1)]!(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(close);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, hits, firstHit, close };
}
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
const raw =
  (status: number, body: string, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
const reset: Step = (req) => {
  const socket = req.socket as Socket & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
};
const hang: Step = () => new Promise<void>(() => undefined);

// ---- the MCP server and client --------------------------------------------------------------------
/** Everything any MCP server or its logger said in this file: tool results, errors and log lines. */
const transcript: string[] = [];

interface Session {
  call(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult>;
  /** The log lines of this session's @peaka/api client (what `--log-level debug` writes to stderr). */
  log: string[];
  /** The first log line of an attempt that ended in an error (e.g. `error: 'PeakaTimeoutError'`). */
  firstFailedAttempt: Promise<string>;
}

async function connect(up: Upstream, options: Partial<PeakaMcpServerOptions> = {}, client: Omit<PeakaClientOptions, "apiKey"> = {}): Promise<Session> {
  const log: string[] = [];
  let failedAttempt = (_line: string) => undefined as void;
  const firstFailedAttempt = new Promise<string>((r) => (failedAttempt = r));
  // The CLI's --log-level logger writes console.error(...args) to stderr; this one keeps the same text.
  const line = (...args: unknown[]) => {
    const text = format(...args);
    log.push(text);
    if (/\berror: '/.test(text)) failedAttempt(text);
    transcript.push(text);
  };
  const server = createPeakaMcpServer({
    apiKey: KEY,
    tools: ["default", "all"],
    ...options,
    client: {
      baseUrl: up.baseUrl,
      timeout: 5_000,
      retryBackoff: { initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20 },
      logger: { debug: line, info: line, warn: line, error: line },
      logLevel: "debug",
      logBodies: true,
      ...client,
    },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: "peaka-mcp-conformance", version: "0.0.0" });
  await server.connect(serverSide);
  await mcp.connect(clientSide);
  // Listing the tools makes the SDK client check every structuredContent against the tool's output schema.
  await mcp.listTools();
  cleanups.push(async () => {
    await mcp.close();
    await server.close();
  });
  return {
    log,
    firstFailedAttempt,
    async call(name, args, signal) {
      try {
        const result = (await mcp.callTool({ name, arguments: args }, undefined, signal ? { signal } : {})) as CallToolResult;
        transcript.push(JSON.stringify(result));
        return result;
      } catch (error) {
        transcript.push(format(error));
        throw error;
      }
    },
  };
}

// ---- the entry points -----------------------------------------------------------------------------
type Call = [tool: string, args: Record<string, unknown>];
interface Entry {
  name: string;
  /** A GET: the status of cache c-1. */
  read(cacheId?: string): Call;
  /** A POST the spec does not mark safe to repeat (SQL execution). */
  unmarkedPost: Call;
  /** A POST the spec marks `x-peaka-safe-to-repeat` (catalog search), where this entry point reaches one. */
  markedPost?: Call;
  /** An operation that answers without content, where this entry point reaches one (no task tool does). */
  empty?: Call;
}
const statusArgs = (cacheId = "c-1") => ({ projectId: P, cacheId });
const sqlBody = { statement: "SELECT 1" };
const ENTRIES: Entry[] = [
  {
    name: "task tool",
    read: (cacheId) => ["cache_status", statusArgs(cacheId)],
    unmarkedPost: ["run_sql", { projectId: P, statement: "SELECT 1" }],
  },
  {
    name: "call_operation",
    read: (cacheId) => ["call_operation", { operationId: "getCacheStatus", arguments: statusArgs(cacheId) }],
    unmarkedPost: ["call_operation", { operationId: "executeQuery", arguments: { projectId: P, body: sqlBody } }],
    markedPost: ["call_operation", { operationId: "searchCatalogs", arguments: { projectId: P, body: { query: "orders" } } }],
    empty: ["call_operation", { operationId: "deleteCache", arguments: statusArgs() }],
  },
  {
    name: "operation tool",
    read: (cacheId) => ["get_cache_status", statusArgs(cacheId)],
    unmarkedPost: ["execute_query", { projectId: P, body: sqlBody }],
    markedPost: ["search_catalogs", { projectId: P, body: { query: "orders" } }],
    empty: ["delete_cache", statusArgs()],
  },
];

// Answers shaped as the spec says (the SDK client checks structured content against the output schemas).
const CACHE_STATUS = { id: "c-1", catalogId: "cat-1", schemaName: "public", tableName: "orders", status: "COMPLETED" };
const SEARCH_PAGE = {
  matchedCatalogs: [{ catalog: "crm" }],
  matchedSchemas: [],
  matchedTables: [],
  meta: { page: { limit: 20, offset: 0, nextOffset: null } },
};

// ---- the matrix ------------------------------------------------------------------------------------
const BEHAVIOURS = [
  "503 → 200 retried",
  "429 Retry-After",
  "POST retried only if marked",
  "409 not retried",
  "per-attempt timeout",
  "connection reset",
  "truncated JSON",
  "HTML 502",
  "empty answer (204)",
  "path parameter '..' refused",
  "MCP cancel aborts the request",
  "key never leaks",
] as const;
type Behaviour = (typeof BEHAVIOURS)[number];
const matrix = new ConformanceMatrix(BEHAVIOURS, ENTRIES.map((e) => e.name));

function cell(behaviour: Behaviour, entry: Entry, applies: boolean, test: (entry: Entry) => Promise<void>) {
  if (!applies) {
    matrix.skip(behaviour, entry.name);
    return;
  }
  it(`${behaviour} × ${entry.name}`, async () => {
    await test(entry);
    matrix.pass(behaviour, entry.name);
  });
}

afterAll(() => {
  console.log(matrix.format("Conformance matrix through MCP tools", "MCP entry point"));
});

/** A tool error: isError, and no stack, no parser message. */
function expectToolError(result: CallToolResult, pattern: RegExp): string {
  const text = textOf(result);
  expect(result.isError, text).toBe(true);
  expect(text).toMatch(pattern);
  expect(text).not.toMatch(/SyntaxError|Unexpected (end|token)|\n\s+at /);
  return text;
}
function expectOk(result: CallToolResult): string {
  const text = textOf(result);
  expect(result.isError ?? false, text).toBe(false);
  return text;
}

describe("conformance matrix through MCP tools", () => {
  for (const entry of ENTRIES) {
    cell("503 → 200 retried", entry, true, async (e) => {
      const up = await upstream(json(503, { message: "busy" }), json(200, CACHE_STATUS));
      const mcp = await connect(up);
      expect(expectOk(await mcp.call(...e.read()))).toContain("COMPLETED");
      expect(up.hits.map((h) => h.method)).toEqual(["GET", "GET"]);
    });

    cell("429 Retry-After", entry, true, async (e) => {
      // Retry-After: 1 second, cut to maxRetryAfterMs (20 ms) by the client options.
      const up = await upstream(json(429, { message: "slow down" }, { "retry-after": "1" }), json(200, CACHE_STATUS));
      const mcp = await connect(up);
      expect(expectOk(await mcp.call(...e.read()))).toContain("COMPLETED");
      expect(up.hits).toHaveLength(2);
      // The wait came from Retry-After: the client logs the retry with the header's delay, cut to
      // maxRetryAfterMs (20 ms); the backoff alone would wait less than maxDelayMs (5 ms).
      expect(mcp.log.join("\n")).toMatch(/retrying[^}]*status: 429[^}]*retryInMs: 20\b/);
    });

    cell("POST retried only if marked", entry, true, async (e) => {
      const unmarked = await upstream(json(503, { message: "busy" }), json(200, { data: [], columns: [] }));
      const a = await connect(unmarked);
      expectToolError(await a.call(...e.unmarkedPost), /HTTP 503/);
      expect(unmarked.hits.map((h) => h.method)).toEqual(["POST"]);
      if (e.markedPost) {
        const marked = await upstream(json(503, { message: "busy" }), json(200, SEARCH_PAGE));
        const b = await connect(marked);
        expect(expectOk(await b.call(...e.markedPost))).toContain("crm");
        expect(marked.hits.map((h) => h.method)).toEqual(["POST", "POST"]);
      }
    });

    cell("409 not retried", entry, true, async (e) => {
      const up = await upstream(json(409, { errorCode: 409, message: "a refresh is running" }), json(200, CACHE_STATUS));
      const mcp = await connect(up);
      expectToolError(await mcp.call(...e.read()), /PeakaConflictError \(HTTP 409.*a refresh is running/);
      expect(up.hits).toHaveLength(1);
    });

    cell("per-attempt timeout", entry, true, async (e) => {
      const up = await upstream(hang);
      const mcp = await connect(up, {}, { timeout: 150, maxRetries: 1 });
      expectToolError(await mcp.call(...e.read()), /PeakaTimeoutError.*time/i);
      // Two attempts, each ended by its timer: counted in the client's log, since on a busy machine an
      // attempt can time out before the upstream has read its request.
      const timedOut = mcp.log.filter((line) => line.includes("error: 'PeakaTimeoutError'"));
      expect(timedOut.map((line) => /attempt: (\d+)/.exec(line)?.[1])).toEqual(["1", "2"]);
    });

    cell("connection reset", entry, true, async (e) => {
      const up = await upstream(reset);
      const mcp = await connect(up);
      expectToolError(await mcp.call(...e.read()), /PeakaConnectionError/);
      expect(up.hits).toHaveLength(3);
    });

    cell("truncated JSON", entry, true, async (e) => {
      const up = await upstream(raw(200, '{"id":"c-1","status":"COMPL', { "content-type": "application/json" }));
      const mcp = await connect(up);
      expectToolError(await mcp.call(...e.read()), /PeakaResponseError/);
    });

    cell("HTML 502", entry, true, async (e) => {
      const up = await upstream(raw(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", { "content-type": "text/html" }));
      const mcp = await connect(up);
      expectToolError(await mcp.call(...e.read()), /PeakaServerError \(HTTP 502/);
      expect(up.hits).toHaveLength(3);
    });

    cell("empty answer (204)", entry, true, async (e) => {
      const up = await upstream(raw(204, ""));
      const mcp = await connect(up, { allowWrites: true, allowDestructive: true });
      // An operation that promises JSON and gets nothing: a clear error, not "null" or a parser message.
      expectToolError(await mcp.call(...e.read()), /PeakaResponseError: 204 GET .*empty/);
      if (e.empty) {
        // An operation that answers without content: done, saying so.
        const text = expectOk(await mcp.call(...e.empty));
        expect(text).toBe("deleteCache: done (DELETE /data/projects/{projectId}/cache/{cacheId} answered without content).");
        expect(up.hits.map((h) => h.method)).toEqual(["GET", "DELETE"]);
        expect(up.hits[1]!.url).toBe(`/api/v1/data/projects/${P}/cache/c-1`);
      }
    });

    cell("path parameter '..' refused", entry, true, async (e) => {
      const up = await upstream(json(200, CACHE_STATUS));
      const mcp = await connect(up);
      for (const bad of ["..", "."]) expectToolError(await mcp.call(...e.read(bad)), /cacheId/);
      expect(up.hits).toEqual([]);
    });

    cell("MCP cancel aborts the request", entry, true, async (e) => {
      // The MCP client cancels (notifications/cancelled) once the request has reached the upstream;
      // the server's request signal aborts the @peaka/api call, which closes its connection.
      const up = await upstream(hang);
      const mcp = await connect(up);
      const cancel = new AbortController();
      const call = mcp.call(...e.read(), cancel.signal).then(
        () => "answered",
        (error: unknown) => String(error),
      );
      await up.firstHit;
      cancel.abort("the user stopped it");
      expect(await call).toMatch(/stopped it|abort|cancel/i);
      expect(await up.hits[0]!.closed).toBe(true);
      // The attempt ended by the abort, not by the client's timeout (5 s here) or anything else.
      expect(await mcp.firstFailedAttempt).toMatch(/error: 'PeakaAbortError'/);
      expect(up.hits).toHaveLength(1);
    });

    cell("key never leaks", entry, true, async (e) => {
      // The worst upstream: it echoes the Authorization header in error bodies, in headers and in data.
      const echo = (status: number): Step => (req, res) => {
        const auth = req.headers.authorization ?? "";
        res.writeHead(status, { "content-type": "application/json", "x-echo-authorization": auth, "www-authenticate": `Bearer error="${auth}"` });
        res.end(JSON.stringify({ ...CACHE_STATUS, errorCode: status, message: `you sent ${auth}`, detail: auth }));
      };
      const up = await upstream(echo(401), echo(500), echo(500), echo(500), echo(200));
      const mcp = await connect(up, {}, { maxRetries: 2 });
      const denied = await mcp.call(...e.read());
      expectToolError(denied, /HTTP 401/);
      const failed = await mcp.call(...e.read());
      expectToolError(failed, /HTTP 500/);
      const echoed = await mcp.call(...e.read());
      // The echoed key was in the answer, and what left the server says [redacted] in its place.
      expect(expectOk(echoed)).toContain("[redacted]");
      expect(up.hits).toHaveLength(5);
      const everything = [denied, failed, echoed].map((r) => JSON.stringify(r)).concat(mcp.log);
      expect(mcp.log.length).toBeGreaterThan(0);
      for (const out of everything) {
        expect(out).not.toContain(KEY);
        expect(out).not.toContain(KEY.slice(8));
      }
    });
  }

  it("no output of this file contains the key", () => {
    expect(transcript.length).toBeGreaterThan(30);
    expect(transcript.filter((t) => t.includes(KEY.slice(8)))).toEqual([]);
  });
});
