#!/usr/bin/env node
// peaka-mcp: the MCP server on stdio (the default) or Streamable HTTP. stdout is the protocol on
// stdio, so everything else goes to stderr.
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { LogLevel, PeakaClientOptions, Region } from "@peaka/api";
import { findDeno } from "./code-mode.js";
import { startHttpServer } from "./http.js";
import { createPeakaMcpServer, DEFAULTS, selectTools, toolSelectors, toolsForMode } from "./server.js";
import { VERSION } from "./version.js";

const HELP = `peaka-mcp ${VERSION} — MCP server for the Peaka API

Usage: peaka-mcp [flags]

Transport
  --transport <stdio|http>   stdio (default): the key comes from PEAKA_API_KEY.
                             http: Streamable HTTP at /mcp; every request brings its own key as
                             "Authorization: Bearer <key>" (401 without one).
  --host <address>           HTTP interface to listen on (default 127.0.0.1, this machine only)
  --port <number>            HTTP port (default 3000; 0 picks a free one)

Peaka
  --region <us|eu>           Peaka region (default: PEAKA_REGION, else us)
  --base-url <url>           API base URL, e.g. a proxy (default: PEAKA_BASE_URL, else the region's)

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
      region: { type: "string" },
      "base-url": { type: "string" },
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
  ...(baseUrl ? { baseUrl } : region ? { region: region as Region } : {}),
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

if (flags.transport === "http") {
  const port = integer("port", flags.port, 3000, 0);
  try {
    const http = await startHttpServer({ ...common, host: flags.host ?? "127.0.0.1", port, log: logLevel ? (line) => console.error(line) : undefined });
    console.error(`peaka-mcp ${VERSION}: Streamable HTTP on ${http.url} (${toolCount} tools, ${mode})`);
    const stop = () => void http.close().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
} else if (flags.transport === "stdio") {
  const apiKey = process.env["PEAKA_API_KEY"];
  if (!apiKey) fail("PEAKA_API_KEY is not set: the stdio server calls Peaka with that key.");
  let server;
  try {
    server = createPeakaMcpServer({ ...common, apiKey });
  } catch (error) {
    // PeakaConfigError (bad region or base URL, a key with a line break): its message never holds the key.
    fail(error instanceof Error ? error.message : String(error));
  }
  await server.connect(new StdioServerTransport());
  console.error(`peaka-mcp ${VERSION}: stdio (${toolCount} tools, ${mode})`);
} else {
  fail(`--transport must be stdio or http; got "${flags.transport}".`);
}
