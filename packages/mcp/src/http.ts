// Streamable HTTP: every POST carries the caller's Peaka key as `Authorization: Bearer <key>` and
// is served by a server made for that key (stateless: no session, nothing shared between callers
// but the client cache, which is keyed by a hash of the key). No key: 401.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { connectPeaka, createPeakaMcpServer, type PeakaConnection, type PeakaMcpServerOptions } from "./server.js";

/** Options of `startHttpServer`: those of the MCP server (without the key) plus where to listen. */
export interface PeakaMcpHttpOptions extends Omit<PeakaMcpServerOptions, "apiKey" | "connection"> {
  /** Interface to listen on. Default: "127.0.0.1" (this machine only). */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default: 3000. */
  port?: number;
  /** Receives one line per request and per failure (never a key). Default: none. */
  log?: (line: string) => void;
}

export interface PeakaMcpHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Clients kept per key (by hash), so that a caller's requests share connections and settings. */
const MAX_CLIENTS = 64;

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

function jsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message }, id: null }));
}

/** Starts the Streamable HTTP server at `/mcp`. */
export async function startHttpServer(options: PeakaMcpHttpOptions = {}): Promise<PeakaMcpHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => undefined);
  const clients = new Map<string, PeakaConnection>();
  const connectionFor = (key: string) => {
    const hash = createHash("sha256").update(key).digest("hex");
    let connection = clients.get(hash);
    if (!connection) {
      connection = connectPeaka(key, options.client);
      if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
      clients.set(hash, connection);
    }
    return connection;
  };
  const loopback = host === "127.0.0.1" || host === "localhost" || host === "::1";
  let port = options.port ?? 3000;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/mcp") return jsonRpcError(res, 404, "Not found: the MCP endpoint is /mcp.");
    const key = bearer(req);
    if (!key) {
      log(`${req.method} /mcp: 401 (no bearer key)`);
      return jsonRpcError(res, 401, "Unauthorized: send your Peaka API key as Authorization: Bearer <key>.", { "www-authenticate": 'Bearer realm="peaka-mcp"' });
    }
    let connection: PeakaConnection;
    try {
      connection = connectionFor(key);
    } catch (error) {
      // PeakaConfigError: a key with a line break and the like. Its message never holds the key.
      return jsonRpcError(res, 401, `Unauthorized: ${error instanceof Error ? error.message : "unusable key"}`);
    }
    const server = createPeakaMcpServer({ ...options, apiKey: key, connection });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      // A page in a browser must not reach a server on this machine by DNS rebinding.
      ...(loopback ? { enableDnsRebindingProtection: true, allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`] } : {}),
    });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
    log(`${req.method} /mcp: ${res.statusCode}`);
  };

  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.name : "error"}`);
      if (!res.headersSent) jsonRpcError(res, 500, "Internal error");
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address();
  if (address && typeof address === "object") port = address.port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
