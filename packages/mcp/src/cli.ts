#!/usr/bin/env node
// peaka-mcp: the MCP server on stdio (the default) or Streamable HTTP. stdout is the protocol on
// stdio, so everything else goes to stderr.
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { LogLevel, PeakaClientOptions, Region } from "@peaka/api";
import { findDeno } from "./code-mode.js";
import { startHttpServer } from "./http.js";
import { DEFAULT_KEY_CHECK_TTL_MS } from "./key-check.js";
import { createPeakaMcpServer, DEFAULTS, selectTools, toolSelectors, toolsForMode } from "./server.js";
import { VERSION } from "./version.js";

const HELP = `peaka-mcp ${VERSION} — MCP server for the Peaka API

Usage: peaka-mcp [flags]

Transport
  --transport <stdio|http>   stdio (default): the key comes from PEAKA_API_KEY.
                             http: Streamable HTTP at /mcp; every request brings its own key as
                             "Authorization: Bearer <key>" (401 without one), which Peaka must
                             accept (getKeyInfo; 401 otherwise)
  --host <address>           HTTP interface to listen on (default 127.0.0.1, this machine only);
                             beyond loopback (e.g. 0.0.0.0) needs --allowed-hosts
  --port <number>            HTTP port (default 3000; 0 picks a free one)
  --allowed-hosts <list>     comma-separated host names requests may name in their Host header
                             (any port), besides localhost, 127.0.0.1 and [::1]; other Hosts: 403
  --allowed-origins <list>   comma-separated origins (https://app.example.com) a request's Origin
                             header may name; on a loopback bind loopback origins are allowed too;
                             other Origins: 403
  --key-check-ttl <seconds>  how long a key Peaka accepted is trusted before it is checked again
                             (default ${DEFAULT_KEY_CHECK_TTL_MS / 1000}; 0: on every request)

Peaka
  --region <us|eu>           Peaka region (default: PEAKA_REGION, else us)
  --base-url <url>           API base URL, e.g. a proxy (default: PEAKA_BASE_URL, else the region's)
  --simulator                no account needed: run against @peaka/simulator in this process (a
                             seeded sample shop project; install @peaka/simulator next to
                             @peaka/mcp); stdio only, PEAKA_API_KEY is not read
  --seed <n>                 the simulator's seed (default 1): the same seed, the same ids and rows

Tools
  --tools <list>             comma-separated: default (task tools + meta-tools), task, meta,
                             all (one tool per API operation), or resource names for their
                             operations: ${toolSelectors().slice(4).join(", ")}
                             (default: default)
  --max-rows <n>             most rows run_sql shows (default ${DEFAULTS.maxRows})
  --max-result-chars <n>     longest tool result in characters; longer ones are cut with a note
                             (default ${DEFAULTS.maxResultChars})

Safety (read-only by default)
  --allow-writes             allow calls that create or change data
  --allow-destructive        also allow deletions (needs --allow-writes)
  --list-refused-tools       list the tools these flags refuse too (refused when called); by default
                             only the tools the flags allow are listed

Code mode (opt-in)
  --code-mode                add run_code: the agent's TypeScript runs in a Deno sandbox (no files,
                             no environment, no network but a bridge to this server's operations,
                             under the same safety flags)
  --allow-http-code-mode     allow --code-mode with --transport http (refused without it: the code
                             of every caller whose key Peaka accepts then runs on this machine)
  --deno <path>              the Deno binary (default: PEAKA_MCP_DENO, the deno npm package, or
                             deno on the PATH)

Other
  --log-level <level>        log Peaka requests to stderr: error, warn, info, debug (default: off)
  --list-tools               print the names of the tools the server lists (under the other flags) and exit
  --version                  print the version and exit
  --help                     print this help and exit

Environment: PEAKA_API_KEY (stdio), PEAKA_REGION, PEAKA_BASE_URL.
`;

