// Retries against a scripted server: which failures are retried, how long the client waits (judged
// from the server's own request timestamps, with generous lower bounds only), what is re-sent, and
// how aborting stops it all.
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import {
  PeakaAbortError,
  PeakaConflictError,
  PeakaConnectionError,
  PeakaNotFoundError,
  PeakaServerError,
  PeakaTimeoutError,
} from "../../src/errors.js";
import {
  attemptLog,
  clientFor,
  closeAllServers,
  delay,
  empty,
  hang,
  json,
  rejectionOf,
  resetConnection,
  startServer,
  type Step,
} from "../support/servers.js";

afterEach(closeAllServers);

const ids = { projectId: "prjA", cacheId: "c-1" };
const STATUS = { id: "c-1", status: "COMPLETED", catalogId: "731958204467113201", schemaName: "sales", tableName: "orders" };
const WORKSPACE = { id: "ws1", name: "Analytics" };

describe("retried failures (GET, PUT, DELETE)", () => {
  it("retries a GET after the connection is reset, then returns the data", async () => {
    const server = await startServer([resetConnection, json(200, STATUS)]);
    await expect(clientFor(server).cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(server.requests).toHaveLength(2);
  });

  it("gives up with a PeakaConnectionError (cause kept) when every attempt is reset", async () => {
    const server = await startServer(resetConnection);
    const error = await rejectionOf(clientFor(server, { maxRetries: 2 }).cache.getStatus(ids));
    expect(error).toBeInstanceOf(PeakaConnectionError);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(3);
  });

  it("retries a 503, then returns the data", async () => {
    const server = await startServer([json(503, { message: "busy" }), json(200, STATUS)]);
    await expect(clientFor(server).cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(server.requests).toHaveLength(2);
  });

  it("retries a DELETE after a 502", async () => {
    const server = await startServer([json(502, {}), empty(204)]);
    await expect(clientFor(server).workspaces.delete({ organizationId: "o", workspaceId: "w" })).resolves.toBeUndefined();
    expect(server.requests.map((r) => r.method)).toEqual(["DELETE", "DELETE"]);
  });

  it("honours Retry-After in seconds", async () => {
    const server = await startServer([json(429, { message: "slow down" }, { "retry-after": "1" }), json(200, STATUS)]);
    // Backoff alone would wait at most 5 ms, so a gap of about a second can only come from Retry-After.
    await expect(clientFor(server).cache.getStatus(ids)).resolves.toEqual(STATUS);
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(0.9 * 1000);
  });

  it("honours Retry-After as an HTTP date", async () => {
    let target = 0;
    const tooMany: Step = (_req, res) => {
      // A whole second at least one second ahead, so that the HTTP date (second precision) is exact.
      target = Math.ceil((Date.now() + 1000) / 1000) * 1000;
      res.writeHead(429, { "content-type": "application/json", "retry-after": new Date(target).toUTCString() });
      res.end("{}");
    };
    const server = await startServer([tooMany, json(200, STATUS)]);
    await expect(clientFor(server).cache.getStatus(ids)).resolves.toEqual(STATUS);
    const [first, second] = server.requests;
    const asked = target - first!.wallAt;
    expect(asked).toBeGreaterThanOrEqual(1000);
    expect(second!.wallAt - first!.wallAt).toBeGreaterThanOrEqual(0.9 * asked);
  });

  it("cuts a long Retry-After to retryBackoff.maxRetryAfterMs", async () => {
    const server = await startServer([json(503, {}, { "retry-after": "3600" }), json(200, STATUS)]);
    const peaka = clientFor(server, { retryBackoff: { maxRetryAfterMs: 10 } });
    // Uncapped, this would wait an hour and hit the test timeout.
    await expect(peaka.cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(server.requests).toHaveLength(2);
  });

  it("retries an attempt that hangs past the per-attempt timeout, then returns the data", async () => {
    const server = await startServer([hang, json(200, STATUS)]);
    const { logger, timedOut } = attemptLog();
    await expect(clientFor(server, { timeout: 300, logger }).cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(timedOut[0]).toBe(1); // the first attempt ended by its timer (a busy machine may time out more)
    expect(await server.requests[0]!.closed).toBe(true); // the client gave up on the first connection
  });

  it("throws PeakaTimeoutError, with its cause, when every attempt hangs", async () => {
    const server = await startServer(hang);
    const { logger, timedOut } = attemptLog();
    const error = await rejectionOf(clientFor(server, { timeout: 80, maxRetries: 2, logger }).cache.getStatus(ids));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    const e = error as PeakaTimeoutError;
    expect(e.timeoutMs).toBe(80);
    expect(e.message).toMatch(/GET \/data\/projects\/prjA\/cache\/c-1\/status timed out after 80 ms/);
    expect(e.cause).toBeDefined();
    // Three attempts, each ended by its timer. Counted on our side: on a busy machine an attempt can time
    // out before the server has read its request.
    expect(timedOut).toEqual([1, 2, 3]);
  });

  it("lets a per-request timeout override the client's", async () => {
    const server = await startServer([hang, json(200, STATUS)]);
    const { logger, timedOut } = attemptLog();
    const peaka = clientFor(server, { timeout: 60_000, logger });
    // Under the client's 60 s the first attempt would outlast the test's time limit.
    await expect(peaka.cache.getStatus(ids, { timeout: 300 })).resolves.toEqual(STATUS);
    expect(timedOut[0]).toBe(1);
  });

  it("never retries a 409", async () => {
    const server = await startServer([json(409, { errorCode: "ALREADY_EXISTS", message: "exists" }), json(200, WORKSPACE)]);
    const error = await rejectionOf(
      clientFor(server, { maxRetries: 5 }).workspaces.update({ organizationId: "o", workspaceId: "w", body: { name: "x" } }),
    );
    expect(error).toBeInstanceOf(PeakaConflictError);
    expect(server.requests).toHaveLength(1);
  });

  it("re-sends a PUT body intact on every attempt", async () => {
    const body = { name: "Åsa's workspace 🚀", description: "x".repeat(20_000) };
    const server = await startServer([json(503, {}), resetConnection, json(200, WORKSPACE)]);
    const peaka = clientFor(server, { maxRetries: 3 });
    await expect(peaka.workspaces.update({ organizationId: "o", workspaceId: "w", body })).resolves.toEqual(WORKSPACE);
    expect(server.requests).toHaveLength(3);
    for (const request of server.requests) {
      expect(request.method).toBe("PUT");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(request.body.toString("utf8"))).toEqual(body);
    }
  });
});

describe("non-idempotent requests", () => {
  const create = { organizationId: "o", body: { name: "Analytics" } };

  it("does not retry a POST that got a 503", async () => {
    const server = await startServer([json(503, { message: "busy" }), json(200, WORKSPACE)]);
    const error = await rejectionOf(clientFor(server, { maxRetries: 3 }).workspaces.create(create));
    expect(error).toBeInstanceOf(PeakaServerError);
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry a POST whose connection was reset", async () => {
    const server = await startServer([resetConnection, json(200, WORKSPACE)]);
    const error = await rejectionOf(clientFor(server, { maxRetries: 3 }).workspaces.create(create));
    expect(error).toBeInstanceOf(PeakaConnectionError);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a POST that opts in with retryNonIdempotent, re-sending its body", async () => {
    const server = await startServer([json(503, {}), json(200, WORKSPACE)]);
    await expect(clientFor(server).workspaces.create(create, { retryNonIdempotent: true })).resolves.toEqual(WORKSPACE);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => JSON.parse(r.body.toString()))).toEqual([create.body, create.body]);
  });
});

describe("per-request maxRetries", () => {
  it("allows fewer retries than the client default", async () => {
    const server = await startServer(json(503, {}));
    const error = await rejectionOf(clientFor(server, { maxRetries: 5 }).cache.getStatus(ids, { maxRetries: 1 }));
    expect(error).toBeInstanceOf(PeakaServerError);
    expect(server.requests).toHaveLength(2);
  });

  it("allows more retries than the client default", async () => {
    const server = await startServer([json(503, {}), json(503, {}), json(503, {}), json(200, STATUS)]);
    await expect(clientFor(server, { maxRetries: 0 }).cache.getStatus(ids, { maxRetries: 3 })).resolves.toEqual(STATUS);
    expect(server.requests).toHaveLength(4);
  });

  it("maxRetries 0 sends exactly one request", async () => {
    const server = await startServer([json(503, {}), json(200, STATUS)]);
    await expect(clientFor(server).cache.getStatus(ids, { maxRetries: 0 })).rejects.toBeInstanceOf(PeakaServerError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("aborting", () => {
  it("rejects promptly with PeakaAbortError (cause = reason) when aborted during the wait before a retry", async () => {
    const server = await startServer([json(503, {}, { "retry-after": "30" }), json(200, STATUS)]);
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    let sleeping!: () => void;
    const retrying = new Promise<void>((resolve) => (sleeping = resolve));
    // The transport logs "retrying" (with the wait) just before it starts sleeping.
    const logger = { warn: (message: string, fields?: Record<string, unknown>) => message === "peaka request, retrying" && fields?.["retryInMs"] === 30_000 && sleeping() };
    const pending = clientFor(server, { logger }).cache.getStatus(ids, { signal: controller.signal });
    await retrying;
    await delay(10); // now inside the 30 s sleep
    controller.abort(reason);
    // Without a prompt rejection this would wait 30 s and hit the test timeout.
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe(reason);
    await delay(50);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects with PeakaAbortError when aborted while an attempt is in flight, and closes the connection", async () => {
    const server = await startServer(hang);
    const controller = new AbortController();
    const pending = clientFor(server).cache.getStatus(ids, { signal: controller.signal });
    const first = await server.nthRequest(1);
    controller.abort("stop");
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe("stop");
    expect(await first.closed).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects with PeakaAbortError when aborted while the body is still arriving", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"id":');
    });
    const controller = new AbortController();
    const pending = clientFor(server).cache.getStatus(ids, { signal: controller.signal });
    await server.nthRequest(1);
    await delay(30);
    controller.abort("enough");
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe("enough");
  });

  it("leaves no listener behind on a signal shared by many requests (as a job waiter's is)", async () => {
    const server = await startServer([json(503, {}), json(200, STATUS), json(404, {}), json(200, STATUS)]);
    const peaka = clientFor(server);
    const controller = new AbortController();
    await peaka.cache.getStatus(ids, { signal: controller.signal }); // a retried 503, then 200
    await expect(peaka.cache.getStatus(ids, { signal: controller.signal })).rejects.toBeInstanceOf(PeakaNotFoundError);
    for (let i = 0; i < 12; i++) await peaka.cache.getStatus(ids, { signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("sends nothing when the signal is already aborted", async () => {
    const server = await startServer(json(200, STATUS));
    const error = await rejectionOf(clientFor(server).cache.getStatus(ids, { signal: AbortSignal.abort("early") }));
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe("early");
    expect(server.requests).toHaveLength(0);
  });
});
