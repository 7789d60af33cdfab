// How answers that are not the promised data surface: every non-2xx status as its own error class,
// non-JSON error pages, broken 2xx bodies and empty answers.
import { afterEach, describe, expect, it } from "vitest";
import {
  PeakaApiError,
  PeakaAuthenticationError,
  PeakaBadRequestError,
  PeakaConflictError,
  PeakaConnectionError,
  PeakaError,
  PeakaNotFoundError,
  PeakaPermissionDeniedError,
  PeakaRateLimitError,
  PeakaResponseError,
  PeakaServerError,
} from "../../src/errors.js";
import { clientFor, closeAllServers, empty, json, raw, rejectionOf, startServer } from "../support/servers.js";

afterEach(closeAllServers);

const ids = { projectId: "prjA", cacheId: "c-1" };
// The operation's path: without the base URL's own /api/v1.
const statusPath = "/data/projects/prjA/cache/c-1/status";

const HTML_502 = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.25.3</center></body></html>`;

describe("non-2xx answers", () => {
  it("turns an HTML 502 page from a proxy into a PeakaServerError with a text excerpt, not a SyntaxError", async () => {
    const server = await startServer(raw(502, HTML_502, { "content-type": "text/html" }));
    const error = await rejectionOf(clientFor(server, { maxRetries: 0 }).cache.getStatus(ids));

    expect(error).toBeInstanceOf(PeakaServerError);
    expect(error).not.toBeInstanceOf(SyntaxError);
    const e = error as PeakaServerError;
    expect(e.status).toBe(502);
    expect(e.errorCode).toBeUndefined();
    expect(e.message).toContain("502 Bad Gateway");
    expect(e.message).toContain("nginx/1.25.3");
    expect(e.message).not.toContain("<html>");
    expect(e.detail).toBe("502 Bad Gateway 502 Bad Gateway nginx/1.25.3");
    expect(e.body).toBe(HTML_502);
  });

  it("throws PeakaNotFoundError with Peaka's errorCode, message, method, path, request id and body", async () => {
    const body = { errorCode: "NOT_FOUND", message: "Cache c-1 does not exist" };
    const server = await startServer(json(404, body, { "x-request-id": "req-7f3a" }));
    const error = await rejectionOf(clientFor(server).cache.getStatus(ids));

    expect(error).toBeInstanceOf(PeakaNotFoundError);
    const e = error as PeakaNotFoundError;
    expect(e.status).toBe(404);
    expect(e.errorCode).toBe("NOT_FOUND");
    expect(e.detail).toBe("Cache c-1 does not exist");
    expect(e.message).toBe(`404 GET ${statusPath} (getCacheStatus): Cache c-1 does not exist`);
    expect(e.operationId).toBe("getCacheStatus");
    expect(e.pathTemplate).toBe("/data/projects/{projectId}/cache/{cacheId}/status");
    expect(e.method).toBe("GET");
    expect(e.path).toBe(statusPath);
    expect(e.requestId).toBe("req-7f3a");
    expect(JSON.parse(e.body)).toEqual(body);
    expect(server.requests).toHaveLength(1); // 404 is not retried
  });

  it("keeps a numeric errorCode as a number", async () => {
    const server = await startServer(json(404, { errorCode: 40401, message: "No such project" }));
    const e = (await rejectionOf(clientFor(server).cache.getStatus(ids))) as PeakaNotFoundError;
    expect(e).toBeInstanceOf(PeakaNotFoundError);
    expect(e.errorCode).toBe(40401);
    expect(e.detail).toBe("No such project");
  });

  it.each([
    [400, PeakaBadRequestError],
    [401, PeakaAuthenticationError],
    [403, PeakaPermissionDeniedError],
    [404, PeakaNotFoundError],
    [409, PeakaConflictError],
    [429, PeakaRateLimitError],
    [500, PeakaServerError],
    [502, PeakaServerError],
    [503, PeakaServerError],
    [504, PeakaServerError],
    [418, PeakaApiError],
  ] as const)("maps status %i to %O", async (status, ErrorClass) => {
    const server = await startServer(json(status, { errorCode: `E${status}`, message: `status ${status}` }));
    const error = await rejectionOf(clientFor(server, { maxRetries: 0 }).cache.getStatus(ids));

    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(PeakaApiError);
    expect(error).toBeInstanceOf(PeakaError);
    expect(Object.getPrototypeOf(error)).toBe(ErrorClass.prototype); // the most specific class, not a sibling
    const e = error as PeakaApiError;
    expect(e.name).toBe(ErrorClass.name);
    expect(e.status).toBe(status);
    expect(e.errorCode).toBe(`E${status}`);
    expect(e.message).toContain(`status ${status}`);
  });
});

describe("2xx answers that are not what was promised", () => {
  it("throws PeakaResponseError for a 200 with truncated JSON", async () => {
    const truncated = '{"id":"c-1","status":"RUNN';
    const server = await startServer(raw(200, truncated, { "content-type": "application/json" }));
    const error = await rejectionOf(clientFor(server).cache.getStatus(ids));

    expect(error).toBeInstanceOf(PeakaResponseError);
    const e = error as PeakaResponseError;
    expect(e.status).toBe(200);
    expect(e.method).toBe("GET");
    expect(e.path).toBe(statusPath);
    expect(e.body).toBe(truncated);
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  it("throws a typed PeakaConnectionError when the connection drops in the middle of a 200 body", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
      res.write('{"id":"c-1","status":"RUNNING","catalogId":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await rejectionOf(clientFor(server).cache.getStatus(ids));
    expect(error).toBeInstanceOf(PeakaConnectionError);
    expect((error as PeakaConnectionError).path).toBe(statusPath);
  });

  // The result type of a JSON operation is `| undefined` only where the spec allows an empty answer
  // (none does today), so an empty answer to one is a PeakaResponseError, not an `undefined` typed as data.
  it("resolves undefined for an empty 204 on an operation without content; PeakaResponseError on one that promises JSON", async () => {
    const server = await startServer(empty(204));
    const peaka = clientFor(server);
    const error = await rejectionOf(peaka.cache.getStatus(ids));
    expect(error).toBeInstanceOf(PeakaResponseError);
    expect((error as PeakaResponseError).status).toBe(204);
    expect((error as PeakaResponseError).message).toMatch(/empty/);
    await expect(peaka.workspaces.delete({ organizationId: "org1", workspaceId: "ws1" })).resolves.toBeUndefined();
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "DELETE"]);
  });

  it("throws PeakaResponseError for a 200 with an empty body on a JSON operation", async () => {
    const server = await startServer(raw(200, "", { "content-type": "application/json" }));
    const error = await rejectionOf(clientFor(server).cache.getStatus.withResponse(ids));
    expect(error).toBeInstanceOf(PeakaResponseError);
    expect((error as PeakaResponseError).status).toBe(200);
  });
});
