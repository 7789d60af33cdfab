// MCP smoke: starts the installed `peaka-mcp` command (node_modules/.bin, i.e. @peaka/mcp's bin) on
// stdio with the runtime that runs this file, speaks MCP to it as newline-delimited JSON-RPC, and
// checks the handshake, the tool list, a task tool against the mock, a refused write, and that the key
// appears nowhere. Usage: node mcp-smoke.mjs <baseUrl>. Prints one JSON report line like the others.
// PEAKA_MCP_BIN=<path> starts that file instead (pack:consume: the workspace's packages/mcp/dist/cli.js).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const baseUrl = process.argv[2] ?? process.env.PEAKA_BASE_URL;
if (!baseUrl) throw new Error("usage: mcp-smoke.mjs <baseUrl>");
const KEY = "mcp-smoke-key-5e1d7c";
const require = createRequire(import.meta.url);
function installedBin() {
  const pkgJson = require.resolve("@peaka/mcp/package.json");
  return join(dirname(pkgJson), require(pkgJson).bin["peaka-mcp"]);
}
const bin = process.env.PEAKA_MCP_BIN || installedBin();

const child = spawn(process.execPath, [bin], { env: { ...process.env, PEAKA_API_KEY: KEY, PEAKA_BASE_URL: baseUrl }, stdio: ["pipe", "pipe", "pipe"] });
let stdout = "";
let stderr = "";
const waiting = new Map();
child.stderr.on("data", (c) => (stderr += c));
child.stdout.on("data", (c) => {
  stdout += c;
  let nl;
  while ((nl = stdout.indexOf("\n")) >= 0) {
    const line = stdout.slice(0, nl);
    stdout = stdout.slice(nl + 1);
    const msg = JSON.parse(line);
    waiting.get(msg.id)?.(msg);
  }
});
let nextId = 1;
const seen = [];
function rpc(method, params) {
  const id = nextId++;
  child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${method}\n${stderr}`)), 30_000);
    waiting.set(id, (msg) => {
      clearTimeout(timer);
      seen.push(JSON.stringify(msg));
      msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result);
    });
  });
}
function check(condition, message) {
  if (!condition) throw new Error(`mcp smoke check failed: ${message}\n${stderr}`);
}

const lines = [];
try {
  const init = await rpc("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mcp-smoke", version: "0" } });
  check(init.serverInfo?.name === "peaka-mcp", "serverInfo.name is peaka-mcp");
  child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
  lines.push(`initialize: ${init.serverInfo.name} ${init.serverInfo.version}`);
  const { tools } = await rpc("tools/list", {});
  check(tools.some((t) => t.name === "run_sql") && tools.some((t) => t.name === "call_operation"), "run_sql and call_operation are listed");
  lines.push(`tools/list: ${tools.length} tools`);
  const sql = await rpc("tools/call", { name: "run_sql", arguments: { projectId: "prj4Xq9Z", statement: "SELECT customer_id, total FROM orders WHERE total > ?", params: [10] } });
  check(!sql.isError && /^2 rows/.test(sql.content[0].text), `run_sql answers rows (got ${JSON.stringify(sql)})`);
  lines.push("run_sql: rows from the mock");
  const write = await rpc("tools/call", { name: "call_operation", arguments: { operationId: "deleteCatalog", arguments: { projectId: "prj4Xq9Z", catalogId: "1" } } });
  check(write.isError && write.content[0].text.includes("--allow-writes"), "a deletion is refused, naming the flag");
  lines.push("deleteCatalog refused without --allow-writes/--allow-destructive");
  check(![...seen, stderr].some((s) => s.includes(KEY)), "the key appears in no answer and no log line");
  lines.push("key absent from every answer and stderr");
  console.log(JSON.stringify({ ok: true, format: "mcp-stdio", resolved: `file://${bin}`, lines }));
} finally {
  child.kill();
}