function fail(message: string): never {
  process.stderr.write(`peaka-mcp: ${message}\n`);
  process.exit(2);
}

/**
 * A Peaka simulator in this process (the optional @peaka/simulator package, loaded only for
 * --simulator): its fetch and partner key, and a line on stderr saying that nothing reaches Peaka.
 */
async function startSimulator(seed: number): Promise<{ fetch: typeof fetch; apiKey: string }> {
  let simulator: typeof import("@peaka/simulator");
  try {
    simulator = await import("@peaka/simulator");
  } catch (error) {
    fail(
      `--simulator needs the @peaka/simulator package next to @peaka/mcp (npm install @peaka/simulator, or npx -y -p @peaka/mcp -p @peaka/simulator peaka-mcp --simulator): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const sim = simulator.createPeakaSimulator({ seed, clock: "real" });
  const { projectId, catalogId, queryId } = sim.seeded;
  console.error(
    `peaka-mcp: SIMULATOR — answering from @peaka/simulator in this process, not from Peaka; no key is needed and nothing leaves this machine. Seed ${seed}: project ${projectId} ("shop"), catalog ${catalogId} ("shop"), saved query ${queryId}.`,
  );
  return { fetch: sim.fetch as typeof fetch, apiKey: sim.partnerKey };
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer of at least ${min}; got "${value}".`);
  return n;
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      transport: { type: "string", default: "stdio" },
      host: { type: "string" },
      port: { type: "string" },
      "allowed-hosts": { type: "string" },
      "allowed-origins": { type: "string" },
      "key-check-ttl": { type: "string" },
      "allow-http-code-mode": { type: "boolean", default: false },
      region: { type: "string" },
      "base-url": { type: "string" },
      simulator: { type: "boolean", default: false },
      seed: { type: "string" },
      tools: { type: "string", default: "default" },
      "max-rows": { type: "string" },
      "max-result-chars": { type: "string" },
      "allow-writes": { type: "boolean", default: false },
      "allow-destructive": { type: "boolean", default: false },
      "list-refused-tools": { type: "boolean", default: false },
      "log-level": { type: "string" },
      "code-mode": { type: "boolean", default: false },
      deno: { type: "string" },
      "list-tools": { type: "boolean", default: false },
      version: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\nRun peaka-mcp --help for the flags.`);
}
const flags = parsed.values;

if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (flags.version) {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}

const tools = flags.tools.split(",").map((s) => s.trim()).filter(Boolean);
try {
  selectTools(tools);
} catch (error) {
  fail((error as Error).message);
}
const safety = { allowWrites: flags["allow-writes"], allowDestructive: flags["allow-destructive"] };
const listed = toolsForMode(selectTools(tools), safety, flags["list-refused-tools"]);
if (flags["list-tools"]) {
  process.stdout.write(`${listed.map((t) => t.name).join("\n")}\n`);
  process.exit(0);
}
if (flags["allow-destructive"] && !flags["allow-writes"]) fail("--allow-destructive needs --allow-writes as well.");
const http = flags.transport === "http";
if (flags.simulator && http) fail("--simulator serves over stdio only: leave out --transport http.");
if (flags.simulator && (flags.region !== undefined || flags["base-url"] !== undefined)) fail("--simulator answers in this process: leave out --region and --base-url.");
if (flags.seed !== undefined && !flags.simulator) fail("--seed goes with --simulator.");
for (const name of ["host", "port", "allowed-hosts", "allowed-origins", "key-check-ttl"] as const) {
  if (!http && flags[name] !== undefined) fail(`--${name} is a flag of HTTP mode: it needs --transport http.`);
}
if (flags["allow-http-code-mode"] && !(http && flags["code-mode"])) fail("--allow-http-code-mode goes with --transport http and --code-mode.");
if (http && flags["code-mode"] && !flags["allow-http-code-mode"]) {
  fail(
    "--code-mode over --transport http runs the code of every caller whose key Peaka accepts on this machine. Add --allow-http-code-mode if that is what you want, or use code mode over stdio.",
  );
}
const list = (value: string | undefined) => (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);

const region = flags.region ?? process.env["PEAKA_REGION"];
const baseUrl = flags["base-url"] ?? process.env["PEAKA_BASE_URL"];
const logLevel = flags["log-level"];
if (logLevel && !["error", "warn", "info", "debug"].includes(logLevel)) fail(`--log-level must be error, warn, info or debug; got "${logLevel}".`);
const stderrLogger = {
  debug: (...a: unknown[]) => console.error(...a),
  info: (...a: unknown[]) => console.error(...a),
  warn: (...a: unknown[]) => console.error(...a),
  error: (...a: unknown[]) => console.error(...a),
};
const client: Omit<PeakaClientOptions, "apiKey"> = {
  // The simulator answers in this process: PEAKA_BASE_URL and PEAKA_REGION do not apply to it.
  ...(flags.simulator ? {} : baseUrl ? { baseUrl } : region ? { region: region as Region } : {}),
  ...(logLevel ? { logger: stderrLogger, logLevel: logLevel as LogLevel } : {}),
};
let codeMode: { deno: string } | undefined;
if (flags["code-mode"]) {
  const deno = findDeno(flags.deno);
  if (!deno) fail("--code-mode needs Deno: install the deno npm package, put deno on the PATH, or pass --deno <path>.");
  codeMode = { deno };
}
const common = {
  client,
  codeMode,
  tools,
  allowWrites: flags["allow-writes"],
  allowDestructive: flags["allow-destructive"],
  listRefusedTools: flags["list-refused-tools"],
  maxRows: integer("max-rows", flags["max-rows"], DEFAULTS.maxRows, 1),
  maxResultChars: integer("max-result-chars", flags["max-result-chars"], DEFAULTS.maxResultChars, 1000),
};
const toolCount = listed.length + (codeMode ? 1 : 0);
const mode = `${common.allowWrites ? (common.allowDestructive ? "writes and deletions allowed" : "writes allowed") : "read-only"}`;

if (http) {
  const port = integer("port", flags.port, 3000, 0);
  const keyCheckTtl = integer("key-check-ttl", flags["key-check-ttl"], DEFAULT_KEY_CHECK_TTL_MS / 1000, 0);
  try {
    const server = await startHttpServer({
      ...common,
      host: flags.host ?? "127.0.0.1",
      port,
      allowedHosts: list(flags["allowed-hosts"]),
      allowedOrigins: list(flags["allowed-origins"]),
      keyCheckTtlMs: keyCheckTtl * 1000,
      allowCodeMode: flags["allow-http-code-mode"],
      log: logLevel ? (line) => console.error(line) : undefined,
    });
    console.error(`peaka-mcp ${VERSION}: Streamable HTTP on ${server.url} (${toolCount} tools, ${mode})`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
} else if (flags.transport === "stdio") {
  let apiKey = process.env["PEAKA_API_KEY"];
  if (flags.simulator) {
    const simulated = await startSimulator(integer("seed", flags.seed, 1, 0));
    apiKey = simulated.apiKey;
    common.client = { ...common.client, fetch: simulated.fetch };
  }
  if (!apiKey) fail("PEAKA_API_KEY is not set: the stdio server calls Peaka with that key.");
  let server;
  try {
    server = createPeakaMcpServer({ ...common, apiKey });
  } catch (error) {
    // PeakaConfigError (bad region or base URL, a key with a line break): its message never holds the key.
    fail(error instanceof Error ? error.message : String(error));
  }
  await server.connect(new StdioServerTransport());
  console.error(`peaka-mcp ${VERSION}: stdio (${toolCount} tools, ${mode}${flags.simulator ? ", on the simulator" : ""})`);
} else {
  fail(`--transport must be stdio or http; got "${flags.transport}".`);
}
