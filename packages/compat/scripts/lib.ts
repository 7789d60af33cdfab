// Shared by pack-consume.ts and runtimes.ts: pack the published packages and install the tarballs with
// npm into a fresh project outside the workspace, so nothing resolves from /work/main's node_modules.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const COMPAT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = resolve(COMPAT, "../..");
export const PACKAGES = ["types", "client", "mcp"] as const;
/** TypeScript the consumer project type-checks with (installed there from npm, not the workspace's). */
export const CONSUMER_TYPESCRIPT = "5.9.3";

/** Where tools that come as npm packages (Node 22/24, Bun, Deno, Yarn, TypeScript) are installed once. */
export const TOOLS_DIR = process.env["PEAKA_RUNTIMES_DIR"] ?? join(homedir(), ".cache", "peaka-sdk-runtimes");

/** npm packages that give the runtimes and tools, pinned (runtimes.ts, release-rehearse.ts). */
export const NPM_RUNTIMES = {
  node22: "node@22.23.3",
  node24: "node@24.9.0",
  bun: "bun@1.4.4",
  deno: "deno@2.9.6",
  yarn: "@yarnpkg/cli-dist@4.18.1",
  typescript: `typescript@${CONSUMER_TYPESCRIPT}`,
} as const;

/** Installs a pinned npm package into TOOLS_DIR (once) and returns the path of one of its bins. */
export function npmTool(spec: string, bin: string): string {
  const dir = join(TOOLS_DIR, spec);
  const path = join(dir, "node_modules", ".bin", bin);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), '{ "private": true }\n');
    console.log(`installing ${spec} into ${dir} ...`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", spec], { cwd: dir, env: cleanEnv(), stdio: "inherit" });
  }
  return path;
}

/** The environment for processes run in the consumer project: nothing from pnpm or the workspace. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$|TURBO_)/.test(k)) continue;
    env[k] = v;
  }
  // Drop node_modules/.bin entries of the workspace from PATH.
  env["PATH"] = (process.env["PATH"] ?? "").split(":").filter((p) => !p.startsWith(ROOT)).join(":");
  return { ...env, ...extra };
}

export function elapsed(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
}

/** Packs @peaka/api-types and @peaka/api with `pnpm pack` (publishConfig applied). */
export function packAll(dest: string): Record<(typeof PACKAGES)[number], string> {
  mkdirSync(dest, { recursive: true });
  const out = {} as Record<(typeof PACKAGES)[number], string>;
  for (const name of PACKAGES) {
    const dir = join(ROOT, "packages", name);
    if (!existsSync(join(dir, "dist"))) {
      throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` first (the root scripts do).`);
    }
    const before = new Set(readdirSync(dest));
    execFileSync("pnpm", ["pack", "--pack-destination", dest], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const tgz = readdirSync(dest).find((f) => f.endsWith(".tgz") && !before.has(f));
    if (!tgz) throw new Error(`pnpm pack of packages/${name} produced no tarball`);
    out[name] = join(dest, tgz);
  }
  return out;
}

export interface ConsumerProject {
  dir: string;
  tarballs: Record<(typeof PACKAGES)[number], string>;
  remove(): void;
}

/**
 * A fresh npm project in the OS temp dir with the packed tarballs installed, and the files of
 * consumer/ copied in. `KEEP_CONSUMER=1` keeps it for a look afterwards.
 */
export function createConsumerProject(label: string): ConsumerProject {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `peaka-${label}-`)));
  if (isInside(dir, ROOT)) throw new Error(`the consumer project ${dir} must be outside the workspace`);
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    if (existsSync(join(d, "node_modules"))) throw new Error(`${d}/node_modules would leak into the consumer project`);
  }
  const tarballs = packAll(join(dir, ".tarballs"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: "peaka-consumer",
        private: true,
        type: "module",
        dependencies: { "@peaka/api": `file:${tarballs.client}`, "@peaka/api-types": `file:${tarballs.types}`, "@peaka/mcp": `file:${tarballs.mcp}` },
        devDependencies: { typescript: CONSUMER_TYPESCRIPT },
        // @peaka/api asks for @peaka/api-types@<version>: take it from the tarball, never the registry.
        // @peaka/mcp asks for @peaka/api@<version> the same way.
        overrides: { "@peaka/api-types": `file:${tarballs.types}`, "@peaka/api": `file:${tarballs.client}` },
      },
      null,
      2,
    ),
  );
  cpSync(join(COMPAT, "consumer"), dir, { recursive: true });
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    env: cleanEnv(),
    stdio: ["ignore", "inherit", "inherit"],
  });
  // Folder names under packages/ and the names the packages are published as.
  const published = { types: "api-types", client: "api", mcp: "mcp" } as const;
  for (const name of PACKAGES) {
    const installed = realpathSync(join(dir, "node_modules", "@peaka", published[name]));
    if (!isInside(installed, dir)) throw new Error(`@peaka/${published[name]} resolves to ${installed}, outside the consumer project`);
  }
  return {
    dir,
    tarballs,
    remove: () => {
      if (process.env["KEEP_CONSUMER"]) console.log(`(kept ${dir})`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command with a time limit; never throws for a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${opts.timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 120_000);
    child.on("error", (error) => {
      stderr += String(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The last line of output that parses as the smoke program's JSON report. */
export function smokeReport(out: string): { ok: boolean; resolved?: string; lines?: string[] } | undefined {
  for (const line of out.trim().split("\n").reverse()) {
    try {
      const parsed = JSON.parse(line);
      if (parsed && typeof parsed === "object" && "ok" in parsed) return parsed;
    } catch {
      // not the report
    }
  }
  return undefined;
}
