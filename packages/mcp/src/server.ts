// The MCP server: the tools a selection turns on, argument checks, the safety flags, size limits and
// secret scrubbing around every call. Transport-free: cli.ts connects it to stdio, http.ts to
// Streamable HTTP (one server per request, with the caller's key).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { createPeakaClient, createPeakaCore, type PeakaClient, type PeakaClientOptions, type PeakaCore } from "@peaka/api";
import { resources } from "./catalog.js";
import { codeTool } from "./code-mode.js";
import { SQL_GUIDE_URI, SQL_PROMPT, sqlGuide, sqlPromptText } from "./guide.js";
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
  /**
   * How often, in milliseconds, a tool that waits (run_sql, refresh_cache, export_result, ...) sends a
   * progress notification while it waits, to a client that asked for progress (at least 10). Default: 5000.
   */
  heartbeatMs?: number;
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

export const DEFAULTS = { maxRows: 100, maxResultChars: 50_000, heartbeatMs: 5000 } as const;

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
  const selected = [...selectTools(options.tools), ...(options.codeMode ? [codeTool(options.codeMode.deno, redactor([options.apiKey]))] : [])];
  const tools = toolsForMode(selected, flags, listRefused);
  // A selected tool the flags hide is still answered, with its refusal.
  const byName = new Map(toolsForMode(selected, flags, true).map((t) => [t.name, t]));
  const connection = options.connection ?? connectPeaka(options.apiKey, options.client);
  const scrub = redactor([options.apiKey]);
  const heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs;
  if (typeof heartbeatMs !== "number" || !Number.isFinite(heartbeatMs) || heartbeatMs < 10) throw new TypeError(`heartbeatMs must be a number of milliseconds of at least 10; got ${String(heartbeatMs)}.`);
  const memory = new Map<string, unknown>();

  const server = new Server(
    { name: "peaka-mcp", title: "Peaka", version: VERSION },
    {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions: `Peaka joins databases and SaaS apps into one SQL layer. Find data with browse, describe_table and search_metadata; query it with run_sql (Trino SQL, tables as "catalog"."schema"."table"; the ${SQL_GUIDE_URI} resource and the ${SQL_PROMPT} prompt have the rules) and page large results with its offset; run saved queries with run_saved_query. search_operations, describe_operation and call_operation reach every other operation of the Peaka API.`,
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: tools.map(listing) }));

  const guide = { uri: SQL_GUIDE_URI, name: "sql-guide", title: "Writing SQL for Peaka", mimeType: "text/markdown" };
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({
    resources: [{ ...guide, description: "Names, quoting, the Trino functions that differ from other databases, paging and what this server refuses." }],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    if (request.params.uri !== SQL_GUIDE_URI) throw new McpError(ErrorCode.InvalidParams, `Unknown resource ${JSON.stringify(request.params.uri)}; this server has ${SQL_GUIDE_URI}.`);
    return { contents: [{ uri: SQL_GUIDE_URI, mimeType: guide.mimeType, text: sqlGuide(flags) }] };
  });
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: [
      {
        name: SQL_PROMPT,
        title: "Answer a question with Peaka SQL",
        description: "The SQL guide for Peaka, then a question to answer with one Trino query.",
        arguments: [
          { name: "question", description: "What to find out, in words.", required: true },
          { name: "projectId", description: "The Peaka project to query.", required: false },
        ],
      },
    ],
  }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    if (request.params.name !== SQL_PROMPT) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt ${JSON.stringify(request.params.name)}; this server has ${SQL_PROMPT}.`);
    const question = request.params.arguments?.["question"];
    if (!question) throw new McpError(ErrorCode.InvalidParams, `The ${SQL_PROMPT} prompt needs a question.`);
    return {
      description: "Answer a question with Peaka SQL",
      messages: [
        { role: "user" as const, content: { type: "resource" as const, resource: { uri: SQL_GUIDE_URI, mimeType: guide.mimeType, text: sqlGuide(flags) } } },
        { role: "user" as const, content: { type: "text" as const, text: sqlPromptText(question, request.params.arguments?.["projectId"]) } },
      ],
    };
  });

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
    // Progress notifications go out in order, numbered upwards, and all of them before the result (a
    // client drops progress that arrives after the answer).
    let sent: Promise<void> = Promise.resolve();
    let count = 0;
    let done = false;
    const heartbeats = new Set<ReturnType<typeof setInterval>>();
    const progress: ToolContext["progress"] = (_progress, total, message) => {
      if (token === undefined || done) return sent;
      const params = { progressToken: token, progress: ++count, ...(total !== undefined ? { total } : {}), message: scrub(message) };
      sent = sent.then(() => extra.sendNotification({ method: "notifications/progress", params })).catch(() => undefined);
      return sent;
    };
    const context: ToolContext = {
      ...connection,
      flags,
      listRefused,
      limits,
      memory,
      signal: extra.signal,
      progress,
      keepAlive: (message) => {
        if (token === undefined) return () => undefined;
        const started = Date.now();
        void progress(0, undefined, message);
        const timer = setInterval(() => void progress(0, undefined, `${message} (${Math.round((Date.now() - started) / 1000)} s)`), heartbeatMs);
        heartbeats.add(timer);
        return () => {
          clearInterval(timer);
          heartbeats.delete(timer);
        };
      },
    };
    let result: CallToolResult;
    try {
      result = await tool.run(args, context);
    } catch (error) {
      result = errorResult(error);
    } finally {
      for (const timer of heartbeats) clearInterval(timer);
    }
    await sent;
    done = true;
    // Every text is cut to the limit (tools cut their own with better notes; this is the backstop).
    result = {
      ...result,
      content: result.content.map((item) => (item.type === "text" ? { ...item, text: limitText(item.text, limits.maxResultChars + 500).text } : item)),
    };
    return scrubResult(result, scrub);
  });

  return server;
}
