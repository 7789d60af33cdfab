// The key stays secret, and the HTTP transport takes each caller's own key. An upstream that echoes
// the Authorization header back (in error bodies and in data) stands in for the worst API answer;
// every tool result, notification and log line of this file is then searched for the key.
import { createHash } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectHttp, listenAsPeaka, connectStdio, FAKE_KEY, startHttp, textOf, transcript, type Connected, type HttpServerProcess } from "./support/harness.js";

const P = "prj4Xq9Z";
let echo: Server;
let echoUrl = "";
const started: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = [];

beforeAll(async () => {
  // Answers every request with what it was sent, key included: a 401 for /organizations/denied, an
  // organization list whose id is derived from the key (so callers with different keys see different
  // data), and a plain echo for anything else.
  echo = createServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    const url = req.url ?? "";
    if (url.startsWith("/api/v1/organizations/denied")) {
      res.writeHead(401, { "content-type": "application/json" });
      return res.end(JSON.stringify({ errorCode: 401, message: `key ${auth} is not valid` }));
    }
    if (url === "/api/v1/organizations") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify([{ id: createHash("sha256").update(auth).digest("hex").slice(0, 12), name: `org of ${auth}` }]));
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ youSent: auth, url, base64: Buffer.from(auth).toString("base64"), escaped: encodeURIComponent(auth) }));
  });
  echoUrl = await listenAsPeaka(echo);
});

afterAll(async () => {
  for (const s of started) await ("close" in s ? s.close() : s.stop());
  echo.close();
});

describe("secrets", () => {
  it("the key never reaches a tool result, an error or a log line (stdio, debug logging on)", async () => {
    const server = await connectStdio(echoUrl, ["--log-level", "debug", "--tools=default,all"]);
    started.push(server);
    const denied = await server.call("call_operation", { operationId: "getOrganization", arguments: { organizationId: "denied" } });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/PeakaAuthenticationError \(HTTP 401/);
    expect(textOf(denied)).toContain("[redacted]");
    const listed = await server.call("list_organizations", {});
    expect(textOf(listed)).toContain("org of Bearer [redacted]");
    expect(JSON.stringify(listed.structuredContent)).toContain("[redacted]");
    const echoed = await server.call("browse", { projectId: P });
    expect(textOf(echoed)).toContain('"youSent":"Bearer [redacted]"');
    // The same key echoed base64-encoded and %-escaped is scrubbed too (@peaka/api's redaction).
    expect(textOf(echoed)).toMatch(/"base64":"[^"]*\[redacted\]/);
    expect(textOf(echoed)).not.toContain(Buffer.from(`Bearer ${FAKE_KEY}`).toString("base64").slice(12, -4));
    expect(textOf(echoed)).not.toContain(encodeURIComponent(FAKE_KEY));
    await server.close();
    expect(server.stderr()).toContain("GET");
    expect(server.stderr()).not.toContain(FAKE_KEY);
  });

  it("no output of this file contains the key", () => {
    expect(transcript.length).toBeGreaterThan(3);
    const hits = transcript.filter((t) => t.includes(FAKE_KEY) || t.includes(FAKE_KEY.slice(8)));
    expect(hits).toEqual([]);
  });
});

describe("Streamable HTTP", () => {
  let http: HttpServerProcess;
  beforeAll(async () => {
    http = await startHttp(inject("prismUrl"));
    started.push(http);
  });

  it("binds to 127.0.0.1 by default", () => {
    expect(http.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it("answers 401 without a bearer key", async () => {
    const res = await fetch(http.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await res.json()).error.message).toContain("Authorization: Bearer");
    const basic = await fetch(http.url, { method: "POST", headers: { authorization: "Basic abc", "content-type": "application/json" }, body: "{}" });
    expect(basic.status).toBe(401);
  });

  it("the SDK client cannot connect without a key", async () => {
    await expect(connectHttp(http.url, "")).rejects.toThrow();
  });

  it("each request uses its caller's key", async () => {
    const mine = await startHttp(echoUrl);
    started.push(mine);
    const a: Connected = await connectHttp(mine.url, "key-of-caller-a-000");
    const b: Connected = await connectHttp(mine.url, "key-of-caller-b-111");
    started.push(a, b);
    const orgA = textOf(await a.call("call_operation", { operationId: "listOrganizations" }));
    const orgB = textOf(await b.call("call_operation", { operationId: "listOrganizations" }));
    expect(orgA).toMatch(/"id":"[0-9a-f]{12}"/);
    expect(orgA).not.toEqual(orgB);
    // Each caller's own key is scrubbed from its own results too.
    expect(orgA).not.toContain("key-of-caller-a-000");
  });

  it("refuses a browser page on another host (DNS rebinding protection)", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(http.url, {
        method: "POST",
        headers: { host: "evil.example", authorization: `Bearer ${FAKE_KEY}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    });
    expect(status).toBe(403);
  });
});
