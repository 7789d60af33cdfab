// Small scripted HTTP servers for the behaviour tests. Each test starts its own server on 127.0.0.1,
// port 0, and `closeAllServers` (registered with afterEach) closes every server and connection that is
// still open. A server answers its n-th request with the n-th step of its script (the last step repeats)
// and records every request: method, URL, headers, raw body, arrival time, and when its connection closed.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createPeakaClient, type PeakaClient } from "../../src/client.js";
import type { Logger } from "../../src/internal/log.js";
import type { PeakaClientOptions } from "../../src/options.js";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Raw request target: path and query exactly as sent (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** performance.now() when the request head arrived (monotonic). */
  at: number;
  /** Date.now() when the request head arrived (wall clock, for HTTP-date comparisons). */
  wallAt: number;
  /**
   * Resolves when the response is over: `true` when the connection closed before the server finished
   * the response (the client went away), `false` when the server finished it.
   */
  closed: Promise<boolean>;
}

/** A scripted answer. It may write anything, hang, or destroy the socket. */
export type Step = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => void | Promise<void>;

export interface TestServer {
  /** Origin, e.g. http://127.0.0.1:38211 */
  origin: string;
  /** Origin plus /api/v1: the `baseUrl` to give the client. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Resolves when the server has received its n-th request (1-based). */
  nthRequest(n: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const open = new Set<TestServer>();

/** Starts a server that answers request i with `script[i]` (the last step repeats). */
export async function startServer(script: Step | Step[]): Promise<TestServer> {
  const steps = Array.isArray(script) ? script : [script];
  if (steps.length === 0) throw new Error("a server needs at least one step");
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ n: number; resolve: (r: RecordedRequest) => void }> = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer(async (req, res) => {
    const at = performance.now();
    const wallAt = Date.now();
    const closed = new Promise<boolean>((resolve) => res.once("close", () => resolve(!res.writableFinished)));
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the client went away while sending the body
    }
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks),
      at,
      wallAt,
      closed,
    };
    requests.push(recorded);
    for (const w of [...waiters]) {
      if (requests.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(requests[w.n - 1] as RecordedRequest);
      }
    }
    const step = steps[Math.min(requests.length - 1, steps.length - 1)] as Step;
    try {
      await step(req, res, recorded);
    } catch (error) {
      if (!res.headersSent) res.writeHead(599, { "content-type": "text/plain" });
      res.end(`test server step failed: ${String(error)}`);
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // A backlog above Node's 511: the matrix opens 1,000 connections at once, and on a busy machine the
  // server accepts them slower than they arrive (an overflowing queue resets connections).
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 2048 }, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const handle: TestServer = {
    origin,
    baseUrl: `${origin}/api/v1`,
    requests,
    nthRequest(n) {
      if (requests.length >= n) return Promise.resolve(requests[n - 1] as RecordedRequest);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async close() {
      open.delete(handle);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  open.add(handle);
  return handle;
}

/** Closes every server still open; register with `afterEach(closeAllServers)`. */
export async function closeAllServers(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

/** A client for `server` with fast retries; `options` win. */
export function clientFor(server: TestServer, options: PeakaClientOptions = {}): PeakaClient {
  return createPeakaClient({
    apiKey: "test-key",
    baseUrl: server.baseUrl,
    retryBackoff: { initialDelayMs: 5, maxDelayMs: 20 },
    timeout: 5_000,
    ...options,
  });
}

// --- steps ---------------------------------------------------------------------------------------

/** Answers with JSON. */
export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

/** Answers with a raw body (string or bytes) and the given content type. */
export const raw =
  (status: number, body: string | Uint8Array, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };

/** Answers with a status and no body. */
export const empty =
  (status: number, headers: Record<string, string> = {}): Step =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end();
  };

/** Closes the connection without answering (a reset, as a crashing proxy would). */
export const resetConnection: Step = (req) => {
  const socket = req.socket as Socket & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
};

/** Never answers; the connection stays open until the client gives up or the server closes. */
export const hang: Step = () => new Promise<void>(() => undefined);

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when the response's connection is over: a step that awaits it keeps a stream open until the client leaves. */
export const closedBy = (res: ServerResponse) => new Promise<void>((resolve) => (res.closed ? resolve() : res.once("close", () => resolve())));

/**
 * A logger (give it as the client's `logger`) that keeps the number of every attempt that ended by its
 * per-attempt timer: how a test counts timed-out attempts without relying on the server having seen them.
 */
export function attemptLog(): { logger: Logger; timedOut: number[] } {
  const timedOut: number[] = [];
  const warn = (_message: string, fields?: Record<string, unknown>) => {
    if (fields?.["error"] === "PeakaTimeoutError") timedOut.push(fields["attempt"] as number);
  };
  return { logger: { warn }, timedOut };
}

/** Parses a multipart/form-data body the way a server would, with the platform's own parser. */
export async function parseMultipart(recorded: RecordedRequest): Promise<FormData> {
  const contentType = String(recorded.headers["content-type"] ?? "");
  return new Request("http://parser.invalid/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: new Uint8Array(recorded.body),
  }).formData();
}

/** Awaits a promise that must reject and returns the rejection (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
