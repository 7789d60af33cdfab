// pnpm test:runtimes — the smoke program (consumer/smoke.mjs) against a Prism mock on Node 20, 22 and
// 24, Bun, Deno and headless Chromium (and on each Node, @peaka/mcp's stdio server: consumer/mcp-smoke.mjs;
// on every runtime, @peaka/simulator: consumer/sim-smoke.mjs, a client on `sim.fetch` that creates a
// cache, lists it, refreshes it on the simulator's clock and reads a gzip export at its signed URL), each using the packed packages installed with npm in a project
// outside the workspace. Each smoke row also runs the `@peaka/api/sql` smoke (runSqlSmoke: the `sql` tag,
// runSql against Prism, streamRows over gzip JSONL and CSV exports served by lib.ts sqlFixtureHandler
// from the page server, which the browser reaches as its own origin); its result is the "sql" column. Node 22/24, Bun and Deno come from their npm packages, installed once (pinned)
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
import { cleanEnv, createConsumerProject, elapsed, isInside, NPM_RUNTIMES, npmTool, run, smokeReport, sqlFixtureHandler, sqlSmokeProblems, type SmokeReport } from "./lib.js";

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
  /** The `@peaka/api/sql` smoke: its checks passed, or "-" where it does not run (the MCP rows). */
  sql: string;
  seconds: string;
  note?: string;
}

const started = Date.now();
const rows: Row[] = [];
const failures: string[] = [];
const sqlLines: string[] = [];
const project = createConsumerProject("runtimes");
console.log(`consumer project: ${project.dir} (installed in ${elapsed(started)})`);

// Chromium gets an esbuild bundle of the installed package, as a web app would ship it: code splitting
// on, so papaparse (imported on first CSV stream) becomes its own chunk, chunks/papaparse-<hash>.js.
const www = join(project.dir, "www");
mkdirSync(www, { recursive: true });
await build({
  entryPoints: [join(project.dir, "browser.mjs")],
  absWorkingDir: project.dir,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  splitting: true,
  outdir: www,
  entryNames: "bundle",
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
writeFileSync(join(www, "index.html"), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>peaka smoke</title><script type="module" src="./bundle.js"></script>\n');

const mock = await startPrismMock();
const sqlFixtures = sqlFixtureHandler();
const page = createServer((req, res) => {
  if (sqlFixtures(req, res)) return;
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
    rows.push({ runtime, version, result: "FAIL", checks: "-", sql: "-", seconds: elapsed(t), note: `cannot start: ${error}` });
    failures.push(`${runtime}: cannot start ${bin}`);
    return;
  }
  const withSql = args.includes("esm.mjs") || args.includes("cjs.cjs");
  const r = await run(bin, [...args, mock.url, pageUrl.replace(/\/$/, "")], { cwd: project.dir, env: cleanEnv({ NO_COLOR: "1" }) });
  const report = smokeReport(r.stdout);
  const leakedTo = [report?.resolved, report?.sqlResolved]
    .map((where) => where?.replace(/^file:\/\//, ""))
    .find((where) => where !== undefined && where.startsWith("/") && !isInside(where, project.dir));
  const sql = withSql ? sqlSmokeProblems(report) : [];
  const ok = r.code === 0 && report?.ok === true && !leakedTo && sql.length === 0;
  rows.push({ runtime, version, result: ok ? "pass" : "FAIL", checks: String(report?.lines?.length ?? 0), sql: sqlCell(withSql, report, sql), seconds: elapsed(t), ...(leakedTo ? { note: `resolved ${leakedTo}` } : {}) });
  if (withSql) sqlLines.push(...(report?.sql ?? []).map((l) => `${runtime}: ${l}`));
  if (!ok) failures.push(`${runtime}: exit ${r.code}${sql.length ? ` (${sql.join("; ")})` : ""}\n${r.stdout}${r.stderr}`);
}

function sqlCell(withSql: boolean, report: SmokeReport | undefined, problems: string[]): string {
  if (!withSql) return "-";
  return problems.length ? "FAIL" : `pass (${report?.sql?.length ?? 0})`;
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
    await cli(`${label} (@peaka/simulator ESM)`, bin, ["--version"], ["simulator.mjs"]);
    await cli(`${label} (@peaka/simulator CJS)`, bin, ["--version"], ["simulator.cjs"]);
  }
  await cli("Bun (ESM)", bun, ["--version"], ["esm.mjs"]);
  await cli("Bun (CJS)", bun, ["--version"], ["cjs.cjs"]);
  await cli("Bun (@peaka/simulator ESM)", bun, ["--version"], ["simulator.mjs"]);
  await cli("Bun (@peaka/simulator CJS)", bun, ["--version"], ["simulator.cjs"]);
  await cli("Deno (ESM, npm package from node_modules)", deno, ["--version"], ["run", "--allow-net", "--allow-env", "--allow-read", "esm.mjs"]);
  await cli("Deno (@peaka/simulator ESM)", deno, ["--version"], ["run", "--allow-env", "--allow-read", "simulator.mjs"]);

  const t = Date.now();
  if (!existsSync(CHROMIUM)) {
    const note = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
    rows.push({ runtime: "Chromium (headless)", version: "-", result: "skipped", checks: "-", sql: "-", seconds: "-", note });
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
      const report = (await handle.jsonValue()) as SmokeReport & { error?: string };
      const version = browser.version();
      const sql = sqlSmokeProblems(report);
      const simLines = (report as { simulator?: string[] }).simulator ?? [];
      const ok = report.ok && sql.length === 0 && simLines.length > 0;
      rows.push({ runtime: "Chromium (headless, esbuild bundle)", version, result: ok ? "pass" : "FAIL", checks: `${report.lines?.length ?? 0} + simulator ${simLines.length}`, sql: sqlCell(true, report, sql), seconds: elapsed(t) });
      for (const line of simLines) console.log(`Chromium @peaka/simulator: ${line}`);
      sqlLines.push(...(report.sql ?? []).map((l) => `Chromium: ${l}`));
      if (!ok) failures.push(`Chromium: ${report.error ?? sql.join("; ")}\n${consoleLines.join("\n")}`);
    } catch (error) {
      rows.push({ runtime: "Chromium (headless)", version: "?", result: "FAIL", checks: "-", sql: "-", seconds: elapsed(t) });
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

const header = ["runtime", "version", "result", "checks", "@peaka/api/sql", "time", "note"];
const table = [header, header.map(() => "---"), ...rows.map((r) => [r.runtime, r.version, r.result, r.checks, r.sql, r.seconds, r.note ?? ""])];
console.log(`\n@peaka/api/sql smoke:\n${sqlLines.map((l) => `  ${l}`).join("\n")}`);
console.log(`\n${table.map((cells) => `| ${cells.join(" | ")} |`).join("\n")}\n`);
if (failures.length) {
  console.error(failures.join("\n\n"));
  console.error(`runtime matrix FAILED (${elapsed(started)})`);
  process.exit(1);
}
console.log(`runtime matrix passed (${elapsed(started)})`);
