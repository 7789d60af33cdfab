// What every tool is made of, and what it gets when called.
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { PeakaClient, PeakaCore } from "@peaka/api";
import type { JsonSchema, Safety } from "../catalog.js";
import type { SafetyFlags } from "../safety.js";

/** Limits on what a tool returns. */
export interface ResultLimits {
  /** Most rows `run_sql` returns; the rest are counted in a note. */
  maxRows: number;
  /** Most characters of text in one tool result; the rest is cut with a note. */
  maxResultChars: number;
}

/** What a tool is called with besides its arguments. */
export interface ToolContext {
  /** The client (resource methods, waiters) for the caller's key. */
  peaka: PeakaClient;
  /** The core for the operation functions, same key and options. */
  core: PeakaCore;
  flags: SafetyFlags;
  /** Whether tools and operations these flags refuse are listed (and found) anyway (`--list-refused-tools`). */
  listRefused: boolean;
  limits: ResultLimits;
  /** Fires when the MCP client cancels the call. */
  signal: AbortSignal;
  /**
   * Sends an MCP progress notification, if the client asked for them (a progress token). The server
   * numbers them: each one's `progress` is higher than the one before, whatever `progress` says.
   */
  progress(progress: number, total: number | undefined, message: string): Promise<void>;
  /**
   * Sends a progress notification now and another every few seconds (the server's heartbeat) until the
   * returned function is called, so that a client with a request timeout sees a long call is alive.
   */
  keepAlive(message: string): () => void;
  /** What this server remembers between calls (the paging probe of a statement). */
  memory: Map<string, unknown>;
}

/** One MCP tool. */
export interface ToolDefinition {
  name: string;
  title?: string;
  description: string;
  inputSchema: JsonSchema & { type: "object" };
  outputSchema?: JsonSchema & { type: "object" };
  annotations: ToolAnnotations;
  /**
   * Checked before the arguments and `run`: a `write` tool needs `--allow-writes`, a `destructive` one also
   * `--allow-destructive`. Unless the server lists refused tools, a tool these flags refuse is not listed.
   */
  safety: Safety;
  /** What changes in the listing under these flags (the hints of tools whose effect depends on them). */
  forMode?(flags: SafetyFlags): { annotations?: ToolAnnotations; description?: string };
  run(args: Record<string, any>, context: ToolContext): Promise<CallToolResult>;
}
