// The API key never leaks: not into errors (message, JSON, String, stack, inspect), not into log lines
// (even at debug level with bodies), not into a serialized client. Key-like query values are redacted.
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaClient } from "../../src/client.js";
import {
  createApiError,
  describeRequest,
  PeakaAbortError,
  PeakaApiError,
  PeakaConnectionError,
  PeakaError,
  PeakaNotFoundError,
  PeakaResponseError,
  PeakaServerError,
  PeakaTimeoutError,
} from "../../src/errors.js";
import type { Logger } from "../../src/internal/log.js";
import { clientFor, closeAllServers, hang, json, raw, rejectionOf, resetConnection, startServer } from "../support/servers.js";

afterEach(closeAllServers);

const KEY = "pk_live_SeCrEt_9f8e7d6c5b4a39281706";
const ids = { projectId: "prjA", cacheId: "c-1" };

interface LogCall {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

function capturingLogger(): { logger: Logger; calls: LogCall[] } {
  const calls: LogCall[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => calls.push({ level, message, fields });
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, calls };
}

/** Every way an error might be shown or shipped somewhere. */
function renderings(error: unknown): string[] {
  const e = error as Error;
  return [e.message, JSON.stringify(error), String(error), e.stack ?? "", inspect(error, { depth: 10 }), JSON.stringify(e.cause ?? null)];
}

describe("the API key stays secret", () => {
  it("in errors of every kind, and in every log line at debug level with bodies", async () => {
    const server = await startServer([
      json(404, { errorCode: "NOT_FOUND", message: "no such cache" }), // PeakaNotFoundError
      raw(200, '{"id":', { "content-type": "application/json" }), // PeakaResponseError
      resetConnection, // PeakaConnectionError (after retries)
      hang, // PeakaTimeoutError
      json(503, { message: "down" }), // PeakaServerError
    ]);
    const { logger, calls } = capturingLogger();
    const peaka = clientFor(server, { apiKey: KEY, logger, logLevel: "debug", logBodies: true, maxRetries: 0 });

    const errors = [
      await rejectionOf(peaka.cache.getStatus(ids)),
      await rejectionOf(peaka.cache.getStatus(ids)),
      await rejectionOf(peaka.cache.getStatus(ids)),
      await rejectionOf(peaka.workspaces.update({ organizationId: "o", workspaceId: "w", body: { name: "x" } }, { timeout: 80 })),
    ];
    // the last step (503) answers from here on: one retry (and its log line), then the final error
    errors.push(await rejectionOf(peaka.cache.getStatus(ids, { maxRetries: 1 })));
    errors.push(await rejectionOf(peaka.cache.getStatus(ids, { signal: AbortSignal.abort(new Error("stop")) })));

    expect(errors.map((e) => (e as Error).constructor)).toEqual([
      PeakaNotFoundError,
      PeakaResponseError,
      PeakaConnectionError,
      PeakaTimeoutError,
      PeakaServerError,
      PeakaAbortError,
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(PeakaError);
      for (const text of renderings(error)) expect(text).not.toContain(KEY);
    }
    // the key really was sent, so a leak would have had something to leak
    for (const r of server.requests) expect(r.headers["authorization"]).toBe(`Bearer ${KEY}`);

    expect(calls.length).toBeGreaterThanOrEqual(10);
    expect(calls.some((c) => c.level === "debug" && c.fields?.["body"] === JSON.stringify({ name: "x" }))).toBe(true);
    expect(calls.some((c) => c.message === "peaka request, retrying")).toBe(true);
    for (const call of calls) expect(JSON.stringify(call) + inspect(call, { depth: 10 })).not.toContain(KEY);
    const debugLines = calls.filter((c) => c.level === "debug");
    expect(debugLines.length).toBeGreaterThanOrEqual(5);
    for (const line of debugLines) {
      const headers = line.fields?.["headers"] as Record<string, string>;
      expect(headers["authorization"]).toBe("[redacted]");
      expect(headers["x-peaka-client"]).toMatch(/^peaka-api-typescript\//);
    }
  });

  it("when the key comes from a function, and for a per-request key", async () => {
    // A 401 asks the key function once more (and repeats the request); the second 401 is final.
    const server = await startServer([json(401, { message: "bad key" }), json(401, { message: "bad key" }), json(403, { message: "denied" })]);
    const { logger, calls } = capturingLogger();
    const peaka = clientFor(server, { apiKey: async () => KEY, logger, logLevel: "debug" });
    const errors = [
      await rejectionOf(peaka.cache.getStatus(ids)),
      await rejectionOf(peaka.cache.getStatus(ids, { apiKey: `${KEY}-project` })),
    ];
    for (const error of errors) for (const text of renderings(error)) expect(text).not.toContain(KEY);
    for (const call of calls) expect(JSON.stringify(call)).not.toContain(KEY);
    expect(server.requests.map((r) => r.headers["authorization"])).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`, `Bearer ${KEY}-project`]);
  });

  it("in the serialized and inspected client", () => {
    const peaka = createPeakaClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:9/api/v1", headers: { "X-Team": "data" } });
    expect(JSON.stringify(peaka)).toBe(JSON.stringify({ baseUrl: "http://127.0.0.1:9/api/v1" }));
    expect(inspect(peaka, { depth: 5, showHidden: true })).not.toContain(KEY);
    expect(String(peaka)).not.toContain(KEY);
  });

  it("redacts key-like query values in the paths of errors and log lines", async () => {
    const server = await startServer(resetConnection);
    const { logger, calls } = capturingLogger();
    const peaka = clientFor(server, { apiKey: "other-key", logger, logLevel: "debug", maxRetries: 0 });
    const error = await rejectionOf(
      peaka.GET("/organizations", { params: { query: { api_key: KEY, token: KEY, page: "2" } as never } }),
    );
    expect(error).toBeInstanceOf(PeakaConnectionError);
    const e = error as PeakaConnectionError;
    expect(e.path).toBe("/organizations?api_key=%5Bredacted%5D&token=%5Bredacted%5D&page=2");
    for (const text of renderings(error)) expect(text).not.toContain(KEY);
    for (const call of calls) expect(JSON.stringify(call)).not.toContain(KEY);
    expect(calls.map((c) => c.fields?.["path"])).toContain(e.path);
  });

  it.each(["apiKey", "api-key", "API_KEY", "key", "token", "access_token", "secret", "password", "authorization"])(
    "describeRequest and API errors redact the query value of %s",
    (name) => {
      const url = `https://partner.peaka.studio/api/v1/organizations?${name}=${KEY}&limit=5`;
      expect(describeRequest("get", url)).toEqual({ method: "GET", path: `/api/v1/organizations?${name}=%5Bredacted%5D&limit=5` });
      const error = createApiError({ status: 500, method: "GET", url, bodyText: "" });
      expect(error).toBeInstanceOf(PeakaApiError);
      for (const text of renderings(error)) expect(text).not.toContain(KEY);
    },
  );
});
