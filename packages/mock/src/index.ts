// Test support: a Prism mock server for spec/peaka.yaml on a free 127.0.0.1 port.
//
// Prism validates every request against the spec and answers from the spec's examples, so a request
// the spec does not allow fails (Prism answers 4xx with a problem+json body, and tags the answer with an
// `sl-violations` header). Start one per test run and stop it when the run ends.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The spec every package is generated from and tested against. */
export const SPEC_PATH = resolve(dirname(fileURLToPath(import.meta.url)), "../../../spec/peaka.yaml");

export interface PrismMockOptions {
  /** OpenAPI document to serve. Default: spec/peaka.yaml of this repository. */
  spec?: string;
  /** Port to listen on. Default: a free port chosen by the OS. */
  port?: number;
  /** Milliseconds to wait for Prism to answer before giving up. Default: 60000. */
  startTimeoutMs?: number;
  /** `"mock"` answers from examples; `"proxy"` forwards to `upstream` and validates both ways. Default: "mock". */
  mode?: "mock" | "proxy";
  /** Upstream base URL, required in proxy mode. */
  upstream?: string;
  /** Receives Prism's log output line by line. Default: kept in memory and shown only if start fails. */
  onLog?: (line: string) => void;
}

export interface PrismMock {
  /** Base URL of the running mock, e.g. http://127.0.0.1:43127 */
  readonly url: string;
  /** Process id of the Prism server. */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function prismBin(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("@stoplight/prism-cli/package.json");
  const pkg = require(pkgPath) as { bin: string | Record<string, string> };
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin["prism"];
  if (!bin) throw new Error("@stoplight/prism-cli has no prism binary");
  return resolve(dirname(pkgPath), bin);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

/** Starts Prism and resolves once it answers HTTP on its port. */
export async function startPrismMock(options: PrismMockOptions = {}): Promise<PrismMock> {
  const spec = options.spec ?? SPEC_PATH;
  const mode = options.mode ?? "mock";
  const port = options.port ?? (await freePort());
  const host = "127.0.0.1";
  const args = [prismBin(), mode, "-h", host, "-p", String(port)];
  if (mode === "proxy") {
    if (!options.upstream) throw new Error("startPrismMock: proxy mode needs an upstream URL");
    args.push(spec, options.upstream, "--errors");
  } else {
    args.push(spec);
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      if (options.onLog) options.onLog(line);
      else if (log.push(line) > 200) log.shift();
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);

  const url = `http://${host}:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited(child);
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (true) {
    if (child.exitCode !== null) {
      throw new Error(`Prism exited with code ${child.exitCode} before answering:\n${log.join("\n")}`);
    }
    try {
      // Any HTTP answer (even a 404 for this unknown route) means Prism is listening.
      await fetch(`${url}/__prism_ready`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`Prism did not answer on ${url} in time:\n${log.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return { url, pid: child.pid ?? -1, stop };
}
