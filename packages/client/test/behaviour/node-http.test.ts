// The default transport on Node.js (src/internal/node-http.ts) keeps what fetch does beyond the
// conformance matrix: redirects, decompression, bodies re-sent or dropped as fetch would. Each case also
// runs over fetch, so the two are held to the same answers.
import { gzipSync, deflateSync, brotliCompressSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaClient } from "../../src/index.js";
import { defaultFetch, nodeFetch } from "../../src/internal/node-http.js";
import { closeAllServers, json, startServer, type Step } from "../support/servers.js";

afterEach(closeAllServers);

const ids = { projectId: "prjA", cacheId: "c-1" };
const STATUS = { id: "c-1", status: "COMPLETED" };
const TRANSPORTS = [
  ["node:http", undefined],
  ["fetch", (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)],
] as const;

const redirect =
  (status: number, location: string): Step =>
  (_req, res) => {
    res.writeHead(status, { location });
    res.end();
  };

it("is the default on Node.js", () => {
  expect(defaultFetch()).toBe(nodeFetch);
});

describe.each(TRANSPORTS)("over %s", (_name, fetchImpl) => {
  const client = (baseUrl: string) => createPeakaClient({ apiKey: "node-http-key", baseUrl, maxRetries: 0, ...(fetchImpl ? { fetch: fetchImpl } : {}) });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("decompresses a %s answer", async (encoding, compress) => {
    const server = await startServer((req, res) => {
      // Both ask for gzip and deflate, as fetch on Node 20 does; a br answer is decoded all the same.
      expect(String(req.headers["accept-encoding"])).toBe("gzip, deflate");
      res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding });
      res.end(compress(Buffer.from(JSON.stringify(STATUS))));
    });
    await expect(client(server.baseUrl).cache.getStatus(ids)).resolves.toEqual(STATUS);
  });

  it("follows a 302 for a GET, keeping the key on the same origin", async () => {
    const server = await startServer([redirect(302, "/api/v1/moved"), json(200, STATUS)]);
    await expect(client(server.baseUrl).cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(server.requests.map((r) => r.url)).toEqual(["/api/v1/data/projects/prjA/cache/c-1/status", "/api/v1/moved"]);
    expect(server.requests[1]?.headers.authorization).toBe("Bearer node-http-key");
  });

  it("turns a POST into a GET without body on 303, and re-sends it on 307", async () => {
    const body = { query: "SELECT 1" };
    for (const [status, method, sent] of [
      [303, "GET", ""],
      [307, "POST", JSON.stringify(body)],
    ] as const) {
      const server = await startServer([redirect(status, "/api/v1/next"), json(200, { result: "ok" })]);
      await client(server.baseUrl).sql.transpile({ dialect: "mysql", body });
      expect(server.requests[1]?.method).toBe(method);
      expect(server.requests[1]?.body.toString()).toBe(sent);
    }
  });

  it("drops the key when a redirect leaves the origin", async () => {
    const other = await startServer(json(200, STATUS));
    const server = await startServer(redirect(302, `${other.origin}/elsewhere`));
    await expect(client(server.baseUrl).cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("gives up after 20 redirects with a connection error", async () => {
    const server = await startServer(redirect(302, "/api/v1/again"));
    await expect(client(server.baseUrl).cache.getStatus(ids)).rejects.toMatchObject({ name: "PeakaConnectionError" });
    expect(server.requests).toHaveLength(21);
  });

  it("keeps repeated response headers", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"], "x-request-id": "r-1" });
      res.end(JSON.stringify(STATUS));
    });
    const { response } = await client(server.baseUrl).cache.getStatus.withResponse(ids);
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(response.headers.get("x-request-id")).toBe("r-1");
  });
});
