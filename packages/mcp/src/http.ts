// Streamable HTTP: every request carries the caller's Peaka key as `Authorization: Bearer <key>` and
// is served by a server made for that key (stateless: no session, nothing shared between callers
// but the client cache and the key checks, both keyed by a hash of the key).
//
// Before a request reaches the MCP server, in this order:
//   1. Host: its host name must be a loopback name (or the loopback address listened on) or one of
//      `allowedHosts` (403 otherwise), in every bind mode: a page in a browser must not reach this
//      server by DNS rebinding.
//   2. Origin, when the request has one: a loopback origin (loopback bind only) or one of
//      `allowedOrigins` (403 otherwise), as the MCP transport rules require.
//   3. The bearer key: none, 401; then Peaka is asked whether it accepts the key (getKeyInfo), and a
//      yes is remembered by the key's hash for `keyCheckTtlMs` (401 when Peaka refuses it, 503 when
//      Peaka cannot be asked).
// The SDK's own checks (`allowedHosts` / `allowedOrigins` / `enableDnsRebindingProtection` of its
// transport) are deprecated in the SDK in favour of middleware, compare the Host header with its
// port, and only run when configured; its replacement (`hostHeaderValidation`) is Express middleware.
// The checks here follow that middleware's rule (host name, any port) on node:http.
import { isIP } from "node:net";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { PeakaApiError } from "@peaka/api";
import { KeyCheckCache, keyHash, type KeyVerdict } from "./key-check.js";
import { connectPeaka, createPeakaMcpServer, type PeakaConnection, type PeakaMcpServerOptions } from "./server.js";

/** Options of `startHttpServer`: those of the MCP server (without the key) plus where to listen and whom to serve. */
export interface PeakaMcpHttpOptions extends Omit<PeakaMcpServerOptions, "apiKey" | "connection"> {
  /**
   * Interface to listen on. Default: "127.0.0.1" (this machine only). Any address beyond loopback
   * (e.g. "0.0.0.0") needs `allowedHosts`, and a warning is written to stderr.
   */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default: 3000. */
  port?: number;
  /**
   * Host names (no port: any port matches) that requests may name in their `Host` header, besides
   * `localhost`, `127.0.0.1` and `[::1]`, which are always allowed. Required to listen beyond
   * loopback. Default: none.
   */
  allowedHosts?: readonly string[];
  /**
   * Origins (`https://app.example.com`) a request's `Origin` header may name. On a loopback bind,
   * loopback origins (`http://localhost:<any port>` and the like) are allowed too. A request without
   * an `Origin` header is not affected. Default: none.
   */
  allowedOrigins?: readonly string[];
  /**
   * How long a key Peaka accepted is trusted before Peaka is asked again, in milliseconds; 0 asks
   * on every request. A key Peaka stops accepting stops working here at most this much later.
   * Default: 60000 (60 s).
   */
  keyCheckTtlMs?: number;
  /**
   * Serve `run_code` (`codeMode`) over HTTP. Without it, `codeMode` is refused: over HTTP, code mode
   * runs the code of every caller whose key Peaka accepts on this machine. Default: false.
   */
  allowCodeMode?: boolean;
  /** Receives one line per request and per failure (never a key). Default: none. */
  log?: (line: string) => void;
  /** Receives the warning written when listening beyond loopback. Default: writes it to stderr. */
  warn?: (line: string) => void;
}

export interface PeakaMcpHttpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:3000/mcp */
  readonly url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Clients kept per key (by hash), so that a caller's requests share connections and settings. */
const MAX_CLIENTS = 64;
/** Host names that always name this machine. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** Whether `host` (an address or a name to listen on) is this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1" || bare === "0:0:0:0:0:0:0:1";
}

/** The host name of a `Host` header value (`example.com:8080` → `example.com`), lower case; undefined when it does not parse. */
function hostName(value: string): string | undefined {
  if (!value || /[\s/@?#\\]/.test(value)) return undefined;
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    return undefined;
  }
}

/** Checks and normalizes `allowedHosts`: bare host names or addresses, no scheme, port or wildcard. */
function checkAllowedHosts(hosts: readonly string[]): string[] {
  return hosts.map((h) => {
    const name = hostName(h.trim());
    if (!name || name.includes("*") || h.includes("*") || name !== h.trim().toLowerCase()) {
      throw new Error(`allowedHosts: "${h}" is not a host name (give names like mcp.example.com, without scheme, port or wildcard).`);
    }
    return name;
  });
}

/** Checks and normalizes `allowedOrigins`: scheme, host and optional port, nothing else. */
function checkAllowedOrigins(origins: readonly string[]): string[] {
  return origins.map((o) => {
    let origin: string | undefined;
    try {
      const u = new URL(o.trim());
      if ((u.protocol === "http:" || u.protocol === "https:") && `${u.origin}` === o.trim().replace(/\/$/, "").toLowerCase()) origin = u.origin;
    } catch {
      // reported below
    }
    if (!origin) throw new Error(`allowedOrigins: "${o}" is not an origin (give scheme, host and optional port, e.g. https://app.example.com).`);
    return origin;
  });
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

function jsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message }, id: null }));
}

