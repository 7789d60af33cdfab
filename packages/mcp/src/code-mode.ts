// Code mode (opt-in, `--code-mode`): the agent's TypeScript runs in a Deno sandbox (sandbox.ts) that may
// reach only a bridge on 127.0.0.1 — no files, no environment, no subprocesses, no other network. Its
// `peaka` object forwards each call (`await peaka.listCatalogs({ projectId })`, named by operationId)
// over the bridge to @peaka/api's operation function in this process, with the same argument checks and
// safety flags as call_operation. The key never enters the sandbox: not in its environment or arguments,
// and every bridge answer is scrubbed of it before it goes in.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { findOperation, OPERATIONS } from "./catalog.js";
import { errorResult, failure, json, limitText, text } from "./format.js";
import { OPERATION_FUNCTIONS } from "./generated/operations.js";
import { checkArguments } from "./tools/meta.js";
import { refusal } from "./safety.js";
import { MAX_OUTPUT_BYTES, MAX_RESIDENT_BYTES, runInSandbox } from "./sandbox.js";
import { operationRefusal } from "./tools/operations.js";
import type { ToolContext, ToolDefinition } from "./tools/types.js";

/** Most operation calls one run may make. */
const MAX_CALLS = 100;
/** Largest request body the bridge reads, in bytes. */
const MAX_BODY = 1_000_000;
const MIB = 1024 * 1024;

/**
 * The Deno binary: `explicit` (--deno, then the only one tried), else PEAKA_MCP_DENO, else the `deno` npm package where it is
 * installed, else `deno` on the PATH. Undefined when none runs.
 */
export function findDeno(explicit?: string): string | undefined {
  const candidates: string[] = [];
  // A Deno named on the command line is the only one tried.
  if (explicit) return runs(explicit) ? explicit : undefined;
  if (process.env["PEAKA_MCP_DENO"]) candidates.push(process.env["PEAKA_MCP_DENO"]);
  for (const from of [import.meta.url, join(process.cwd(), "package.json")]) {
    try {
      const pkg = createRequire(from).resolve("deno/package.json");
      // The package's launcher puts the binary next to itself on first run; run the binary itself
      // (a killed launcher would leave Deno running).
      const exe = join(dirname(pkg), process.platform === "win32" ? "deno.exe" : "deno");
      if (!existsSync(exe)) spawnSync(process.execPath, [join(dirname(pkg), "bin.cjs"), "--version"], { stdio: "ignore", timeout: 60_000 });
      candidates.push(exe);
    } catch {
      // not installed there
    }
  }
  candidates.push("deno");
  return candidates.find((candidate) => (candidate === "deno" || existsSync(candidate)) && runs(candidate));
}

