// Starts peaka-mcp from source (src/cli.ts through tsx, with the `development` export condition so that
// @peaka/api resolves to its sources too, not to a possibly stale dist/) as a real process, over stdio or Streamable
// HTTP, and connects the MCP SDK's own Client to it. Everything the server says — tool lists, results,
// notifications, stderr — is recorded in `transcript`, so that a test can look for the key in all of it.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, resolve } from "node:path";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ProgressNotificationSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { deref, type SpecOperation } from "@peaka/mock/spec";

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = resolve(PACKAGE_DIR, "src/cli.ts");
/** Node flags that run a workspace .ts entry from source. */
export const FROM_SOURCE = ["--conditions=development", "--import", "tsx"];

/** A key no real system would produce, easy to grep for. */
export const FAKE_KEY = "pk_test_MCP-SECRET-7f3a9c21e5d84b60aa19";

/** Everything any server said during this test file. */
export const transcript: string[] = [];

export type Transport = "stdio" | "http";

export interface Connected {
  client: Client;
  /** Calls a tool and records its result; progress notifications go to `onProgress`. */
  call(name: string, args?: Record<string, unknown>, onProgress?: (p: { progress: number; message?: string }) => void): Promise<CallToolResult>;
  /** What the server process wrote to stderr so far (stdio only). */
  stderr(): string;
  close(): Promise<void>;
}

function env(extra: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...extra })) if (v !== undefined && !k.startsWith("PEAKA_")) out[k] = v;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : `[${c.type}]`)).join("\n");
}

export function wrap(client: Client, stderr: () => string, close: () => Promise<void>): Connected {
  // Progress notifications are collected here rather than through callTool's `onprogress`: the SDK
  // client handles a notification a microtask after it reads it but a response at once, and drops
  // progress whose request has already been answered — so a notification sent just before a quick
  // answer would be lost to `onprogress`. This handler sees every one, before the call resumes.
  const collectors = new Map<string | number, (p: { progress: number; message?: string }) => void>();
  let tokens = 0;
  client.setNotificationHandler(ProgressNotificationSchema, (n) => {
    transcript.push(JSON.stringify(n.params));
    collectors.get(n.params.progressToken)?.({ progress: n.params.progress, message: n.params.message });
  });
  return {
    client,
    async call(name, args = {}, onProgress) {
      const token = `progress-${++tokens}`;
      if (onProgress) collectors.set(token, onProgress);
      const result = (await client.callTool({ name, arguments: args, ...(onProgress ? { _meta: { progressToken: token } } : {}) }, undefined, {
        timeout: 60_000,
      })) as CallToolResult;
      collectors.delete(token);
      transcript.push(JSON.stringify(result));
      return result;
    },
    stderr,
    async close() {
      await close();
      transcript.push(stderr());
    },
  };
}

/** Starts `peaka-mcp <flags>` on stdio with PEAKA_API_KEY set to the fake key and PEAKA_BASE_URL to `baseUrl`. */
export async function connectStdio(baseUrl: string, flags: string[] = [], extraEnv: Record<string, string> = {}): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...FROM_SOURCE, CLI, ...flags],
    cwd: PACKAGE_DIR,
    env: env({ PEAKA_API_KEY: FAKE_KEY, PEAKA_BASE_URL: baseUrl, ...extraEnv }),
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const client = new Client({ name: "peaka-mcp-test", version: "0.0.0" });
  client.onerror = () => undefined;
  await client.connect(transport);
  return wrap(client, () => err, () => client.close());
}

export interface HttpServerProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `peaka-mcp --transport http --port 0 <flags>` and waits for the URL it prints. No key in its environment. */
export async function startHttp(baseUrl: string, flags: string[] = []): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [...FROM_SOURCE, CLI, "--transport", "http", "--port", "0", ...flags], {
    cwd: PACKAGE_DIR,
    env: env({ PEAKA_BASE_URL: baseUrl }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from the HTTP server:\n${err}`)), 60_000);
    child.stderr!.on("data", (c: Buffer) => {
      err += c.toString();
      const m = /(http:\/\/\S+\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`HTTP server exited (${code}):\n${err}`)));
  });
  return {
    url,
    child,
    stderr: () => err + out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      transcript.push(err + out);
    },
  };
}

/** Starts `server` on a free 127.0.0.1 port and returns its base URL as a Peaka API base (`…/api/v1`). */
export async function listenAsPeaka(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/v1`;
}

/** Connects the SDK's Streamable HTTP client with `Authorization: Bearer <key>`. */
export async function connectHttp(url: string, key: string = FAKE_KEY): Promise<Connected> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${key}` } } });
  const client = new Client({ name: "peaka-mcp-test", version: "0.0.0" });
  client.onerror = () => undefined;
  await client.connect(transport);
  return wrap(client, () => "", () => client.close());
}

/** An operation's flat arguments built from the spec's own examples. */
export function argsFromExamples(spec: Record<string, any>, op: SpecOperation): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const p of op.parameters) {
    const example = p["example"] ?? p["schema"]?.["example"];
    if (example !== undefined) args[p["name"]] = example;
    else if (p["required"]) throw new Error(`${op.operationId}: required parameter ${p["name"]} has no example`);
  }
  const body = deref(spec, op.operation.requestBody);
  if (body) {
    const [media] = Object.keys(body.content ?? {});
    const example = media ? body.content[media].example : undefined;
    if (example !== undefined) args["body"] = example;
    else if (body.required) throw new Error(`${op.operationId}: request body has no example`);
  }
  return args;
}