/** Asks Peaka whether it accepts `connection`'s key. Never reports Peaka's message: it may echo the key. */
async function askPeaka(connection: PeakaConnection): Promise<KeyVerdict> {
  try {
    await connection.peaka.info.get();
    return { ok: true };
  } catch (error) {
    if (error instanceof PeakaApiError && (error.status === 401 || error.status === 403)) {
      return { ok: false, refused: true, reason: `Peaka did not accept this key (HTTP ${error.status} from getKeyInfo)` };
    }
    const what = error instanceof PeakaApiError ? `HTTP ${error.status}` : error instanceof Error ? error.name : "error";
    return { ok: false, refused: false, reason: `Peaka could not be asked whether it accepts this key (${what})` };
  }
}

/**
 * Starts the Streamable HTTP server at `/mcp`. Throws before listening when `host` is beyond
 * loopback without `allowedHosts`, when `codeMode` is set without `allowCodeMode`, or when an
 * allowed host or origin does not parse.
 */
export async function startHttpServer(options: PeakaMcpHttpOptions = {}): Promise<PeakaMcpHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const loopback = isLoopback(host);
  const allowedHosts = new Set([...LOOPBACK_NAMES, ...checkAllowedHosts(options.allowedHosts ?? [])]);
  // A loopback bind answers to its own address too (127.0.0.2 and the like).
  const bound = loopback ? hostName(isIP(host) === 6 ? `[${host}]` : host) : undefined;
  if (bound) allowedHosts.add(bound);
  const allowedOrigins = new Set(checkAllowedOrigins(options.allowedOrigins ?? []));
  if (!loopback && !options.allowedHosts?.length) {
    throw new Error(
      `Refusing to listen on ${host}: beyond this machine, HTTP mode needs the host names clients use to reach it (allowedHosts, --allowed-hosts mcp.example.com). Listen on 127.0.0.1 (the default) to serve this machine only.`,
    );
  }
  if (options.codeMode && !options.allowCodeMode) {
    throw new Error(
      "Code mode over HTTP runs the code of every caller whose key Peaka accepts on this machine; it needs an explicit allowCodeMode (--allow-http-code-mode).",
    );
  }
  const log = options.log ?? (() => undefined);
  const keyChecks = new KeyCheckCache(options.keyCheckTtlMs !== undefined ? { ttlMs: options.keyCheckTtlMs } : {});
  const clients = new Map<string, PeakaConnection>();
  const connectionFor = (key: string) => {
    const hash = keyHash(key);
    let connection = clients.get(hash);
    if (!connection) {
      connection = connectPeaka(key, options.client);
      if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value!);
      clients.set(hash, connection);
    }
    return connection;
  };
  const originAllowed = (origin: string) => {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (parsed.origin === "null" || `${parsed.origin}` !== origin.toLowerCase()) return false;
    if (allowedOrigins.has(parsed.origin)) return true;
    return loopback && (parsed.protocol === "http:" || parsed.protocol === "https:") && LOOPBACK_NAMES.includes(parsed.hostname);
  };
  let port = options.port ?? 3000;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const name = hostName(req.headers.host ?? "");
    if (!name || !allowedHosts.has(name)) {
      log(`${req.method} ${req.url}: 403 (Host not allowed)`);
      return jsonRpcError(res, 403, `Forbidden: the Host header${name ? ` names ${name}, which` : ""} is not one this server answers to (see --allowed-hosts).`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) {
      log(`${req.method} ${req.url}: 403 (Origin not allowed)`);
      return jsonRpcError(res, 403, "Forbidden: requests from this Origin are not allowed (see --allowed-origins).");
    }
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
    const verdict = await keyChecks.check(key, () => askPeaka(connection));
    if (!verdict.ok) {
      log(`${req.method} /mcp: ${verdict.refused ? 401 : 503} (${verdict.reason})`);
      if (verdict.refused) {
        clients.delete(keyHash(key));
        return jsonRpcError(res, 401, `Unauthorized: ${verdict.reason}.`, { "www-authenticate": 'Bearer realm="peaka-mcp", error="invalid_token"' });
      }
      return jsonRpcError(res, 503, `Service unavailable: ${verdict.reason}; try again.`, { "retry-after": "5" });
    }
    const server = createPeakaMcpServer({ ...options, apiKey: key, connection });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
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
  if (!loopback) {
    const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
    warn(
      `peaka-mcp: warning: listening on ${shown}:${port}, beyond this machine. Served: Host ${[...allowedHosts].join(", ")}; ` +
        `Origin ${allowedOrigins.size ? [...allowedOrigins].join(", ") : "none (requests without Origin only)"}; every key is checked with Peaka. ` +
        "Keys travel in the Authorization header: put TLS in front of this server.",
    );
  }
  return {
    url: `http://${shown}:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
