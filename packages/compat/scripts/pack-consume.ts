// pnpm pack:consume — packs @peaka/api-types, @peaka/api, @peaka/mcp and @peaka/simulator, installs the tarballs with npm into a fresh
// project outside the workspace, type-checks a strict TypeScript consumer (moduleResolution node16 and
// bundler, skipLibCheck off; `@peaka/api`, `@peaka/api/sql`, `@peaka/simulator` and its `/msw`), then runs an ESM and a CommonJS consumer
// against a Prism mock started here on the workspace side (the consumers get only its URL), with the
// `@peaka/api/sql` smoke's export fixtures on a loopback server of their own (lib.ts); runs the
// simulator's ESM and CommonJS consumers (with msw's setupServer) and its `peaka-mock` command from the
// tarball (npx: prints its URL and keys, answers on it, stops on SIGTERM). Build first: the root script does.
import { startPrismMock } from "@peaka/mock";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { cleanEnv, createConsumerProject, elapsed, isInside, ROOT, run, smokeReport, sqlSmokeProblems, startSqlFixtureServer } from "./lib.js";
import { checkDtsExports } from "./dts-exports.js";

const started = Date.now();
const failures: string[] = [];
const project = createConsumerProject("consume");
console.log(`consumer project: ${project.dir} (installed in ${elapsed(started)})`);
const mock = await startPrismMock();
const fixtures = await startSqlFixtureServer();
try {
  const tsc = join(project.dir, "node_modules", "typescript", "bin", "tsc");
  for (const config of ["tsconfig.node16.json", "tsconfig.bundler.json"]) {
    const r = await run(process.execPath, [tsc, "-p", config], { cwd: project.dir });
    const ok = r.code === 0;
    console.log(`${ok ? "ok  " : "FAIL"} tsc -p ${config} (${(r.ms / 1000).toFixed(1)} s)`);
    if (!ok) failures.push(`tsc ${config}:\n${r.stdout}${r.stderr}`);
  }
  for (const [label, file] of [["ESM consumer (import)", "esm.mjs"], ["CJS consumer (require)", "cjs.cjs"], ["MCP server (peaka-mcp on stdio)", "mcp-smoke.mjs"]] as const) {
    const withSql = file !== "mcp-smoke.mjs";
    const r = await run(process.execPath, [file, mock.url, ...(withSql ? [fixtures.url] : [])], { cwd: project.dir });
    const report = smokeReport(r.stdout);
    const inside = (where: string | undefined) => (where ? isInside(where.replace(/^file:\/\//, ""), project.dir) : false);
    const resolvedInside = inside(report?.resolved) && (!withSql || inside(report?.sqlResolved));
    const sql = withSql ? sqlSmokeProblems(report) : [];
    const ok = r.code === 0 && report?.ok === true && resolvedInside && sql.length === 0;
    console.log(`${ok ? "ok  " : "FAIL"} ${label} on Node ${process.versions.node} (${(r.ms / 1000).toFixed(1)} s)`);
    for (const line of report?.lines ?? []) console.log(`       ${line}`);
    for (const line of report?.sql ?? []) console.log(`       @peaka/api/sql ${line}`);
    if (report?.resolved) console.log(`       resolved @peaka/api: ${report.resolved}`);
    if (report?.sqlResolved) console.log(`       resolved @peaka/api/sql: ${report.sqlResolved}`);
    if (!ok) failures.push(`${label}: exit ${r.code}${resolvedInside ? "" : " (resolved outside the consumer project)"}${sql.length ? ` (${sql.join("; ")})` : ""}\n${r.stdout}${r.stderr}`);
  }
  // @peaka/simulator from its tarball: ESM and CommonJS, each with @peaka/simulator/msw under msw.
  for (const [label, file] of [["@peaka/simulator ESM consumer (import, + msw)", "simulator.mjs"], ["@peaka/simulator CJS consumer (require, + msw)", "simulator.cjs"]] as const) {
    const r = await run(process.execPath, [file, "--msw"], { cwd: project.dir });
    const report = smokeReport(r.stdout);
    const inside = report?.resolved ? isInside(report.resolved.replace(/^file:\/\//, ""), project.dir) : false;
    const ok = r.code === 0 && report?.ok === true && inside && report.lines?.some((l) => l.startsWith("msw ")) === true;
    console.log(`${ok ? "ok  " : "FAIL"} ${label} on Node ${process.versions.node} (${(r.ms / 1000).toFixed(1)} s)`);
    for (const line of report?.lines ?? []) console.log(`       ${line}`);
    if (report?.resolved) console.log(`       resolved @peaka/simulator: ${report.resolved}`);
    if (!ok) failures.push(`${label}: exit ${r.code}${inside ? "" : " (resolved outside the consumer project)"}\n${r.stdout}${r.stderr}`);
  }
  // The README of the installed @peaka/simulator: each ```ts snippet saved as an .mjs file and run with
  // node, as its quick start tells users; it must log what its `// ...` comments promise.
  const readme = readFileSync(join(project.dir, "node_modules", "@peaka", "simulator", "README.md"), "utf8");
  for (const [i, code] of [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).entries()) {
    const file = `readme-simulator-${i + 1}.mjs`;
    writeFileSync(join(project.dir, file), code);
    const r = await run(process.execPath, [file], { cwd: project.dir });
    const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!);
    const logged = r.stdout.trim().split("\n").map((l) => l.trim());
    const ok = r.code === 0 && promised.length > 0 && JSON.stringify(logged) === JSON.stringify(promised);
    console.log(`${ok ? "ok  " : "FAIL"} @peaka/simulator README snippet ${i + 1} run with node from the tarball: ${logged.join(" | ")}`);
    if (!ok) failures.push(`@peaka/simulator README snippet ${i + 1}: exit ${r.code}, expected ${JSON.stringify(promised)}\n${r.stdout}${r.stderr}`);
  }
  // `peaka-mock` as package scripts find it in the consumer project (the tarball's dist/cli.js): one JSON line with
  // the URL and keys, a request answered on that port, exit 0 on SIGTERM.
  const mockProblems = await peakaMockFromTarball(project.dir);
  console.log(`${mockProblems.length ? "FAIL" : "ok  "} peaka-mock (node_modules/.bin, the packed @peaka/simulator's bin): prints URL and keys, answers, stops on SIGTERM`);
  if (mockProblems.length) failures.push(`peaka-mock: ${mockProblems.join("; ")}`);
  // Honest declarations: every value the installed packages' .d.ts / .d.cts declare exists at run time
  // (import and require), and nothing else is exported (scripts/dts-exports.ts).
  for (const name of ["@peaka/api-types", "@peaka/api", "@peaka/simulator"]) {
    const { problems, summary } = await checkDtsExports(join(project.dir, "node_modules", ...name.split("/")));
    console.log(`${problems.length ? "FAIL" : "ok  "} ${name}: declared values exist at run time, ESM and CJS (${summary})`);
    if (problems.length) failures.push(`${name} declarations:\n${problems.join("\n")}`);
  }
  // The same MCP smoke on the workspace's own build (packages/mcp/dist/cli.js, plain node, no tsx): a
  // maintainer runs what CI builds, and it resolves @peaka/api to the built packages/client/dist, as
  // the tarball's does to the installed package (the `default` export condition; `development`, which
  // vitest and tsx --conditions=development use, points at the sources).
  const workspaceBin = join(ROOT, "packages", "mcp", "dist", "cli.js");
  const ws = await run(process.execPath, ["mcp-smoke.mjs", mock.url], { cwd: project.dir, env: cleanEnv({ PEAKA_MCP_BIN: workspaceBin }) });
  const wsReport = smokeReport(ws.stdout);
  const wsHelp = await run(process.execPath, [workspaceBin, "--help"], { cwd: ROOT });
  const wsOk = ws.code === 0 && wsReport?.ok === true && wsHelp.code === 0 && wsHelp.stdout.includes("--transport");
  console.log(`${wsOk ? "ok  " : "FAIL"} MCP server from the workspace build (node packages/mcp/dist/cli.js: --help, stdio session) (${(ws.ms / 1000).toFixed(1)} s)`);
  for (const line of wsReport?.lines ?? []) console.log(`       ${line}`);
  if (!wsOk) failures.push(`workspace packages/mcp/dist/cli.js: exit ${ws.code} / --help exit ${wsHelp.code}\n${ws.stdout}${ws.stderr}${wsHelp.stderr}`);
  // @peaka/mcp's command, as `npx` finds it in the consumer project, prints its flags.
  const help = await run("npx", ["--no-install", "peaka-mcp", "--help"], { cwd: project.dir });
  const helpOk = help.code === 0 && help.stdout.includes("--allow-writes") && help.stdout.includes("--transport");
  console.log(`${helpOk ? "ok  " : "FAIL"} npx peaka-mcp --help (the packed @peaka/mcp's bin): ${help.stdout.split("\n")[0]}`);
  if (!helpOk) failures.push(`npx peaka-mcp --help: exit ${help.code}\n${help.stdout}${help.stderr}`);
} finally {
  await fixtures.stop();
  await mock.stop();
  project.remove();
}
/** Starts the installed `peaka-mock` (node_modules/.bin, as npx and package scripts find it) with `--port 0` in dir, reads its line, lists projects over HTTP, stops it by pid. */
async function peakaMockFromTarball(dir: string): Promise<string[]> {
  const problems: string[] = [];
  const child = spawn(join(dir, "node_modules", ".bin", "peaka-mock"), ["--port", "0"], { cwd: dir, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    const started = Date.now();
    const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), "line"), once(child, "exit").then(() => [""])])) as [string];
    const info = JSON.parse(line || "null") as { url?: string; pid?: number; partnerKey?: string; projectId?: string } | null;
    if (!info?.url || !info.partnerKey || !info.pid) return [`no JSON line with url, pid and partnerKey: ${JSON.stringify(line)} ${stderr}`];
    if (info.pid !== child.pid) problems.push(`printed pid ${info.pid}, but the process started is ${child.pid}`);
    console.log(`       peaka-mock on ${info.url} (pid ${info.pid}; first line after ${Date.now() - started} ms)`);
    const res = await fetch(`${info.url}/projects`, { headers: { authorization: `Bearer ${info.partnerKey}` } });
    const body = (await res.json()) as Array<{ id?: string }>;
    if (res.status !== 200 || body[0]?.id !== info.projectId) problems.push(`GET /projects answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    const exited = once(child, "exit");
    process.kill(info.pid, "SIGTERM");
    const [code] = (await exited) as [number | null];
    if (code !== 0) problems.push(`exit ${code} after SIGTERM ${stderr}`);
  } catch (error) {
    problems.push(`${error} ${stderr}`);
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  return problems;
}

if (failures.length) {
  console.error(`\n${failures.join("\n\n")}`);
  console.error(`pack-and-consume FAILED (${elapsed(started)})`);
  process.exit(1);
}
console.log(`pack-and-consume passed (${elapsed(started)})`);
