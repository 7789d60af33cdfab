// The client sends through the fetch of the user's environment, looked up at each call: a global fetch
// stub, undici's MockAgent and a proxy dispatcher installed with setGlobalDispatcher all see its
// requests, even when they were installed after the client was made. The opt-in `nodeHttpFetch`
// (@peaka/api/node-http) talks to the network itself and sees none of them. Each sentence of the README's
// "Supported runtimes" paragraph on proxies and mocks is one test here.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { EnvHttpProxyAgent, getGlobalDispatcher, MockAgent, ProxyAgent, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPeakaClient, createPeakaCore, getCacheStatus } from "../../src/index.js";
import { nodeHttpFetch } from "../../src/node-http.js";
import { closeAllServers, json, startServer } from "../support/servers.js";

const KEY = "sk-user-fetch-key-4Rt7Yq";
const ids = { projectId: "prjA", cacheId: "c-1" };
const STATUS = { id: "c-1", status: "COMPLETED" };

const original = getGlobalDispatcher();
const proxies: Server[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  setGlobalDispatcher(original);
  for (const proxy of proxies.splice(0)) await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await closeAllServers();
});

/**
 * A loopback HTTP proxy: CONNECT tunnels and absolute-form requests, each recorded (`seen`: the target
 * host:port of a tunnel, or the absolute URL of a forwarded request).
 */
async function startProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const proxy = createServer((req: IncomingMessage, res) => {
    seen.push(req.url ?? "");
    const forward = httpRequest(req.url ?? "", { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  proxy.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host as string, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream).add(client);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  proxy.on("close", () => sockets.forEach((s) => s.destroy()));
  proxy.on("connection", (s: Socket) => sockets.add(s));
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxies.push(proxy);
  const close = proxy.close.bind(proxy);
  proxy.close = ((cb?: (err?: Error) => void) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  }) as typeof proxy.close;
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, seen };
}

describe("by default: the runtime's fetch, looked up at each call", () => {
  it("calls a global fetch stubbed after the client was made, once per call, with the SDK's request", async () => {
    const peaka = createPeakaClient({ apiKey: KEY, baseUrl: "http://peaka.test/api/v1", maxRetries: 0 });
    const core = createPeakaCore({ apiKey: KEY, baseUrl: "http://peaka.test/api/v1", maxRetries: 0 });
    const stub = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => Response.json(STATUS));
    vi.stubGlobal("fetch", stub);
    await expect(peaka.cache.getStatus(ids)).resolves.toEqual(STATUS);
    await expect(getCacheStatus(core, ids)).resolves.toEqual(STATUS);
    await expect(peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", { params: { path: ids } })).resolves.toMatchObject({ data: STATUS });
    expect(stub).toHaveBeenCalledTimes(3);
    const [url, init] = stub.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("http://peaka.test/api/v1/data/projects/prjA/cache/c-1/status");
    expect((init.headers as Record<string, string>)["authorization"]).toBe(`Bearer ${KEY}`);
  });

  it("is intercepted by an undici MockAgent installed with setGlobalDispatcher", async () => {
    const peaka = createPeakaClient({ apiKey: KEY, baseUrl: "http://peaka.test/api/v1", maxRetries: 0 });
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get("http://peaka.test")
      .intercept({ path: "/api/v1/data/projects/prjA/cache/c-1/status", method: "GET", headers: { authorization: `Bearer ${KEY}` } })
      .reply(200, STATUS, { headers: { "content-type": "application/json" } });
    setGlobalDispatcher(agent);
    await expect(peaka.cache.getStatus(ids)).resolves.toEqual(STATUS);
    agent.assertNoPendingInterceptors();
  });

  it.each([
    ["ProxyAgent", (proxy: string): Dispatcher => new ProxyAgent(proxy)],
    ["EnvHttpProxyAgent", (proxy: string): Dispatcher => new EnvHttpProxyAgent({ httpProxy: proxy, httpsProxy: proxy, noProxy: "" })],
  ])("goes through a proxy set with setGlobalDispatcher(new %s(...))", async (_name, make) => {
    const server = await startServer(json(200, STATUS));
    const proxy = await startProxy();
    const peaka = createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, maxRetries: 0 });
    setGlobalDispatcher(make(proxy.url));
    await expect(peaka.cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]).toContain(new URL(server.origin).host);
    expect(server.requests).toHaveLength(1);
  });
});

describe("the opt-in nodeHttpFetch (@peaka/api/node-http)", () => {
  it("does not call a stubbed global fetch", async () => {
    const server = await startServer(json(200, STATUS));
    const stub = vi.fn(async () => Response.json({ id: "from-stub" }));
    vi.stubGlobal("fetch", stub);
    const peaka = createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, maxRetries: 0, fetch: nodeHttpFetch });
    await expect(peaka.cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(stub).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(1);
  });

  it("is not intercepted by a MockAgent nor sent through a proxy dispatcher", async () => {
    const server = await startServer(json(200, STATUS));
    const proxy = await startProxy();
    const peaka = createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, maxRetries: 0, fetch: nodeHttpFetch });
    const agent = new MockAgent();
    agent.disableNetConnect();
    setGlobalDispatcher(agent);
    await expect(peaka.cache.getStatus(ids)).resolves.toEqual(STATUS);
    setGlobalDispatcher(new ProxyAgent(proxy.url));
    await expect(peaka.cache.getStatus(ids)).resolves.toEqual(STATUS);
    expect(proxy.seen).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });
});
