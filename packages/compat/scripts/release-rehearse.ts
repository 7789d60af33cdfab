// pnpm release:rehearse — the release, for real, against a registry on this machine:
//
//  1. clones the repository (committed HEAD; REHEARSAL_WORKTREE=1: the working tree) into a throwaway
//     folder in the OS temp dir (changeset publish tags it there) and installs it (pnpm, frozen lockfile);
//  2. adds a changeset that bumps every public workspace package (found with `pnpm ls`, not listed here)
//     and runs `pnpm version-packages`, the command the release workflow runs;
//  3. starts Verdaccio (release/verdaccio.yaml: storage in the throwaway folder, no uplinks) on a free
//     127.0.0.1 port, creates a user through the registry's API (PUT /-/user/org.couchdb.user:NAME) and
//     writes the token into the copy's .npmrc;
//  4. runs `pnpm release` (turbo build + changeset publish) in the copy with npm_config_registry set;
//  5. checks what the registry serves (manifest.ts): versions, fixed group, dependency ranges, no
//     workspace:/catalog:/private packages, tarball contents, metadata;
//  6. in a fresh project per package manager (npm, pnpm, Yarn 4, Bun) outside any workspace, installs
//     every published @peaka package from the registry (@peaka scope only; the rest, msw for
//     @peaka/simulator/msw included, from npm), runs the smoke program (consumer/smoke.mjs) as ESM and
//     CommonJS against a Prism mock and the @peaka/simulator smoke (consumer/sim-smoke.mjs: a client on
//     `sim.fetch`; on Node also under msw's setupServer) as ESM and CommonJS, and type-checks a
//     strict consumer (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck off)
//     plus the TypeScript snippets of the installed packages' README.md files;
//  7. stops the registry and Prism by pid, removes the folder (KEEP_REHEARSAL=1 keeps it) and prints a
//     table. Exit 1 if anything failed.
//
// Provenance: the public packages' publishConfig says `provenance: true`, which npm can only honour on
// a CI provider with an OIDC identity (the release workflow). npm lets nothing but a command-line flag
// override publishConfig — NPM_CONFIG_PROVENANCE=false in the environment does not — and changeset
// publish passes none, so the rehearsal sets `provenance: false` in its throwaway copy, the one edit it
// makes to the packages, and says so.
//
// Tools: Verdaccio is a devDependency of this package; Yarn, Bun and the consumer's TypeScript are npm
// packages installed once (pinned, lib.ts NPM_RUNTIMES) into ~/.cache/peaka-sdk-runtimes.
import { startPrismMock, type PrismMock } from "@peaka/mock";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { cleanEnv, COMPAT, CONSUMER_MSW, elapsed, isInside, NPM_RUNTIMES, npmTool, ROOT, run, smokeReport } from "./lib.js";
import { checkPublished, type WorkspacePackage } from "./manifest.js";
// @ts-expect-error plain ESM script without declarations
import { readMetadata, workspacePackages } from "./metadata.mjs";

const started = Date.now();
const USER = "rehearsal";
const failures: string[] = [];
const log = (line: string) => console.log(line);

