// pnpm inspector:check — drives the PACKED MCP server with a client we did not write: the official MCP
// Inspector CLI (@modelcontextprotocol/inspector, pinned in NPM_RUNTIMES) over stdio. The tarballs of
// @peaka/api-types, @peaka/api and @peaka/mcp are installed outside the workspace (lib.ts, as
// pack:consume does); the server is that project's node_modules/@peaka/mcp/dist/cli.js on this Node
// (20), against a Prism mock started here; the Inspector itself runs on Node 22 (its engines ask for
// >=22.19), from the `node` npm package the runtime matrix uses. Three calls: tools/list, a task tool
// (run_sql with a SELECT), and a refusal (a DELETE through run_sql on the read-only default: the
// Inspector reports the tool's isError and the text says why). Build first: the root script does.
import { startPrismMock } from "@peaka/mock";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, createConsumerProject, elapsed, NPM_RUNTIMES, npmTool, run } from "./lib.js";

const KEY = "inspector-check-key-8c2f0a";
const P = "prj4Xq9Z";
const started = Date.now();
const failures: string[] = [];
const node22 = npmTool(NPM_RUNTIMES.node22, "node");
const inspector = realpathSync(npmTool(NPM_RUNTIMES.inspector, "mcp-inspector"));
const project = createConsumerProject("inspector");
const mock = await startPrismMock();
try {
  const server = join(project.dir, "node_modules", "@peaka", "mcp", "dist", "cli.js");
  const inspect = (args: string[]) =>
    run(node22, [inspector, "--cli", process.execPath, server, "-e", `PEAKA_API_KEY=${KEY}`, "-e", `PEAKA_BASE_URL=${mock.url}`, ...args], {
      cwd: project.dir,
      // The Inspector's catalog of servers goes to the temp project, not to ~/.mcp-inspector.
      env: cleanEnv({ MCP_CATALOG_PATH: join(project.dir, "inspector-catalog.json") }),
    });
  const version = await run(node22, [inspector, "--version"], { cwd: project.dir });
  console.log(`MCP Inspector ${version.stdout.trim()} (${NPM_RUNTIMES.inspector}) on Node ${(await run(node22, ["--version"], { cwd: project.dir })).stdout.trim()}; server on Node ${process.versions.node}`);

  const checks: Array<[label: string, args: string[], check: (out: string, code: number | null) => string | undefined]> = [
    [
      "tools/list",
      ["--method", "tools/list"],
      (out, code) => {
        const names = (JSON.parse(out) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
        if (code !== 0) return `exit ${code}`;
        return ["run_sql", "browse", "call_operation"].every((n) => names.includes(n)) ? undefined : `tools listed: ${names.join(", ")}`;
      },
    ],
    [
      "tools/call run_sql (SELECT)",
      ["--method", "tools/call", "--tool-name", "run_sql", "--tool-arg", `projectId=${P}`, "statement=SELECT customer_id, total FROM orders"],
      (out, code) => {
        const result = JSON.parse(out) as { isError?: boolean; content: Array<{ text: string }> };
        return code === 0 && !result.isError && /^\d+ rows, \d+ columns/.test(result.content[0]?.text ?? "") ? undefined : `exit ${code}: ${out}`;
      },
    ],
    [
      "tools/call run_sql (DELETE, read-only): refused",
      ["--method", "tools/call", "--tool-name", "run_sql", "--tool-arg", `projectId=${P}`, "statement=DELETE FROM orders WHERE total > 0"],
      (out) => {
        // The Inspector prints the result, then its own verdict on a tool error, and exits non-zero.
        const result = JSON.parse(out.slice(0, out.lastIndexOf("\n}") + 2)) as { isError?: boolean; content: Array<{ text: string }> };
        const text = result.content[0]?.text ?? "";
        return result.isError === true && text.startsWith("Refused:") && text.includes("read-only") ? undefined : `not refused: ${out}`;
      },
    ],
  ];
  for (const [label, args, check] of checks) {
    const r = await inspect(args);
    let problem: string | undefined;
    try {
      problem = check(r.stdout, r.code);
    } catch (error) {
      problem = `unreadable output (${(error as Error).message}): ${r.stdout}`;
    }
    if (!problem && `${r.stdout}${r.stderr}`.includes(KEY)) problem = "the key appears in the Inspector's output or the server's stderr";
    console.log(`${problem ? "FAIL" : "ok  "} ${label} (${(r.ms / 1000).toFixed(1)} s)`);
    if (problem) failures.push(`${label}: ${problem}\n${r.stderr}`);
  }
} finally {
  await mock.stop();
  project.remove();
}
if (failures.length) {
  console.error(`\n${failures.join("\n\n")}`);
  console.error(`inspector check FAILED (${elapsed(started)})`);
  process.exit(1);
}
console.log(`inspector check passed (${elapsed(started)})`);
