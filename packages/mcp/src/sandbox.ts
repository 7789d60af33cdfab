// The Deno process behind code mode. The agent's TypeScript is never part of a module's source: it is
// stripped to JavaScript here (esbuild's transform) and handed to a fixed runner module as data on
// stdin, which evaluates it with indirect eval — so every `import()` in it is a dynamic import that
// Deno checks against the permissions (none but the bridge), instead of a static one loaded while the
// module graph is built. The child gets an empty environment (no key, no PEAKA_* variable), an empty
// working directory and its own DENO_DIR; its output is kept as bytes up to a cap and its resident
// memory is watched; either past its cap ends the run, as do the time limit and cancellation.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";

/** Most bytes kept from the sandbox's stdout (console output and the result), and from its stderr; past it the run is stopped. */
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** Most resident memory of the Deno process, in bytes (Linux); past it the run is stopped. */
export const MAX_RESIDENT_BYTES = 512 * 1024 * 1024;
/** The V8 heap limit of the sandbox, in MiB (memory outside the heap is what the watchdog is for). */
const HEAP_MB = 256;
/** How often the watchdog reads the resident memory, in milliseconds. */
const WATCH_MS = 100;

/** Node built-ins the runner refuses to load: they would start workers or load code outside the checks. */
const REFUSED_BUILTINS = ["worker_threads", "module", "cluster"];

/**
 * The fixed runner (JavaScript, never changed by a call). It reads `{ url, token, marker, code }` from
 * stdin, sends console output to stdout line by line, evaluates `code` (an async function expression
 * taking `peaka`), and writes one line: the marker and `{ value }` or `{ error }` as JSON.
 */
const RUNNER = `const exit = Deno.exit.bind(Deno);
const stdout = Deno.stdout;
const writeSync = stdout.writeSync.bind(stdout);
// The input is the first line of stdin. The server keeps its end open: when it closes (the server
// ended, however it ended), this process ends too.
const reader = Deno.stdin.readable.getReader();
const chunks = [];
for (;;) {
  const { value, done } = await reader.read();
  if (done) exit(1);
  chunks.push(value);
  if (value.includes(10)) break;
}
const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
const input = JSON.parse(new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(10))));
(async () => {
  try { while (!(await reader.read()).done); } catch {}
  exit(1);
})();
const { url, token, marker } = input;
const stringify = JSON.stringify;
const bridgeFetch = globalThis.fetch;
const encoder = new TextEncoder();
const out = (line) => {
  const bytes = encoder.encode(line + "\\n");
  for (let n = 0; n < bytes.length; ) n += writeSync(bytes.subarray(n));
};
const show = (v) => {
  if (typeof v === "string") return v;
  try { return stringify(v) ?? String(v); } catch { return String(v); }
};
for (const name of ["log", "info", "warn", "error", "debug", "trace"]) console[name] = (...a) => out(a.map(show).join(" "));
const call = async (operationId, args) => {
  const res = await bridgeFetch(url, { method: "POST", headers: { "content-type": "application/json", "x-peaka-bridge": token }, body: stringify({ operationId, args: args ?? {} }) });
  const answer = await res.json();
  if (!answer.ok) throw new Error(answer.error);
  return answer.data;
};
const peaka = new Proxy({}, { get: (_t, id) => (typeof id === "string" && id !== "then" ? (args) => call(id, args) : undefined) });
// No workers, and no storage that Deno keeps on disk without asking (the Cache API has no quota).
for (const name of ["Worker", "caches", "CacheStorage", "Cache", "localStorage", "sessionStorage", "Storage"]) delete globalThis[name];
const refused = ${JSON.stringify(REFUSED_BUILTINS)};
const getBuiltinModule = process.getBuiltinModule?.bind(process);
process.getBuiltinModule = (id) => {
  if (refused.includes(String(id).replace(/^node:/, ""))) throw new TypeError(String(id) + " is not available in the sandbox");
  return getBuiltinModule?.(id);
};
let result;
try {
  const main = (0, eval)(input.code);
  const value = await main(peaka);
  result = { value: value === undefined ? null : value };
} catch (e) {
  result = { error: e instanceof Error ? e.name + ": " + e.message : String(e) };
}
let line;
try { line = stringify(result); } catch (e) { line = stringify({ error: "TypeError: the returned value is not JSON (" + String(e?.message ?? e) + ")" }); }
out(marker + line);
exit(0);
`;

