// The MCP server: the tools a selection turns on, argument checks, the safety flags, size limits and
// secret scrubbing around every call. Transport-free: cli.ts connects it to stdio, http.ts to
// Streamable HTTP (one server per request, with the caller's key).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { createPeakaClient, createPeakaCore, type PeakaClient, type PeakaClientOptions, type PeakaCore } from "@peaka/api";
import { resources } from "./catalog.js";
import { codeTool } from "./code-mode.js";
import { errorResult, failure, limitText, redactor, scrubResult } from "./format.js";
import { allows, refusal, type SafetyFlags } from "./safety.js";
import { checkArguments, metaTools } from "./tools/meta.js";
import { operationTool, selectOperations } from "./tools/operations.js";
import { taskTools } from "./tools/task.js";
import type { ResultLimits, ToolContext, ToolDefinition } from "./tools/types.js";
import { VERSION } from "./version.js";

/** Options of `createPeakaMcpServer`. */
export interface PeakaMcpServerOptions {
  /** The Peaka API key calls are made with. Never appears in a tool result, an error or a log line. */
  apiKey: string;
  /** Options for the @peaka/api client besides the key (region, baseUrl, fetch, logger, retries, timeout). Default: none. */
  client?: Omit<PeakaClientOptions, "apiKey">;
  /**
   * Which tools to list: `default` (the task tools and the three meta-tools), `task`, `meta`, `all`
   * (a tool per operation of the spec) or resource names (`cache`, `catalogs`, ...: a tool per
   * operation of those). Default: `["default"]`.
   */
  tools?: readonly string[];
  /** Allow calls that create or change data (`--allow-writes`). Default: false. */
  allowWrites?: boolean;
  /** Also allow deletions (`--allow-destructive`; needs `allowWrites`). Default: false. */
  allowDestructive?: boolean;
  /**
   * List (and let search_operations find) the tools and operations the flags refuse, refusing them
   * when called, instead of leaving them out (`--list-refused-tools`). Default: false.
   */
  listRefusedTools?: boolean;
  /** Most rows `run_sql` shows. Default: 100. */
  maxRows?: number;
  /** Most characters of text in one tool result; longer results are cut with a note. Default: 50000. */
  maxResultChars?: number;
  /**
   * Code mode: adds `run_code`, which runs the agent's TypeScript in a Deno sandbox whose only way
   * out is a bridge to this server's operations. `deno` is the Deno binary (see `findDeno`). Default: off.
   */
  codeMode?: { deno: string };
  /** A client and core made earlier for the same key and options (the HTTP server keeps one per key). Default: made here. */
  connection?: PeakaConnection;
}

/** A client and a core for one key. */
export interface PeakaConnection {
  peaka: PeakaClient;
  core: PeakaCore;
}

/** Makes the client and the core the tools call Peaka with; throws `PeakaConfigError` for unusable options. */
export function connectPeaka(apiKey: string, client: Omit<PeakaClientOptions, "apiKey"> = {}): PeakaConnection {
  const options = { ...client, apiKey };
  return { peaka: createPeakaClient(options), core: createPeakaCore(options) };
}

export const DEFAULTS = { maxRows: 100, maxResultChars: 50_000 } as const;

/** The tool groups and resource names `tools` accepts. */
export function toolSelectors(): string[] {
  return ["default", "task", "meta", "all", ...resources()];
}

/** The tools a selection lists, in order: task tools, meta-tools, per-operation tools. */
export function selectTools(selection: readonly string[] = ["default"]): ToolDefinition[] {
  const known = new Set(toolSelectors());
  const unknown = selection.filter((s) => !known.has(s));
  if (unknown.length) throw new Error(`Unknown --tools value ${unknown.map((u) => `"${u}"`).join(", ")}; use ${toolSelectors().join(", ")}.`);
  const want = (group: string) => selection.includes(group) || selection.includes("default");
  return [...(want("task") ? taskTools : []), ...(want("meta") ? metaTools : []), ...selectOperations(selection).map(operationTool)];
}

