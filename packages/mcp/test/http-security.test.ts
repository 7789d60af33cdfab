// HTTP mode as an attacker tries it: a bind beyond loopback, a forged Host (DNS rebinding), a page
// of another Origin, a made-up bearer, a key revoked while the server runs, code mode over HTTP.
// Peaka stands in as a loopback upstream whose getKeyInfo accepts the keys in `accepted` and answers
// 401 for any other; it records every request, so a test can see that nothing but the key check
// reached it.
import { createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectHttp, listenAsPeaka, startHttp, textOf, type Connected, type HttpServerProcess } from "./support/harness.js";

const GOOD = "key-accepted-by-peaka-0001";
const accepted = new Set<string>();
const seen: Array<{ method: string; path: string; key: string }> = [];
let upstream: Server;
let upstreamUrl = "";
const started: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const path = (req.url ?? "").replace(/^\/api\/v1/, "");
    seen.push({ method: req.method ?? "", path, key });
    res.setHeader("content-type", "application/json");
    if (key === "key-peaka-is-down") {
      res.writeHead(500);
      return res.end(JSON.stringify({ message: "down" }));
    }
    if (!accepted.has(key)) {
      res.writeHead(401);
      return res.end(JSON.stringify({ errorCode: 401, message: `key ${key} is not valid` }));
    }
    if (path === "/info") return res.end(JSON.stringify({ userId: "u-1", email: "dana@example.org" }));
    res.end(JSON.stringify([{ id: "org-1", name: "Org" }]));
  });
  upstreamUrl = await listenAsPeaka(upstream);
});

afterAll(async () => {
  for (const s of started) await ("close" in s ? s.close() : s.stop());
  upstream.close();
});

async function serve(flags: string[] = []): Promise<HttpServerProcess> {
  const http = await startHttp(upstreamUrl, flags);
  started.push(http);
  return http;
}

