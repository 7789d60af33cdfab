// pnpm test:runtimes — the smoke program (consumer/smoke.mjs) against a Prism mock on Node 20, 22 and
// 24, Bun, Deno and headless Chromium (and on each Node, @peaka/mcp's stdio server: consumer/mcp-smoke.mjs), each using the packed packages installed with npm in a project
// outside the workspace. Node 22/24, Bun and Deno come from their npm packages, installed once (pinned)
// into ~/.cache/peaka-sdk-runtimes (PEAKA_RUNTIMES_DIR overrides). Chromium is Debian's
// /usr/bin/chromium (CHROMIUM_PATH overrides), driven by playwright-core; without it the column is
// skipped with a message (RUNTIMES_REQUIRE_CHROMIUM=1 makes that a failure). Prints a table.
import { startPrismMock } from "@peaka/mock";
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { chromium } from "playwright-core";
import { cleanEnv, createConsumerProject, elapsed, isInside, NPM_RUNTIMES, npmTool, run, smokeReport } from "./lib.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

interface Row {
  runtime: string;
  version: string;
  result: "pass" | "FAIL" | "skipped";
  checks: string;
  seconds: string;
  note?: string;
}

const started = Date.now();
const rows: Row[] = [];
const failures: string[] = [];
const project = createConsumerProject("runtimes");
console.log(`consumer project: ${project.dir} (installed in ${elapsed(started)})`);

// Chromium gets an esbuild bundle of the installed package, as a web app would ship it.
const www = join(project.dir, "www");
mkdirSync(www, { recursive: true });
await build({
  entryPoints: [join(project.dir, "browser.mjs")],
  absWorkingDir: project.dir,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: join(www, "bundle.js"),
  logLevel: "warning",
});
writeFileSync(join(www, "index.html"), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>peaka smoke</title><script type="module" src="./bundle.js"></script>\n');

const mock = await startPrismMock();
const page = createServer((req, res) => {
  const name = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/$/, "/index.html");
  const file = join(www, name);
  if (!isInside(file, www) || !existsSync(file)) {
    res.writeHead(404).end(); // e.g. /favicon.ico
    return;
  }
  res.writeHead(200, { "content-type": extname(file) === ".js" ? "text/javascript" : "text/html" }).end(readFileSync(file));
});
await new Promise<void>((done) => page.listen(0, "127.0.0.1", done));
const pageAddress = page.address();
const pageUrl = `http://127.0.0.1:${typeof pageAddress === "object" && pageAddress ? pageAddress.port : 0}/`;

async function cli(runtime: string, bin: string, versionArgs: string[], args: string[]) {
  const t = Date.now();
  let version = "?";
  try {
    version = execFileSync(bin, versionArgs, { env: cleanEnv(), encoding: "utf8" }).trim().split("\n")[0]!.replace(/^v/, "").replace(/^deno /, "").replace(/ \(.*$/, "");
  } catch (error) {
    rows.push({ runtime, version, result: "FAIL", checks: "-", seconds: elapsed(t), note: `cannot start: ${error}` });
    failures.push(`${runtime}: cannot start ${bin}`);
    return;
  }
  const r = await run(bin, [...args, mock.url], { cwd: project.dir, env: cleanEnv({ NO_COLOR: "1" }) });
  const report = smokeReport(r.stdout);
  const resolved = report?.resolved?.replace(/^file:\/\//, "");
  const leaked = resolved !== undefined && resolved.startsWith("/") && !isInside(resolved, project.dir);
  const ok = r.code === 0 && report?.ok === true && !leaked;
  rows.push({ runtime, version, result: ok ? "pass" : "FAIL", checks: String(report?.lines?.length ?? 0), seconds: elapsed(t), ...(leaked ? { note: `resolved ${resolved}` } : {}) });
  if (!ok) failures.push(`${runtime}: exit ${r.code}\n${r.stdout}${r.stderr}`);
}

try {
  const node22 = npmTool(NPM_RUNTIMES.node22, "node");
  const node24 = npmTool(NPM_RUNTIMES.node24, "node");
  const bun = npmTool(NPM_RUNTIMES.bun, "bun");
  const deno = npmTool(NPM_RUNTIMES.deno, "deno");
  for (const [label, bin] of [["Node 20", process.execPath], ["Node 22", node22], ["Node 24", node24]] as const) {
    await cli(`${label} (ESM)`, bin, ["--version"], ["esm.mjs"]);
    await cli(`${label} (CJS)`, bin, ["--version"], ["cjs.cjs"]);
    // @peaka/mcp's stdio server, run by this Node (consumer/mcp-smoke.mjs speaks MCP to it).
    await cli(`${label} (peaka-mcp stdio)`, bin, ["--version"], ["mcp-smoke.mjs"]);
  }
  await cli("Bun (ESM)", bun, ["--version"], ["esm.mjs"]);
  await cli("Bun (CJS)", bun, ["--version"], ["cjs.cjs"]);
  await cli("Deno (ESM, npm package from node_modules)", deno, ["--version"], ["run", "--allow-net", "--allow-env", "--allow-read", "esm.mjs"]);

  const t = Date.now();
  if (!existsSync(CHROMIUM)) {
    const note = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
    rows.push({ runtime: "Chromium (headless)", version: "-", result: "skipped", checks: "-", seconds: "-", note });
    if (process.env["RUNTIMES_REQUIRE_CHROMIUM"]) failures.push(`Chromium: ${note}`);
  } else {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    try {
      const tab = await browser.newPage();
      const consoleLines: string[] = [];
      tab.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
      tab.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
      await tab.goto(`${pageUrl}?baseUrl=${encodeURIComponent(mock.url)}`);
      const handle = await tab.waitForFunction(() => (window as unknown as { __smoke?: unknown }).__smoke, undefined, { timeout: 60_000 });
      const report = (await handle.jsonValue()) as { ok: boolean; lines?: string[]; error?: string };
      const version = browser.version();
      rows.push({ runtime: "Chromium (headless, esbuild bundle)", version, result: report.ok ? "pass" : "FAIL", checks: String(report.lines?.length ?? 0), seconds: elapsed(t) });
      if (!report.ok) failures.push(`Chromium: ${report.error}\n${consoleLines.join("\n")}`);
    } catch (error) {
      rows.push({ runtime: "Chromium (headless)", version: "?", result: "FAIL", checks: "-", seconds: elapsed(t) });
      failures.push(`Chromium: ${error}`);
    } finally {
      await browser.close();
    }
  }
} finally {
  page.close();
  await mock.stop();
  project.remove();
}

const header = ["runtime", "version", "result", "checks", "time", "note"];
const table = [header, header.map(() => "---"), ...rows.map((r) => [r.runtime, r.version, r.result, r.checks, r.seconds, r.note ?? ""])];
console.log(`\n${table.map((cells) => `| ${cells.join(" | ")} |`).join("\n")}\n`);
if (failures.length) {
  console.error(failures.join("\n\n"));
  console.error(`runtime matrix FAILED (${elapsed(started)})`);
  process.exit(1);
}
console.log(`runtime matrix passed (${elapsed(started)})`);
