// The simulator on a loopback port, for curl, other languages and processes: node:http in front of
// `sim.fetch`. Listens on 127.0.0.1 only. node:http is loaded when a server starts (Node, Bun and
// Deno have it), so the package's main entry still bundles for a browser, where only `sim.fetch` runs.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PeakaSimulator } from "./simulator.js";

export interface ServedSimulator {
  /** `http://127.0.0.1:<port>` followed by the simulator's base path (`/api/v1`). */
  url: string;
  port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

async function handle(sim: PeakaSimulator, origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && chunks.length > 0;
  const answer = await sim.fetch(`${origin}${req.url ?? "/"}`, { method: req.method ?? "GET", headers, ...(hasBody ? { body: Buffer.concat(chunks) } : {}) });
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => (out[name] = value));
  const body = Buffer.from(await answer.arrayBuffer());
  res.writeHead(answer.status, { ...out, "content-length": String(body.length) });
  res.end(body);
}

/** The runtime's node:http; a clear error where there is none (a browser). */
async function nodeHttp(): Promise<typeof import("node:http")> {
  const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:http");
  if (builtin) return builtin as typeof import("node:http");
  // A specifier in a variable: bundlers leave it alone instead of failing to resolve it for a browser.
  const id = "node:http";
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ id)) as typeof import("node:http");
  } catch {
    throw new TypeError("serveSimulator needs node:http (Node, Bun or Deno); in a browser use sim.fetch or the MSW handlers of @peaka/simulator/msw.");
  }
}

/** Serves `sim` on 127.0.0.1 at `port` (default 0: a free port). Needs node:http: Node, Bun or Deno. */
export async function serveSimulator(sim: PeakaSimulator, options: { port?: number } = {}): Promise<ServedSimulator> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`port must be an integer from 0 to 65535, got ${String(port)}`);
  const { createServer } = await nodeHttp();
  const basePath = new URL(sim.baseUrl).pathname.replace(/\/+$/, "");
  let origin = "";
  const server = createServer((req, res) => {
    handle(sim, origin, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: "The simulator failed to answer." }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const actual = (server.address() as AddressInfo).port;
      origin = `http://127.0.0.1:${actual}`;
      resolve({
        url: `${origin}${basePath}`,
        port: actual,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