/** The endpoint on 127.0.0.1 (a server bound to 0.0.0.0 prints that address). */
function local(http: HttpServerProcess): string {
  return http.url.replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${new URL(http.url).port}`);
}

/** A raw tools/list POST (node:http, so that Host and Origin can be set at will): status and body. */
function post(url: string, headers: Record<string, string>, body: unknown = { jsonrpc: "2.0", id: 1, method: "tools/list" }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const CALL = { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "call_operation", arguments: { operationId: "listOrganizations" } } };

describe("binding beyond loopback", () => {
  let wide: HttpServerProcess;
  beforeAll(async () => {
    accepted.add(GOOD);
    wide = await serve(["--host", "0.0.0.0", "--allowed-hosts", "mcp.example.test", "--allowed-origins", "https://app.example.test"]);
  });

  it("warns on stderr, naming what it serves", () => {
    expect(wide.stderr()).toContain("warning: listening on 0.0.0.0");
    expect(wide.stderr()).toContain("mcp.example.test");
    expect(wide.stderr()).toContain("https://app.example.test");
  });

  it("serves the allowed Host (any port) and loopback names", async () => {
    expect((await post(local(wide), { host: "mcp.example.test", authorization: `Bearer ${GOOD}` })).status).toBe(200);
    expect((await post(local(wide), { host: "MCP.example.test:443", authorization: `Bearer ${GOOD}` })).status).toBe(200);
    expect((await post(local(wide), { authorization: `Bearer ${GOOD}` })).status).toBe(200);
  });

  it("Host: evil.example → 403 before the key is looked at", async () => {
    const before = seen.length;
    const r = await post(local(wide), { host: "evil.example", authorization: `Bearer ${GOOD}` });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toContain("Host");
    expect(seen.length).toBe(before);
  });

  it("only the allowed Origin passes: loopback origins are not allowed by default beyond loopback", async () => {
    const auth = { host: "mcp.example.test", authorization: `Bearer ${GOOD}` };
    expect((await post(local(wide), { ...auth, origin: "https://app.example.test" })).status).toBe(200);
    for (const origin of ["https://evil.example", "http://localhost:5173", "null", "https://app.example.test.evil.example"]) {
      const r = await post(local(wide), { ...auth, origin });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body).error.message).toContain("Origin");
    }
  });
});

describe("a loopback bind (the default)", () => {
  let http: HttpServerProcess;
  beforeAll(async () => {
    accepted.add(GOOD);
    http = await serve(["--key-check-ttl", "3600"]);
  });

  it("says nothing about binding beyond loopback", () => {
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(http.stderr()).not.toContain("warning");
  });

  it.each(["evil.example", "evil.example:80", "mcp.example.test", "127.0.0.1.evil.example", "localhost@evil.example"])("Host: %j → 403", async (host) => {
    const before = seen.length;
    const r = await post(http.url, { host, authorization: `Bearer ${GOOD}` });
    expect(r.status).toBe(403);
    expect(seen.length).toBe(before);
  });

  it("no Host header at all (HTTP/1.0) → 403", async () => {
    const { port } = new URL(http.url);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.end(`POST /mcp HTTP/1.0\r\nauthorization: Bearer ${GOOD}\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`);
      });
      let text = "";
      socket.on("data", (c: Buffer) => (text += c.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(head).toMatch(/^HTTP\/1\.\d 403/);
  });

  it("a loopback Origin passes, any other → 403", async () => {
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]:3000"]) {
      expect((await post(http.url, { origin, authorization: `Bearer ${GOOD}` })).status, origin).toBe(200);
    }
    for (const origin of ["https://evil.example", "http://localhost.evil.example", "null", "file://"]) {
      expect((await post(http.url, { origin, authorization: `Bearer ${GOOD}` })).status, origin).toBe(403);
    }
  });

  it("a made-up bearer → 401 before any tool runs: Peaka sees only the key check", async () => {
    const before = seen.length;
    const r = await post(http.url, { authorization: "Bearer made-up-key-123" }, CALL);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ jsonrpc: "2.0", error: { message: expect.stringContaining("Peaka did not accept this key") } });
    expect(JSON.parse(r.body).error.message).not.toContain("made-up-key-123");
    expect(seen.slice(before)).toEqual([{ method: "GET", path: "/info", key: "made-up-key-123" }]);
    await expect(connectHttp(http.url, "made-up-key-456")).rejects.toThrow();
  });

  it("a key Peaka accepts is served; the yes is remembered (one key check for many requests)", async () => {
    const key = "key-accepted-by-peaka-0002";
    accepted.add(key);
    const client: Connected = await connectHttp(http.url, key);
    started.push(client);
    const r = await client.call("call_operation", { operationId: "listOrganizations" });
    expect(textOf(r)).toContain("org-1");
    await client.call("call_operation", { operationId: "listOrganizations" });
    const mine = seen.filter((s) => s.key === key);
    expect(mine.filter((s) => s.path === "/info")).toHaveLength(1);
    expect(mine.filter((s) => s.path === "/organizations")).toHaveLength(2);
    // Revoked now, but trusted for the TTL (an hour here): still served.
    accepted.delete(key);
    expect((await post(http.url, { authorization: `Bearer ${key}` })).status).toBe(200);
  });

  it("Peaka cannot be asked → 503, not a yes", async () => {
    const r = await post(http.url, { authorization: "Bearer key-peaka-is-down" }, CALL);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body).error.message).toContain("could not be asked");
    expect(seen.filter((s) => s.key === "key-peaka-is-down").every((s) => s.path === "/info")).toBe(true);
  });
});

describe("another loopback address", () => {
  it("answers to the address it listens on (127.0.0.2), still not to another host", async () => {
    accepted.add(GOOD);
    const http = await serve(["--host", "127.0.0.2"]);
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/mcp$/);
    expect(http.stderr()).not.toContain("warning");
    expect((await post(http.url, { authorization: `Bearer ${GOOD}` })).status).toBe(200);
    expect((await post(http.url, { host: "evil.example", authorization: `Bearer ${GOOD}` })).status).toBe(403);
  });
});

describe("a key Peaka stops accepting", () => {
  it("stops working once the key check's TTL has passed", async () => {
    const key = "key-revoked-while-serving-0003";
    accepted.add(key);
    const http = await serve(["--key-check-ttl", "1"]);
    expect((await post(http.url, { authorization: `Bearer ${key}` })).status).toBe(200);
    accepted.delete(key);
    // However busy the machine, the next check after the TTL asks Peaka again and gets a 401.
    let last = 0;
    for (let i = 0; i < 250 && last !== 401; i++) {
      await new Promise((r) => setTimeout(r, 100));
      last = (await post(http.url, { authorization: `Bearer ${key}` })).status;
    }
    expect(last).toBe(401);
    expect(seen.filter((s) => s.key === key && s.path === "/info").length).toBeGreaterThanOrEqual(2);
  });
});

describe("code mode over HTTP", () => {
  it("is served with --allow-http-code-mode", async () => {
    accepted.add(GOOD);
    const http = await serve(["--code-mode", "--allow-http-code-mode"]);
    const client = await connectHttp(http.url, GOOD);
    started.push(client);
    const { tools } = await client.client.listTools();
    expect(tools.map((t) => t.name)).toContain("run_code");
  });
});

describe("startHttpServer (the library)", () => {
  it("refuses before listening: a wide bind without allowedHosts, code mode without allowCodeMode", async () => {
    const { startHttpServer } = await import("../src/http.js");
    await expect(startHttpServer({ host: "0.0.0.0", port: 0 })).rejects.toThrow(/Refusing to listen on 0\.0\.0\.0.*allowedHosts/);
    await expect(startHttpServer({ host: "192.0.2.1", port: 0, allowedOrigins: ["https://a.example"] })).rejects.toThrow(/Refusing/);
    await expect(startHttpServer({ port: 0, codeMode: { deno: "deno" } })).rejects.toThrow(/allowCodeMode/);
  });
});
