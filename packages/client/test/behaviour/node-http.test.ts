// The opt-in Node.js transport (`nodeHttpFetch` of @peaka/api/node-http, src/internal/node-http.ts)
// keeps what fetch does beyond the conformance matrix: redirects, decompression, bodies re-sent or
// dropped as fetch would, a cut-off body reported as an error. Each case also runs over the default
// (the runtime's fetch), so the two are held to the same answers.
import { gzipSync, deflateSync, brotliCompressSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaClient, PeakaConnectionError, PeakaError, PeakaRedirectError } from "../../src/index.js";
import { nodeHttpFetch } from "../../src/node-http.js";
import { closeAllServers, json, startServer, type Step } from "../support/servers.js";

afterEach(closeAllServers);

const ids = { projectId: "prjA", cacheId: "c-1" };
const STATUS = { id: "c-1", status: "COMPLETED" };
const TRANSPORTS = [
  ["fetch (default)", undefined],
  ["node:http", nodeHttpFetch],
] as const;

const redirect =
  (status: number, location: string): Step =>
  (_req, res) => {
    res.writeHead(status, { location });
    res.end();
  };

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

  it("gives up after 20 redirects with a PeakaRedirectError, and never retries a redirect loop", async () => {
    const server = await startServer(redirect(302, "/api/v1/again"));
    const peaka = createPeakaClient({ apiKey: "node-http-key", baseUrl: server.baseUrl, maxRetries: 2, retryBackoff: { initialDelayMs: 1 }, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
    const error = await peaka.cache.getStatus(ids).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaRedirectError);
    expect((error as PeakaRedirectError).path).toBe("/data/projects/prjA/cache/c-1/status");
    expect((error as Error).cause).toBeInstanceOf(TypeError); // fetch's own failure, kept
    expect(server.requests).toHaveLength(21);
  });

  it("fails a status outside 200-599 with PeakaConnectionError, never a RangeError", async () => {
    for (const status of [600, 999]) {
      const server = await startServer((req) => {
        req.socket.end(`HTTP/1.1 ${status} Odd\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
      });
      await expect(client(server.baseUrl).cache.getStatus(ids)).rejects.toBeInstanceOf(PeakaConnectionError);
    }
  });

  it("keeps the typed error of an error answer whose header name or status text a Response refuses", async () => {
    const server = await startServer((req) => {
      req.socket.end('HTTP/1.1 404 Not\x01Found\r\nBad Name: x\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{"message":"no"}');
    });
    const error = await client(server.baseUrl).cache.getStatus(ids).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaError);
    expect((error as PeakaError).name).toMatch(/PeakaNotFoundError|PeakaConnectionError/);
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

describe("nodeHttpFetch on its own", () => {
  it("reports a body cut off before its Content-Length as an error, never as a short body", async () => {
    const server = await startServer((req) => {
      req.socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"c-1\"");
      req.socket.end();
    });
    const response = await nodeHttpFetch(`${server.baseUrl}/x`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it("reports a chunked body that stops before its last chunk as an error", async () => {
    const server = await startServer((req) => {
      req.socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"id\r\n");
      req.socket.end();
    });
    const response = await nodeHttpFetch(`${server.baseUrl}/x`);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("reports a %s body cut short as an error, never as a short body", async (encoding, compress) => {
    const packed = compress(Buffer.from(JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ i })) })));
    const cut = packed.subarray(0, packed.length - 8);
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding, "content-length": String(cut.length) });
      res.end(cut);
    });
    const response = await nodeHttpFetch(`${server.baseUrl}/x`);
    await expect(response.text()).rejects.toThrow();
  });

  it("ends an event stream cut off mid-chunk with PeakaConnectionError", async () => {
    const server = await startServer((req) => {
      req.socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n10\r\ndata: {"n":1}\n\n\r\n');
      req.socket.end("20\r\ndata: {");
    });
    const peaka = createPeakaClient({ apiKey: "node-http-key", baseUrl: server.baseUrl, maxRetries: 0, fetch: nodeHttpFetch });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const event of await peaka.agent.stream({ projectId: "prjA", body: { message: "hi" } })) seen.push(event.data);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ n: 1 }]);
    expect(error).toBeInstanceOf(PeakaConnectionError);
  });

  it("rejects, never throws, on a Location that is not a URL and on a status outside 200-599", async () => {
    for (const [head, message] of [
      ["HTTP/1.1 302 Found\r\nLocation: http://[::1\r\n", /Location is not a URL/],
      ["HTTP/1.1 600 Odd\r\n", /invalid response status 600/],
      ["HTTP/1.1 999 Odd\r\n", /invalid response status 999/],
    ] as const) {
      const server = await startServer((req) => {
        req.socket.end(`${head}Content-Length: 0\r\n\r\n`);
      });
      const error = await nodeHttpFetch(`${server.baseUrl}/x`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("takes a URL string or a URL, and rejects a Request", async () => {
    const server = await startServer(json(200, STATUS));
    await expect(nodeHttpFetch(new URL(`${server.baseUrl}/x`)).then((r) => r.json())).resolves.toEqual(STATUS);
    await expect(nodeHttpFetch(new Request(`${server.baseUrl}/x`))).rejects.toThrow(/not a Request/);
    await expect(nodeHttpFetch("not a url")).rejects.toThrow(TypeError);
  });
});