/**
 * The tools a server lists under its flags: those the flags allow (all of them with `listRefused`),
 * with the description and hints the flags give them.
 */
export function toolsForMode(tools: readonly ToolDefinition[], flags: SafetyFlags, listRefused = false): ToolDefinition[] {
  return tools.filter((t) => listRefused || allows(flags, t.safety)).map((t) => (t.forMode ? { ...t, ...t.forMode(flags) } : t));
}

/** How a tool is listed. */
export function listing(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    description: tool.description,
    inputSchema: tool.inputSchema as Tool["inputSchema"],
    ...(tool.outputSchema ? { outputSchema: tool.outputSchema as Tool["outputSchema"] } : {}),
    annotations: tool.annotations,
  };
}

/** Creates the MCP server (not yet connected to a transport). */
export function createPeakaMcpServer(options: PeakaMcpServerOptions): Server {
  const flags: SafetyFlags = { allowWrites: options.allowWrites === true, allowDestructive: options.allowDestructive === true };
  const limits: ResultLimits = {
    maxRows: options.maxRows ?? DEFAULTS.maxRows,
    maxResultChars: options.maxResultChars ?? DEFAULTS.maxResultChars,
  };
  const listRefused = options.listRefusedTools === true;
  const selected = [...selectTools(options.tools), ...(options.codeMode ? [codeTool(options.codeMode.deno)] : [])];
  const tools = toolsForMode(selected, flags, listRefused);
  // A selected tool the flags hide is still answered, with its refusal.
  const byName = new Map(toolsForMode(selected, flags, true).map((t) => [t.name, t]));
  const connection = options.connection ?? connectPeaka(options.apiKey, options.client);
  const scrub = redactor([options.apiKey]);

  const server = new Server(
    { name: "peaka-mcp", title: "Peaka", version: VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        "Peaka joins databases and SaaS apps into one SQL layer. Find data with browse, describe_table and search_metadata; query it with run_sql (Trino SQL, tables as \"catalog\".\"schema\".\"table\"); use export_result for large results. search_operations, describe_operation and call_operation reach every other operation of the Peaka API.",
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: tools.map(listing) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    if (!tool) return failure(`Unknown tool "${request.params.name}". Listed tools: ${tools.map((t) => t.name).join(", ")}.`);
    const args = (request.params.arguments ?? {}) as Record<string, any>;
    // A refused call is refused before its arguments are looked at.
    const refused = refusal(tool.name, tool.safety, flags);
    if (refused) return failure(refused);
    const problems = checkArguments(`tool:${tool.name}`, tool.inputSchema, args);
    if (problems) return failure(`Invalid arguments for ${tool.name}: ${problems}.`);
    const token = request.params._meta?.progressToken;
    // Progress notifications go out in order, and all of them before the result (a client drops
    // progress that arrives after the answer).
    let sent: Promise<void> = Promise.resolve();
    const context: ToolContext = {
      ...connection,
      flags,
      listRefused,
      limits,
      signal: extra.signal,
      progress: (progress, total, message) => {
        if (token === undefined) return sent;
        const params = { progressToken: token, progress, ...(total !== undefined ? { total } : {}), message: scrub(message) };
        sent = sent.then(() => extra.sendNotification({ method: "notifications/progress", params })).catch(() => undefined);
        return sent;
      },
    };
    let result: CallToolResult;
    try {
      result = await tool.run(args, context);
    } catch (error) {
      result = errorResult(error);
    }
    await sent;
    // Every text is cut to the limit (tools cut their own with better notes; this is the backstop).
    result = {
      ...result,
      content: result.content.map((item) => (item.type === "text" ? { ...item, text: limitText(item.text, limits.maxResultChars + 500).text } : item)),
    };
    return scrubResult(result, scrub);
  });

  return server;
}
