// pnpm pack:consume — packs @peaka/api-types, @peaka/api and @peaka/mcp, installs the tarballs with npm into a fresh
// project outside the workspace, type-checks a strict TypeScript consumer (moduleResolution node16 and
// bundler, skipLibCheck off; `@peaka/api` and `@peaka/api/sql`), then runs an ESM and a CommonJS consumer
// against a Prism mock started here on the workspace side (the consumers get only its URL), with the
// `@peaka/api/sql` smoke's export fixtures on a loopback server of their own (lib.ts). Build first:
// the root script does.
import { startPrismMock } from "@peaka/mock";
import { join } from "node:path";
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
  // Honest declarations: every value the installed packages' .d.ts / .d.cts declare exists at run time
  // (import and require), and nothing else is exported (scripts/dts-exports.ts).
  for (const name of ["@peaka/api-types", "@peaka/api"]) {
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
if (failures.length) {
  console.error(`\n${failures.join("\n\n")}`);
  console.error(`pack-and-consume FAILED (${elapsed(started)})`);
  process.exit(1);
}
console.log(`pack-and-consume passed (${elapsed(started)})`);