/** How a run ended. */
export type SandboxOutcome =
  | { kind: "value"; value: unknown; logs: string }
  | { kind: "threw"; error: string; logs: string }
  | { kind: "stopped"; why: string; logs: string; stderr: string }
  | { kind: "invalid"; message: string };

export interface SandboxRun {
  /** The agent's TypeScript: the body of an async function with `peaka` in scope. */
  code: string;
  /** The bridge's URL on 127.0.0.1; the only address the sandbox may reach. */
  bridgeUrl: string;
  /** The bridge's per-run token (random, never the key). */
  token: string;
  /** Wall-clock limit, in seconds. */
  seconds: number;
  /** Ends the run when it fires. */
  signal: AbortSignal;
}

/** The agent's TypeScript as JavaScript: an async function expression taking `peaka`. */
async function transpile(code: string): Promise<{ js: string } | { message: string }> {
  const { transform } = await import("esbuild");
  try {
    const { code: js } = await transform(`(async function (peaka) {\n${code}\n})`, { loader: "ts", target: "esnext", sourcefile: "code.ts" });
    return { js };
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string; location: { line: number; column: number } | null }> }).errors;
    if (!errors?.length) throw error;
    // Line 1 is the wrapper's: the agent's line n is line n + 1.
    return { message: errors.map((e) => (e.location ? `line ${e.location.line - 1}, column ${e.location.column + 1}: ${e.text}` : e.text)).join("\n") };
  }
}

/** Bytes up to a cap: what passes it is dropped and reported once. */
class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  size = 0;
  constructor(
    private readonly cap: number,
    private readonly onOverflow: () => void,
  ) {}
  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) return;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.size = this.cap;
      this.onOverflow();
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** The resident memory of a process in bytes, from /proc (Linux); undefined elsewhere or once it is gone. */
async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const MIB = 1024 * 1024;

/** `command` as a path: a bare name is looked up on this process's PATH (the child gets no PATH of its own). */
function onPath(command: string): string {
  if (isAbsolute(command) || command.includes("/") || command.includes("\\")) return command;
  const names = process.platform === "win32" ? [`${command}.exe`, command] : [command];
  for (const dir of (process.env["PATH"] ?? "").split(delimiter).filter(Boolean)) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return command;
}

/** The sandboxes running now: killed when this process exits or is told to stop by a signal. */
const live = new Set<ChildProcess>();
let hooked = false;