function runs(deno: string): boolean {
  const r = spawnSync(deno, ["--version"], { encoding: "utf8", timeout: 20_000 });
  return r.status === 0 && /^deno \d/.test(r.stdout);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("request too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Runs one operation for the sandbox, as call_operation would. */
async function bridgeCall(operationId: string, args: Record<string, any>, context: ToolContext): Promise<{ ok: true; data: unknown } | { ok: false; error: string }> {
  const op = findOperation(operationId);
  if (!op) return { ok: false, error: `Unknown operation "${operationId}": use search_operations.` };
  // As call_operation: an operation the flags refuse is refused before its arguments are looked at.
  const byClass = refusal(op.operationId, op.safety, context.flags);
  if (byClass) return { ok: false, error: byClass };
  const problems = checkArguments(`op:${op.operationId}`, op.inputSchema, args);
  if (problems) return { ok: false, error: `Invalid arguments for ${op.operationId}: ${problems}` };
  const refused = operationRefusal(op, args, context);
  if (refused) return { ok: false, error: refused };
  try {
    const data = await OPERATION_FUNCTIONS[op.operationId]!(context.core, args, { signal: context.signal });
    if (op.result === "blob") return { ok: true, data: { type: (data as Blob).type, size: (data as Blob).size } };
    if (op.result === "stream") {
      const events: unknown[] = [];
      for await (const event of data as AsyncIterable<{ event?: string; data: unknown }>) events.push(event.event ? { event: event.event, data: event.data } : { data: event.data });
      return { ok: true, data: events };
    }
    return { ok: true, data: data ?? null };
  } catch (error) {
    const result = errorResult(error);
    return { ok: false, error: result.content.map((c) => (c.type === "text" ? c.text : "")).join("") };
  }
}

/** Most `run_code` runs at once in this process (every server and session in it); a call past it is refused, not queued. */
export const MAX_CONCURRENT_RUNS = 2;
let running = 0;

/**
 * The `run_code` tool, running programs with the given Deno. `scrub` cleans every bridge answer before
 * it enters the sandbox (the server's key scrubber), so an upstream that echoes the key cannot hand it in.
 */
export function codeTool(deno: string, scrub: (value: string) => string = (v) => v): ToolDefinition {
  return {
    name: "run_code",
    title: "Run TypeScript against the Peaka API (sandboxed)",
    description: `Runs TypeScript in a Deno sandbox (no files, no environment, no network but the Peaka bridge) as the body of an async function, and returns what it returns plus its console output. \`peaka.<operationId>(args)\` calls any of the ${OPERATIONS.length} operations (find them with search_operations, their arguments with describe_operation) and resolves with the answer's data; the server's safety flags apply to each call. Use it to combine calls, filter and aggregate before answering, e.g. \`const cats = await peaka.listCatalogs({ projectId: "..." }); return cats.map((c) => c.name);\`. At most ${MAX_CALLS} calls per run, ${MAX_OUTPUT_BYTES / MIB} MiB of console output and ${MAX_RESIDENT_BYTES / MIB} MiB of memory; imports of files, packages and remote modules are refused.`,
    inputSchema: {
      type: "object",
      properties: {
        code: { type: "string", minLength: 1, description: "TypeScript: the body of an async function; `peaka` is in scope; `return` the result." },
        timeoutSeconds: { type: "integer", minimum: 1, maximum: 300, default: 60, description: "Wall-clock limit for the run." },
      },
      required: ["code"],
      additionalProperties: false,
    },
    annotations: { title: "Run code against the Peaka API", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    // Each call the code makes is checked against its operation's safety class.
    safety: "read",
    async run(args, context) {
      if (running >= MAX_CONCURRENT_RUNS) return failure(`Refused: ${MAX_CONCURRENT_RUNS} run_code runs are already in progress on this server (the most at once). Try again when one has finished.`);
      running++;
      // Operation calls still in flight when the run ends are aborted with it.
      const ended = new AbortController();
      const callContext: ToolContext = { ...context, signal: AbortSignal.any([context.signal, ended.signal]) };
      const token = randomBytes(24).toString("hex");
      let calls = 0;
      const bridge = createServer((req, res) => {
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(scrub(json(body)));
        };
        if (req.method !== "POST" || req.headers["x-peaka-bridge"] !== token) return reply(403, { ok: false, error: "forbidden" });
        if (++calls > MAX_CALLS) return reply(429, { ok: false, error: `More than ${MAX_CALLS} calls in one run.` });
        readBody(req)
          .then(async (body) => {
            const { operationId, args: callArgs } = JSON.parse(body) as { operationId: string; args: Record<string, any> };
            reply(200, await bridgeCall(String(operationId), callArgs ?? {}, callContext));
          })
          .catch((error: unknown) => reply(400, { ok: false, error: error instanceof Error ? error.message : String(error) }));
      });
      try {
        await new Promise<void>((resolve) => bridge.listen(0, "127.0.0.1", resolve));
        const address = bridge.address();
        const port = typeof address === "object" && address ? address.port : 0;
        const seconds = Number(args["timeoutSeconds"] ?? 60);
        const outcome = await runInSandbox(deno, { code: String(args["code"]), bridgeUrl: `http://127.0.0.1:${port}/call`, token, seconds, signal: context.signal });
        const max = context.limits.maxResultChars;
        if (outcome.kind === "invalid") return failure(`The code does not compile:\n${limitText(outcome.message, 2000).text}`);
        const logs = outcome.logs ? `\nconsole:\n${outcome.logs}` : "";
        if (outcome.kind === "stopped") {
          return failure(limitText(`The code did not finish: ${outcome.why}.${outcome.stderr ? `\n${limitText(outcome.stderr, 2000).text}` : ""}${logs}`, max).text);
        }
        if (outcome.kind === "threw") return failure(limitText(`The code threw ${outcome.error}${logs}`, max).text);
        return text(limitText(`${json(outcome.value)}${logs}`, max).text);
      } catch (error) {
        return errorResult(error);
      } finally {
        ended.abort();
        running--;
        bridge.closeAllConnections();
        bridge.close();
      }
    },
  };
}