// ---------------------------------------------------------------- helpers

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Runs a step's command; on failure prints its output and stops the rehearsal. */
async function must(label: string, cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }) {
  const r = await run(cmd, args, { timeoutMs: 300_000, ...opts });
  log(`${r.code === 0 ? "ok  " : "FAIL"} ${label} (${(r.ms / 1000).toFixed(1)} s)`);
  if (r.code !== 0) throw new Error(`${label} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return r;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

/**
 * The repository to release: a `git clone` of the committed HEAD (what CI has). With
 * REHEARSAL_WORKTREE=1, the working tree instead — tracked files as they are now plus new files that
 * are not ignored — committed in the copy (for trying uncommitted changes).
 */
function copyRepository(from: string, to: string): string {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Release rehearsal", "-c", "user.email=rehearsal@localhost", ...args], { cwd, stdio: "pipe", encoding: "utf8", maxBuffer: 64 << 20 });
  if (!process.env["REHEARSAL_WORKTREE"]) {
    git(from, "clone", "--quiet", "--no-hardlinks", from, to);
    return `git clone of ${git(to, "rev-parse", "--short", "HEAD").trim()} (HEAD)`;
  }
  let n = 0;
  for (const f of new Set(git(from, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean))) {
    const src = join(from, f);
    if (!existsSync(src) || !statSync(src).isFile()) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(src, join(to, f));
    n++;
  }
  git(to, "init", "-q", "-b", "main");
  git(to, "add", "-A");
  git(to, "commit", "-q", "-m", "release rehearsal: copy of the working tree");
  return `${n} files of the working tree (REHEARSAL_WORKTREE), committed in the copy`;
}

interface Registry {
  url: string;
  pid: number;
  token: string;
  stop(): Promise<void>;
}

async function startRegistry(work: string): Promise<Registry> {
  const dir = join(work, "registry");
  mkdirSync(dir, { recursive: true });
  cpSync(join(ROOT, "release", "verdaccio.yaml"), join(dir, "config.yaml"));
  const require = createRequire(join(COMPAT, "package.json"));
  const pkgPath = require.resolve("verdaccio/package.json");
  const pkg = require(pkgPath) as { version: string; bin: string | Record<string, string> };
  const bin = resolve(dirname(pkgPath), typeof pkg.bin === "string" ? pkg.bin : pkg.bin["verdaccio"]!);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const output: string[] = [];
  const child = spawn(process.execPath, [bin, "--config", join(dir, "config.yaml"), "--listen", `127.0.0.1:${port}`], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => output.push(c.toString()));
  child.stderr!.on("data", (c: Buffer) => output.push(c.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, "SIGTERM");
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, "SIGKILL"), 5_000);
      await exited(child);
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited (${child.exitCode}):\n${output.join("")}`);
    try {
      const res = await fetch(`${url}-/ping`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Verdaccio did not answer on ${url} within 60 s:\n${output.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // The registry's user API, as `npm adduser` uses it (which needs a terminal): answers with a token.
  const res = await fetch(`${url}-/user/org.couchdb.user:${USER}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: USER, password: `rehearsal-${Date.now()}`, type: "user", roles: [], date: new Date().toISOString() }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token) {
    await stop();
    throw new Error(`creating the registry user failed: ${res.status} ${JSON.stringify(body)}`);
  }
  log(`ok   Verdaccio ${pkg.version} on ${url} (pid ${child.pid}), user "${USER}" created, token received`);
  return { url, pid: child.pid!, token: body.token, stop };
}

// ---------------------------------------------------------------- consumers

interface ManagerRow {
  manager: string;
  version: string;
  install: string;
  smoke: string;
  typecheck: string;
  seconds: string;
}

interface Manager {
  name: string;
  version(): string;
  /** Prepares registry config in dir and returns the install command. */
  setup(dir: string, registry: string, work: string): { cmd: string; args: string[]; env?: Record<string, string> };
  /** The runtime that runs the smoke program: Node, or Bun for Bun. */
  runtime: () => { label: string; bin: string };
}

function managers(): Manager[] {
  const node = () => ({ label: `Node ${process.versions.node}`, bin: process.execPath });
  const scoped = (dir: string, registry: string) => writeFileSync(join(dir, ".npmrc"), `@peaka:registry=${registry}\n`);
  const yarn = () => npmTool(NPM_RUNTIMES.yarn, "yarn");
  const bun = () => npmTool(NPM_RUNTIMES.bun, "bun");
  const out = (cmd: string, args: string[]) => execFileSync(cmd, args, { env: cleanEnv(), encoding: "utf8" }).trim();
  return [
    {
      name: "npm",
      version: () => out("npm", ["--version"]),
      setup: (dir, registry) => {
        scoped(dir, registry);
        return { cmd: "npm", args: ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-online"] };
      },
      runtime: node,
    },
    {
      name: "pnpm",
      version: () => out("pnpm", ["--version"]),
      setup: (dir, registry) => {
        scoped(dir, registry);
        return { cmd: "pnpm", args: ["add", "--reporter=append-only"] };
      },
      runtime: node,
    },
    {
      name: "yarn",
      version: () => out(yarn(), ["--version"]),
      setup: (dir, registry, work) => {
        // Yarn 4 reads .yarnrc.yml, not .npmrc. node_modules linker: the smoke program runs on plain Node.
        writeFileSync(
          join(dir, ".yarnrc.yml"),
          [
            "nodeLinker: node-modules",
            "enableGlobalCache: false",
            `cacheFolder: ${JSON.stringify(join(work, "yarn-cache"))}`,
            "enableTelemetry: false",
            'unsafeHttpWhitelist: ["127.0.0.1"]',
            // Yarn 4.10+ holds back versions published less than a day ago (npmMinimalAgeGate: 1d);
            // ours were published seconds ago. Users who need a release on its first day do the same.
            'npmPreapprovedPackages: ["@peaka/*"]',
            "npmScopes:",
            "  peaka:",
            `    npmRegistryServer: ${JSON.stringify(registry.replace(/\/$/, ""))}`,
            "",
          ].join("\n"),
        );
        writeFileSync(join(dir, "yarn.lock"), ""); // marks the project root
        // A fresh global folder too: Yarn caches packuments there by package name, not by registry.
        const env = { YARN_ENABLE_IMMUTABLE_INSTALLS: "false", YARN_ENABLE_PROGRESS_BARS: "false", YARN_GLOBAL_FOLDER: join(work, "yarn-global") };
        return { cmd: yarn(), args: ["add"], env };
      },
      runtime: node,
    },
    {
      name: "bun",
      version: () => out(bun(), ["--version"]),
      setup: (dir, registry, work) => {
        scoped(dir, registry);
        // Bun's cache is keyed by name and version: a fresh one, so no earlier rehearsal's tarball is reused.
        return { cmd: bun(), args: ["add"], env: { BUN_INSTALL_CACHE_DIR: join(work, "bun-cache") } };
      },
      runtime: () => ({ label: `Bun ${out(bun(), ["--version"])}`, bin: bun() }),
    },
  ];
}

/** The ```ts blocks of a README, each as a module file (a shim declares `process` for snippets that read env). */
function readmeSnippets(readme: string): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => `${m[1]}\nexport {};\n`);
}

async function consumer(m: Manager, ctx: { work: string; registry: string; mock: PrismMock; versions: Map<string, string>; tsc: string }): Promise<ManagerRow> {
  const t = Date.now();
  const row: ManagerRow = { manager: m.name, version: "?", install: "-", smoke: "-", typecheck: "-", seconds: "" };
  const fail = (what: string, detail: string) => failures.push(`${m.name} ${what}:\n${detail}`);
  const dir = join(ctx.work, "consumers", m.name);
  mkdirSync(dir, { recursive: true });
  try {
    row.version = m.version();
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: `peaka-consumer-${m.name}`, private: true, type: "module" }, null, 2)}\n`);
    for (const f of ["esm.mjs", "cjs.cjs", "smoke.mjs", "simulator.mjs", "simulator.cjs", "sim-smoke.mjs", "strict.ts", "tsconfig.strict.json"]) cpSync(join(COMPAT, "consumer", f), join(dir, f));
    const { cmd, args, env } = m.setup(dir, ctx.registry, ctx.work);
    // Every published package is installed; @peaka/mcp's command is run below.
    const names = ["@peaka/api", "@peaka/api-types", "@peaka/mcp", "@peaka/simulator"].filter((n) => ctx.versions.has(n));
    // msw: the optional peer dependency of @peaka/simulator/msw, from npm (its README's snippet imports it).
    const specs = [...names.map((n) => `${n}@${ctx.versions.get(n)}`), ...(names.includes("@peaka/simulator") ? [`msw@${CONSUMER_MSW}`] : [])];
    const install = await run(cmd, [...args, ...specs], { cwd: dir, env: cleanEnv({ CI: "true", ...env }), timeoutMs: 240_000 });
    const installed = (name: string) => {
      const p = join(dir, "node_modules", ...name.split("/"), "package.json");
      return existsSync(p) ? (JSON.parse(readFileSync(p, "utf8")) as { version: string }).version : undefined;
    };
    const wrong = names.filter((n) => installed(n) !== ctx.versions.get(n));
    if (install.code !== 0 || wrong.length) {
      row.install = "FAIL";
      fail("install", `${cmd} ${args.join(" ")} ${specs.join(" ")}: exit ${install.code}${wrong.length ? `; wrong or missing: ${wrong.map((n) => `${n} ${installed(n)}`).join(", ")}` : ""}\n${install.stdout}${install.stderr}`);
      return row;
    }
    row.install = `pass (${(install.ms / 1000).toFixed(1)} s)`;

    const runtime = m.runtime();
    const smokes: string[] = [];
    for (const file of ["esm.mjs", "cjs.cjs"]) {
      const r = await run(runtime.bin, [file, ctx.mock.url], { cwd: dir, env: cleanEnv({ NO_COLOR: "1" }) });
      const report = smokeReport(r.stdout);
      const resolved = report?.resolved?.replace(/^file:\/\//, "");
      const problems: string[] = [];
      if (r.code !== 0 || report?.ok !== true) problems.push(`exit ${r.code}`);
      if (resolved && resolved.startsWith("/") && !isInside(realpathSync(resolved), realpathSync(dir))) problems.push(`resolved @peaka/api outside the project: ${resolved}`);
      const expected = `@peaka/api ${ctx.versions.get("@peaka/api")}`;
      if (report?.ok && report.lines?.[0] !== expected) problems.push(`VERSION says "${report.lines?.[0]}", expected "${expected}"`);
      if (problems.length) fail(`smoke ${file} on ${runtime.label}`, `${problems.join("; ")}\n${r.stdout}${r.stderr}`);
      else smokes.push(file.endsWith(".mjs") ? "ESM" : "CJS");
      if (problems.length) row.smoke = "FAIL";
    }
    if (names.includes("@peaka/simulator")) {
      // The simulator from the registry: ESM and CommonJS; on Node also @peaka/simulator/msw under msw.
      const withMsw = !runtime.label.startsWith("Bun");
      for (const file of ["simulator.mjs", "simulator.cjs"]) {
        const r = await run(runtime.bin, [file, ...(withMsw ? ["--msw"] : [])], { cwd: dir, env: cleanEnv({ NO_COLOR: "1" }) });
        const report = smokeReport(r.stdout);
        const resolved = report?.resolved?.replace(/^file:\/\//, "");
        const problems: string[] = [];
        if (r.code !== 0 || report?.ok !== true) problems.push(`exit ${r.code}`);
        if (resolved && resolved.startsWith("/") && !isInside(realpathSync(resolved), realpathSync(dir))) problems.push(`resolved @peaka/simulator outside the project: ${resolved}`);
        if (withMsw && report?.ok && !report.lines?.some((l) => l.startsWith("msw "))) problems.push("no msw check in the report");
        if (problems.length) {
          row.smoke = "FAIL";
          fail(`simulator smoke ${file} on ${runtime.label}`, `${problems.join("; ")}\n${r.stdout}${r.stderr}`);
        } else smokes.push(`simulator ${file.endsWith(".mjs") ? "ESM" : "CJS"}${withMsw ? "+msw" : ""}`);
      }
    }
    if (names.includes("@peaka/mcp")) {
      // The installed `peaka-mcp` command (node_modules/.bin, as npx and package scripts find it).
      const bin = join(dir, "node_modules", ".bin", "peaka-mcp");
      const help = await run(bin, ["--help"], { cwd: dir, env: cleanEnv({ NO_COLOR: "1" }) });
      if (help.code !== 0 || !help.stdout.includes("--allow-writes")) {
        row.smoke = "FAIL";
        fail("peaka-mcp --help", `exit ${help.code}\n${help.stdout}${help.stderr}`);
      } else smokes.push("peaka-mcp --help");
    }
    if (row.smoke !== "FAIL") row.smoke = `pass (${smokes.join("+")}, ${runtime.label})`;

    // The strict consumer, plus the TypeScript snippets of the READMEs users get in the tarballs.
    const snippets = join(dir, "readme");
    mkdirSync(snippets, { recursive: true });
    writeFileSync(join(snippets, "globals.d.ts"), "declare const process: { env: Record<string, string | undefined> };\n");
    let count = 0;
    for (const name of ["@peaka/api", "@peaka/api-types", "@peaka/simulator"]) {
      const readme = join(dir, "node_modules", ...name.split("/"), "README.md");
      for (const [i, code] of readmeSnippets(existsSync(readme) ? readFileSync(readme, "utf8") : "").entries()) {
        writeFileSync(join(snippets, `${name.replace(/^@/, "").replace(/\W+/g, "-")}-${i + 1}.ts`), code);
        count++;
      }
    }
    const tsc = await run(process.execPath, [ctx.tsc, "-p", "tsconfig.strict.json"], { cwd: dir, timeoutMs: 180_000 });
    if (tsc.code !== 0) {
      row.typecheck = "FAIL";
      fail("type-check", `${tsc.stdout}${tsc.stderr}`);
    } else row.typecheck = `pass (strict.ts + ${count} README snippets)`;
  } catch (error) {
    fail("run", String(error instanceof Error ? error.stack : error));
    if (row.install === "-") row.install = "FAIL";
  } finally {
    row.seconds = elapsed(t);
  }
  return row;
}

// ---------------------------------------------------------------- the rehearsal

const work = realpathSync(mkdtempSync(join(tmpdir(), "peaka-release-")));
if (isInside(work, ROOT)) throw new Error(`${work} must be outside the workspace`);
for (let d = dirname(work); d !== dirname(d); d = dirname(d)) {
  if (existsSync(join(d, "node_modules")) || existsSync(join(d, "package.json"))) throw new Error(`${d} has a node_modules or package.json that would leak into the consumers`);
}
const repo = join(work, "repo");
let registry: Registry | undefined;
let mock: PrismMock | undefined;
const rows: ManagerRow[] = [];
let manifestOk = false;

try {
  log(`== rehearsal in ${work}`);
  log(`ok   copy: ${copyRepository(ROOT, repo)}`);
  const env = cleanEnv({ CI: "true", TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" });
  await must("pnpm install --frozen-lockfile (in the copy)", "pnpm", ["install", "--frozen-lockfile", "--prefer-offline", "--reporter=append-only"], { cwd: repo, env });

  const workspace = (workspacePackages(repo) as { name: string; version: string; dir: string; private: boolean }[]).map(
    (p): WorkspacePackage => ({ name: p.name, version: p.version, directory: relative(repo, p.dir).split("\\").join("/"), private: p.private }),
  );
  const publicPackages = workspace.filter((p) => !p.private);
  log(`ok   public packages (pnpm ls): ${publicPackages.map((p) => `${p.name}@${p.version}`).join(", ")}; private: ${workspace.filter((p) => p.private).map((p) => p.name).join(", ")}`);
  for (const pkg of ["@peaka/api", "@peaka/api-types", "@peaka/simulator"]) {
    if (!publicPackages.some((p) => p.name === pkg)) throw new Error(`${pkg} is not a public package of the workspace`);
  }

  // Provenance needs a CI identity; see the header.
  for (const p of publicPackages) {
    const file = join(repo, p.directory, "package.json");
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    if (manifest.publishConfig?.provenance !== true) failures.push(`${p.name}: publishConfig.provenance is not true in the workspace`);
    manifest.publishConfig = { ...manifest.publishConfig, provenance: false };
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  log("note publishConfig.provenance: true in every public package; set to false in the copy only (no OIDC identity here)");

  const changeset = ["---", ...publicPackages.map((p) => `"${p.name}": patch`), "---", "", "Release rehearsal.", ""].join("\n");
  writeFileSync(join(repo, ".changeset", "release-rehearsal.md"), changeset);
  await must("pnpm version-packages (changeset version)", "pnpm", ["version-packages"], { cwd: repo, env });
  const versions = new Map<string, string>();
  for (const p of publicPackages) {
    p.version = JSON.parse(readFileSync(join(repo, p.directory, "package.json"), "utf8")).version;
    versions.set(p.name, p.version);
    if (!existsSync(join(repo, p.directory, "CHANGELOG.md"))) failures.push(`${p.name}: changeset version wrote no CHANGELOG.md`);
  }
  log(`ok   versions: ${publicPackages.map((p) => `${p.name}@${p.version}`).join(", ")}`);

  registry = await startRegistry(work);
  const host = registry.url.replace(/^http:/, "");
  appendFileSync(join(repo, ".npmrc"), `\n# release rehearsal\nregistry=${registry.url}\n${host}:_authToken=${registry.token}\n`);
  const publish = await must("pnpm release (turbo run build && changeset publish)", "pnpm", ["release"], {
    cwd: repo,
    env: { ...env, npm_config_registry: registry.url },
    timeoutMs: 480_000,
  });
  const tags = execFileSync("git", ["tag", "--list"], { cwd: repo, encoding: "utf8" }).trim().split("\n").filter(Boolean);
  const missingTags = publicPackages.map((p) => `${p.name}@${p.version}`).filter((t) => !tags.includes(t));
  log(`${missingTags.length ? "FAIL" : "ok  "} changeset publish tagged ${tags.join(", ") || "nothing"}`);
  if (missingTags.length) failures.push(`changeset publish did not tag ${missingTags.join(", ")}:\n${publish.stdout}${publish.stderr}`);

  log("\n== manifest checks (read back from the registry)");
  const config = JSON.parse(readFileSync(join(repo, ".changeset", "config.json"), "utf8")) as { fixed?: string[][] };
  const scratch = join(work, "tarballs");
  mkdirSync(scratch, { recursive: true });
  const manifest = await checkPublished({ registry: registry.url, workspace, fixed: config.fixed ?? [], meta: readMetadata(repo), scratch });
  manifest.lines.forEach((l) => log(l));
  failures.push(...manifest.failures);
  manifestOk = manifest.failures.length === 0;

  log("\n== consumers (fresh projects outside the workspace; @peaka from the registry, the rest from npm)");
  const tsc = join(dirname(npmTool(NPM_RUNTIMES.typescript, "tsc")), "..", "typescript", "bin", "tsc");
  mock = await startPrismMock();
  log(`ok   Prism mock on ${mock.url} (pid ${mock.pid})`);
  for (const m of managers()) {
    const row = await consumer(m, { work, registry: registry.url, mock, versions, tsc });
    log(`${[row.install, row.smoke, row.typecheck].every((c) => c.startsWith("pass")) ? "ok  " : "FAIL"} ${m.name} (${row.seconds})`);
    rows.push(row);
  }
} catch (error) {
  failures.push(String(error instanceof Error ? error.message : error));
} finally {
  if (mock) await mock.stop();
  if (registry) {
    await registry.stop();
    log(`stopped Verdaccio (pid ${registry.pid})${mock ? ` and Prism (pid ${mock.pid})` : ""}`);
  }
  if (process.env["KEEP_REHEARSAL"]) log(`(kept ${work})`);
  else rmSync(work, { recursive: true, force: true });
}

const header = ["package manager", "version", "install", "smoke", "type-check", "time"];
const table = [header, header.map(() => "---"), ...rows.map((r) => [r.manager, r.version, r.install, r.smoke, r.typecheck, r.seconds])];
log(`\n${table.map((cells) => `| ${cells.join(" | ")} |`).join("\n")}\n`);
const allPass = rows.length === 4 && rows.every((r) => [r.install, r.smoke, r.typecheck].every((c) => c.startsWith("pass")));
log(`manifest checks: ${manifestOk ? "pass" : "FAIL"}; package managers: ${allPass ? "all pass" : "FAIL"}`);
if (failures.length || !allPass || !manifestOk) {
  console.error(`\n${failures.join("\n\n")}`);
  console.error(`release rehearsal FAILED (${elapsed(started)})`);
  process.exit(1);
}
log(`release rehearsal passed (${elapsed(started)})`);