function track(child: ChildProcess): void {
  live.add(child);
  child.once("close", () => live.delete(child));
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const c of live) c.kill("SIGKILL");
  };
  process.once("exit", killAll);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    const onSignal = () => {
      killAll();
      // Alone, this listener would keep the process alive: give the signal its default effect.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** Runs the agent's code in a fresh Deno process and says how it ended. */
export async function runInSandbox(deno: string, run: SandboxRun): Promise<SandboxOutcome> {
  const compiled = await transpile(run.code);
  if ("message" in compiled) return { kind: "invalid", message: compiled.message };
  const marker = `__peaka_result_${randomBytes(12).toString("hex")}__`;
  const port = new URL(run.bridgeUrl).port;
  const root = mkdtempSync(join(tmpdir(), "peaka-mcp-sandbox-"));
  try {
    const cwd = join(root, "cwd");
    const cache = join(root, "deno");
    mkdirSync(cwd);
    mkdirSync(cache);
    const runner = join(root, "runner.js");
    writeFileSync(runner, RUNNER);
    // Node built-ins that could start a worker are mapped to a module that throws.
    const imports = join(root, "imports.json");
    const refuse = (name: string) => `data:text/javascript,throw new TypeError(${encodeURIComponent(JSON.stringify(`node:${name} is not available in the sandbox`))})`;
    writeFileSync(imports, JSON.stringify({ imports: Object.fromEntries(REFUSED_BUILTINS.flatMap((n) => [[`node:${n}`, refuse(n)], [n, refuse(n)]])) }));
    const flags = [
      "run",
      "--quiet",
      "--no-prompt",
      "--no-config",
      "--no-lock",
      "--no-npm",
      "--no-remote",
      "--cached-only",
      `--import-map=${imports}`,
      `--allow-net=127.0.0.1:${port}`,
      "--deny-read",
      "--deny-write",
      "--deny-env",
      "--deny-run",
      "--deny-ffi",
      "--deny-sys",
      "--deny-import",
      `--v8-flags=--max-old-space-size=${HEAP_MB}`,
      runner,
    ];
    // Only what Deno itself needs: its cache directory. No key, no PEAKA_* variables, no PATH.
    const child = spawn(onPath(deno), flags, { cwd, env: { DENO_DIR: cache, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" }, stdio: ["pipe", "pipe", "pipe"] });
    track(child);
    let stopped: string | undefined;
    const stop = (why: string) => {
      stopped ??= why;
      child.kill("SIGKILL");
    };
    let result: string | undefined;
    const stdout = new CappedBuffer(MAX_OUTPUT_BYTES, () => stop(`it wrote more than ${MAX_OUTPUT_BYTES / MIB} MiB to stdout (console output counts)`));
    const stderr = new CappedBuffer(MAX_OUTPUT_BYTES, () => stop(`it wrote more than ${MAX_OUTPUT_BYTES / MIB} MiB to stderr`));
    // The answer is there as soon as the result line is: the run ends when the code's promise settles,
    // even with timers or connections left open. The marker is found in the bytes as they come (it may
    // span two chunks); the result is the rest of its line.
    const mark = Buffer.from(marker);
    let received = 0;
    let markerAt = -1;
    let tail = Buffer.alloc(0);
    child.stdout.on("data", (chunk: Buffer) => {
      const start = received;
      received += chunk.length;
      stdout.push(chunk);
      if (result !== undefined) return;
      if (markerAt < 0) {
        const hay = Buffer.concat([tail, chunk]);
        const i = hay.indexOf(mark);
        if (i < 0) {
          tail = hay.subarray(Math.max(0, hay.length - mark.length + 1));
          return;
        }
        markerAt = start - tail.length + i;
      }
      if (!chunk.includes(10)) return;
      const all = stdout.bytes();
      const end = all.indexOf(10, markerAt + mark.length);
      if (end < 0) return;
      result = all.subarray(markerAt + mark.length, end).toString("utf8");
      child.kill("SIGKILL");
    });
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    // A child that ends before reading its input closes the pipe: not the server's failure.
    child.stdin.on("error", () => undefined);
    const timer = setTimeout(() => stop(`stopped after ${run.seconds} s (timeoutSeconds)`), run.seconds * 1000);
    const onAbort = () => stop("cancelled");
    run.signal.addEventListener("abort", onAbort, { once: true });
    if (run.signal.aborted) onAbort();
    const watchdog =
      process.platform === "linux"
        ? setInterval(() => {
            if (child.pid === undefined) return;
            void residentBytes(child.pid).then((bytes) => {
              if (bytes !== undefined && bytes > MAX_RESIDENT_BYTES && child.exitCode === null) stop(`its memory passed ${MAX_RESIDENT_BYTES / MIB} MiB (resident)`);
            });
          }, WATCH_MS)
        : undefined;
    const exit = await new Promise<number | null>((resolve) => {
      child.once("error", () => resolve(null));
      child.once("close", (code) => resolve(code));
      // One line, and the pipe stays open: the runner ends when it closes.
      child.stdin.write(`${JSON.stringify({ url: run.bridgeUrl, token: run.token, marker, code: compiled.js })}\n`);
    });
    clearTimeout(timer);
    clearInterval(watchdog);
    run.signal.removeEventListener("abort", onAbort);
    const out = stdout.bytes();
    const logs = (markerAt < 0 ? out : out.subarray(0, markerAt)).toString("utf8").trimEnd();
    if (result === undefined) {
      return { kind: "stopped", why: stopped ?? `Deno exited with code ${exit}`, logs, stderr: stderr.bytes().toString("utf8").trim() };
    }
    let outcome: { value?: unknown; error?: string };
    try {
      outcome = JSON.parse(result) as typeof outcome;
    } catch {
      return { kind: "stopped", why: "its result line was not JSON", logs, stderr: "" };
    }
    return outcome.error !== undefined ? { kind: "threw", error: outcome.error, logs } : { kind: "value", value: outcome.value, logs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
