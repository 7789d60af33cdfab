// Shared by pack-consume.ts and runtimes.ts: pack the public packages (@peaka/api-types, @peaka/api,
// @peaka/mcp, @peaka/simulator) and install the tarballs with
// npm into a fresh project outside the workspace, so nothing resolves from /work/main's node_modules.
import { execFileSync, spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const COMPAT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT = resolve(COMPAT, "../..");
export const PACKAGES = ["types", "client", "mcp", "simulator"] as const;
/** TypeScript the consumer project type-checks with (installed there from npm, not the workspace's). */
export const CONSUMER_TYPESCRIPT = "5.9.3";
/** msw the consumers install for @peaka/simulator/msw (its optional peer dependency). */
export const CONSUMER_MSW = "2.15.0";

/** Where tools that come as npm packages (Node 22/24, Bun, Deno, Yarn, TypeScript) are installed once. */
export const TOOLS_DIR = process.env["PEAKA_RUNTIMES_DIR"] ?? join(homedir(), ".cache", "peaka-sdk-runtimes");

/** npm packages that give the runtimes and tools, pinned (runtimes.ts, release-rehearse.ts, inspector-check.ts). */
export const NPM_RUNTIMES = {
  node22: "node@22.23.3",
  node24: "node@24.9.0",
  bun: "bun@1.4.4",
  deno: "deno@2.9.6",
  yarn: "@yarnpkg/cli-dist@4.18.1",
  typescript: `typescript@${CONSUMER_TYPESCRIPT}`,
  /** The official MCP Inspector (inspector-check.ts); its engines ask for Node >=22.19. */
  inspector: "@modelcontextprotocol/inspector@2.12.0",
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

/** Packs the public packages (PACKAGES) with `pnpm pack` (publishConfig applied). */
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
        dependencies: {
          "@peaka/api": `file:${tarballs.client}`,
          "@peaka/api-types": `file:${tarballs.types}`,
          "@peaka/mcp": `file:${tarballs.mcp}`,
          "@peaka/simulator": `file:${tarballs.simulator}`,
          // The optional peer dependency of @peaka/simulator/msw, as a user who wants the handlers installs it.
          msw: CONSUMER_MSW,
        },
        devDependencies: { typescript: CONSUMER_TYPESCRIPT },
        // @peaka/api asks for @peaka/api-types@<version>: take it from the tarball, never the registry.
        // @peaka/mcp asks for @peaka/api@<version> the same way; @peaka/simulator for @peaka/api-types.
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
  const published = { types: "api-types", client: "api", mcp: "mcp", simulator: "simulator" } as const;
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

export interface SmokeReport {
  ok: boolean;
  resolved?: string;
  lines?: string[];
  /** Where `@peaka/api/sql` resolved, and the lines of consumer/smoke.mjs runSqlSmoke. */
  sqlResolved?: string;
  sql?: string[];
}

/** The checks of the `@peaka/api/sql` smoke, by the start of their report lines: every one must be there. */
export const SQL_SMOKE_CHECKS = ["sql:", "runSql:", "streamRows JSONL gzip:", "streamRows CSV:"] as const;

/** What is missing from a report's `@peaka/api/sql` smoke (empty when all its checks passed). */
export function sqlSmokeProblems(report: SmokeReport | undefined): string[] {
  if (!report?.ok) return ["the smoke did not finish"];
  const lines = report.sql ?? [];
  return SQL_SMOKE_CHECKS.filter((prefix) => !lines.some((l) => l.startsWith(prefix))).map((prefix) => `no "${prefix}" check in the @peaka/api/sql smoke`);
}

/** The last line of output that parses as the smoke program's JSON report. */
export function smokeReport(out: string): SmokeReport | undefined {
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

// --- The export fixtures of the SQL smoke (consumer/smoke.mjs, runSqlSmoke): a scripted stand-in for
// Peaka's export endpoints and the storage host, served on loopback (runtimes.ts serves it from the
// browser page's own origin). Two saved queries: `q-jsonl` exports gzip JSONL in two files (the client
// must gunzip them with DecompressionStream: no Content-Encoding), `q-csv` exports one plain CSV file
// with quoted fields (papaparse, loaded lazily). Each export answers RUNNING once, then SUCCEEDED.
const SQL_FIXTURE_FILES: Record<string, { body: Buffer; type: string }> = {
  "orders-0000.jsonl.gz": {
    body: gzipSync('{"id":1,"name":"Ada","big":9007199254740993}\n{"id":2,"name":"Grace","big":null}\n'),
    type: "application/gzip",
  },
  "orders-0001.jsonl.gz": { body: gzipSync('{"id":3,"name":"Linus","big":12}\n'), type: "application/gzip" },
  "notes.csv": {
    body: Buffer.from('id,name,note\n1,Ada,"says ""hi"", twice"\n2,Grace,"line one\nline two"\n3,,plain\n'),
    type: "text/csv",
  },
};

/**
 * Handles the SQL smoke's export requests (`POST .../queries/{q-jsonl|q-csv}/exports`,
 * `GET .../exports/{id}`, `GET /export-files/{name}`); returns false for any other path. API calls
 * must carry a bearer key; file downloads must not (streamRows downloads without the client).
 */
export function sqlFixtureHandler(): (req: IncomingMessage, res: ServerResponse) => boolean {
  const jobs = new Map<string, { format: "JSONL" | "CSV"; polls: number }>();
  let next = 0;
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" }).end(JSON.stringify(body));
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const origin = `http://${req.headers.host}`;
    const file = /^\/export-files\/([\w.-]+)$/.exec(url.pathname);
    if (file && req.method === "GET") {
      const f = SQL_FIXTURE_FILES[file[1]!];
      if (!f) json(res, 404, { message: "no such file" });
      else if (req.headers.authorization) json(res, 400, { message: "a download carried an Authorization header" });
      else res.writeHead(200, { "content-type": f.type, "content-length": f.body.length }).end(f.body);
      return true;
    }
    const start = /^\/data\/projects\/[\w-]+\/queries\/(q-jsonl|q-csv)\/exports$/.exec(url.pathname);
    const status = /^\/data\/projects\/[\w-]+\/exports\/(exp-\d+)$/.exec(url.pathname);
    if (!start && !status) return false;
    if (!/^Bearer ./.test(req.headers.authorization ?? "")) {
      json(res, 401, { message: "no API key" });
      return true;
    }
    if (start && req.method === "POST") {
      const format = start[1] === "q-csv" ? "CSV" : "JSONL";
      const id = `exp-${++next}`;
      jobs.set(id, { format, polls: 0 });
      json(res, 202, { id, status: "QUEUED", format, compression: format === "CSV" ? "NONE" : "GZIP" });
      return true;
    }
    const job = status && req.method === "GET" ? jobs.get(status[1]!) : undefined;
    if (!job) {
      json(res, 404, { message: "no such export" });
      return true;
    }
    const names = job.format === "CSV" ? ["notes.csv"] : ["orders-0000.jsonl.gz", "orders-0001.jsonl.gz"];
    const base = { id: status![1], format: job.format, compression: job.format === "CSV" ? "NONE" : "GZIP" };
    if (job.polls++ === 0) json(res, 200, { ...base, status: "RUNNING" });
    else {
      const files = names.map((name) => ({ name, url: `${origin}/export-files/${name}`, bytes: SQL_FIXTURE_FILES[name]!.body.length }));
      json(res, 200, { ...base, status: "SUCCEEDED", rowCount: 3, downloadable: true, files });
    }
    return true;
  };
}

/** The SQL fixtures on their own loopback server (pack-consume.ts); runtimes.ts mounts the handler on its page server. */
export async function startSqlFixtureServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const handle = sqlFixtureHandler();
  const server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { url, stop: () => new Promise<void>((done) => server.close(() => done())) };
}
