// The default tools: the jobs agents come for, each written on @peaka/api's resource methods,
// waiters and SQL helpers rather than on raw operations.
import { randomUUID } from "node:crypto";
import { fullRefreshCacheAndWait, incrementalUpdateCacheAndWait, waitForExport } from "@peaka/api";
import { runSql, sql, type SqlRows } from "@peaka/api/sql";
import type { JsonSchema } from "../catalog.js";
import { failure, json, limitText, text } from "../format.js";
import { lexSql } from "@peaka/api/internal/sql";
import { modeAnnotations, sqlModeSentence, sqlRefusal } from "../safety.js";
import type { ToolContext, ToolDefinition } from "./types.js";

type Props = Record<string, JsonSchema>;
const id = (what: string): JsonSchema => ({ type: "string", minLength: 1, description: what });
const PROJECT = id("Peaka project id (browse without arguments lists the projects the key can reach).");
const CATALOG = id("Catalog id, as browse lists it.");
const SCHEMA = id("Schema name.");
const TABLE = id("Table name.");

function input(properties: Props, required: string[]): JsonSchema & { type: "object" } {
  return { type: "object", properties, required, additionalProperties: false };
}

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;

/** The result text of a JSON answer, cut to the size limit. */
function jsonText(value: unknown, context: ToolContext, hint?: string) {
  return text(limitText(json(value), context.limits.maxResultChars, hint).text);
}

// ---- run_sql ------------------------------------------------------------------------------------

type Cell = string | number | boolean | null;

/**
 * Splits a statement at its `?` markers (outside quoted strings, quoted names and comments, by the
 * project's SQL lexer), so that the values can go through the `sql` tagged template as bindings.
 */
export function splitMarkers(statement: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const token of lexSql(statement)) {
    if (token.kind !== "parameter") continue;
    parts.push(statement.slice(start, token.start));
    start = token.end;
  }
  parts.push(statement.slice(start));
  return parts;
}

/** Rows as compact lines: the column names, then one JSON array per row; past the cap, a count and a note. */
export function renderRows(result: SqlRows, maxRows: number, maxChars: number): string {
  const keys = result.columns.map((c) => c.key);
  const lines = [json(result.columns.map((c) => (c.type ? `${c.key} ${c.type}` : c.key)))];
  let size = lines[0]!.length;
  let shown = 0;
  for (const row of result.rows) {
    if (shown >= maxRows) break;
    const line = json(keys.map((k) => row[k] ?? null));
    if (size + line.length + 1 > maxChars) break;
    lines.push(line);
    size += line.length + 1;
    shown++;
  }
  const total = result.rows.length;
  const more = total - shown;
  const head = `${total} row${total === 1 ? "" : "s"}, ${keys.length} column${keys.length === 1 ? "" : "s"}${more ? ` (first ${shown} shown)` : ""}`;
  const tail = more ? [`… truncated, ${more} more row${more === 1 ? "" : "s"} — use an export (export_result) for the full result.`] : [];
  return [head, ...lines, ...tail].join("\n");
}

const RUN_SQL_HINTS = { title: "Run SQL", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

const runSqlDescription =
  "Runs one SQL statement (Trino dialect; tables as \"catalog\".\"schema\".\"table\") in a Peaka project and returns its rows: a line of column names and types, then one JSON array per row. Put values in `params` and `?` in the statement: they are sent as bindings, never spliced into the text. Rows past the row cap are counted, not shown: use export_result for large results.";

const runSqlTool: ToolDefinition = {
  name: "run_sql",
  title: "Run SQL",
  description: runSqlDescription,
  inputSchema: input(
    {
      projectId: PROJECT,
      statement: { type: "string", minLength: 1, description: "The SQL statement, with ? where a value goes." },
      params: { type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }] }, description: "Values for the ? markers, in order." },
      maxRows: { type: "integer", minimum: 1, description: "Most rows to show (at most the server's row cap)." },
      timeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, description: "Seconds Peaka may run the query." },
    },
    ["projectId", "statement"],
  ),
  annotations: RUN_SQL_HINTS,
  // What run_sql may do is what the flags let its statements do.
  forMode: (flags) => ({ annotations: modeAnnotations(RUN_SQL_HINTS, flags), description: `${runSqlDescription} ${sqlModeSentence(flags)}` }),
  safety: "read",
  async run(args, context) {
    const text0 = String(args["statement"]);
    const refused = sqlRefusal("run_sql", text0, context.flags);
    if (refused) return failure(refused);
    const params = (args["params"] ?? []) as Cell[];
    const parts = splitMarkers(text0);
    if (parts.length - 1 !== params.length) return failure(`The statement has ${parts.length - 1} ? marker(s) but params has ${params.length} value(s).`);
    // The tagged template called as a tag: each value becomes a binding (typed by a cast where it is not a string).
    const strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
    const statement = sql(strings, ...params);
    const timeout = args["timeoutSeconds"] ? Number(args["timeoutSeconds"]) * 1000 : undefined;
    const result = await runSql(context.peaka, String(args["projectId"]), statement, { signal: context.signal, ...(timeout ? { timeout } : {}) });
    const maxRows = Math.min(Number(args["maxRows"] ?? context.limits.maxRows), context.limits.maxRows);
    return text(renderRows(result, maxRows, context.limits.maxResultChars));
  },
};

// ---- browse / describe ----------------------------------------------------------------------------

const browse: ToolDefinition = {
  name: "browse",
  title: "Browse projects, catalogs, schemas, tables and columns",
  description:
    "Lists one level of what the key can reach: without arguments the projects (organization → workspace → project, partner keys); with projectId its catalogs; add catalogId for its schemas, schemaName for its tables, tableName for its columns.",
  inputSchema: input({ projectId: PROJECT, catalogId: CATALOG, schemaName: SCHEMA, tableName: TABLE }, []),
  annotations: { title: "Browse", ...READ },
  safety: "read",
  async run(args, context) {
    const { peaka, signal } = context;
    const o = { signal };
    const { projectId, catalogId, schemaName, tableName } = args as Record<string, string | undefined>;
    if (!projectId) {
      const projects: unknown[] = [];
      for (const org of await peaka.organizations.list(undefined, o)) {
        for (const ws of await peaka.workspaces.list({ organizationId: org.id }, o)) {
          for (const p of await peaka.projects.list({ organizationId: org.id, workspaceId: ws.id }, o)) {
            projects.push({ projectId: p.id, project: p.name, workspace: ws.name, organization: org.name });
          }
        }
      }
      return jsonText(projects, context);
    }
    if (!catalogId) return jsonText(await peaka.catalogs.list({ projectId }, o), context);
    if (!schemaName) return jsonText(await peaka.catalogs.listSchemas({ projectId, catalogId }, o), context);
    if (!tableName) return jsonText(await peaka.catalogs.listTables({ projectId, catalogId, schemaName }, o), context);
    return jsonText(await peaka.catalogs.listColumns({ projectId, catalogId, schemaName, tableName }, o), context);
  },
};

const describeTable: ToolDefinition = {
  name: "describe_table",
  title: "Describe a table",
  description: "A table's columns, its statistics (row count, column statistics) and whether it is cached, in one call.",
  inputSchema: input({ projectId: PROJECT, catalogId: CATALOG, schemaName: SCHEMA, tableName: TABLE }, ["projectId", "catalogId", "schemaName", "tableName"]),
  annotations: { title: "Describe a table", ...READ },
  safety: "read",
  async run(args, context) {
    const ids = args as { projectId: string; catalogId: string; schemaName: string; tableName: string };
    const o = { signal: context.signal };
    const [columns, statistics, cached] = await Promise.allSettled([
      context.peaka.catalogs.listColumns(ids, o),
      context.peaka.catalogs.getTableStatistics(ids, o),
      context.peaka.catalogs.getTableCacheState(ids, o),
    ]);
    if (columns.status === "rejected") throw columns.reason;
    const part = (r: PromiseSettledResult<unknown>) => (r.status === "fulfilled" ? r.value : { unavailable: r.reason instanceof Error ? r.reason.message : String(r.reason) });
    return jsonText({ columns: columns.value, statistics: part(statistics), cache: part(cached) }, context);
  },
};

// ---- caches ----------------------------------------------------------------------------------------

const cacheStatus: ToolDefinition = {
  name: "cache_status",
  title: "Cache status",
  description: "Where caches stand: one cache by cacheId, or every cache of a project, a catalog (catalogId) or a schema (catalogId and schemaName).",
  inputSchema: input({ projectId: PROJECT, cacheId: id("Cache id."), catalogId: CATALOG, schemaName: SCHEMA }, ["projectId"]),
  annotations: { title: "Cache status", ...READ },
  safety: "read",
  async run(args, context) {
    const { projectId, cacheId, catalogId, schemaName } = args as Record<string, string>;
    const o = { signal: context.signal };
    const cache = context.peaka.cache;
    if (cacheId) return jsonText(await cache.getStatus({ projectId: projectId!, cacheId, excludeLogs: true }, o), context);
    if (catalogId && schemaName) return jsonText(await cache.listStatusesBySchema({ projectId: projectId!, catalogId, schemaName }, o), context);
    if (catalogId) return jsonText(await cache.listStatusesByCatalog({ projectId: projectId!, catalogId }, o), context);
    return jsonText(await cache.listStatusesByProject({ projectId: projectId! }, o), context);
  },
};

const refreshCache: ToolDefinition = {
  name: "refresh_cache",
  title: "Refresh a cache and wait",
  description:
    "Starts a cache sync (full refresh, or incremental update) and, unless wait is false, waits until the run it started ends, sending MCP progress notifications while it runs. Needs --allow-writes.",
  inputSchema: input(
    {
      projectId: PROJECT,
      cacheId: id("Cache id (cache_status lists them)."),
      mode: { type: "string", enum: ["full", "incremental"], default: "full", description: "full re-reads the table; incremental fetches what changed." },
      wait: { type: "boolean", default: true, description: "Wait for the sync to end." },
      timeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, default: 600, description: "How long to wait." },
    },
    ["projectId", "cacheId"],
  ),
  annotations: { title: "Refresh a cache", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  safety: "write",
  async run(args, context) {
    const ids = { projectId: String(args["projectId"]), cacheId: String(args["cacheId"]) };
    const incremental = args["mode"] === "incremental";
    const what = incremental ? "incremental update" : "full refresh";
    if (args["wait"] === false) {
      const o = { signal: context.signal };
      const started = incremental ? await context.peaka.cache.triggerIncrementalUpdate(ids, o) : await context.peaka.cache.triggerFullRefresh(ids, o);
      return jsonText({ started }, context);
    }
    await context.progress(0, undefined, `cache ${ids.cacheId}: starting a ${what}`);
    let reads = 0;
    // The one-call helpers read the newest run first, trigger, and wait for the run they started (not an earlier one).
    const wait = incremental ? incrementalUpdateCacheAndWait : fullRefreshCacheAndWait;
    const status = await wait(context.peaka, ids, {
      timeout: Number(args["timeoutSeconds"] ?? 600) * 1000,
      signal: context.signal,
      onProgress: (s, state) => {
        const run = incremental ? s.lastIncrementalCacheExecution : s.lastFullRefreshCacheExecution;
        const records = run?.progress?.numberOfCachedRecords;
        void context.progress(++reads, undefined, `cache ${ids.cacheId} ${what}: ${state}${records != null ? `, ${records} records cached` : ""}`);
      },
    });
    const run = incremental ? status.lastIncrementalCacheExecution : status.lastFullRefreshCacheExecution;
    return jsonText({ status: status.status, run }, context);
  },
};

// ---- metadata ------------------------------------------------------------------------------------------

const searchMetadata: ToolDefinition = {
  name: "search_metadata",
  title: "Search table metadata and golden SQL",
  description: "Finds the tables that fit a question (Peaka's metadata search) and curated golden SQL examples for it, to write correct SQL.",
  inputSchema: input(
    {
      projectId: PROJECT,
      query: { type: "string", minLength: 1, description: "A table name or a question in words." },
      kind: { type: "string", enum: ["tables", "golden_sql", "both"], default: "both", description: "What to search." },
    },
    ["projectId", "query"],
  ),
  annotations: { title: "Search metadata", ...READ },
  safety: "read",
  async run(args, context) {
    const projectId = String(args["projectId"]);
    const query = String(args["query"]);
    const kind = String(args["kind"] ?? "both");
    const o = { signal: context.signal };
    const out: Record<string, unknown> = {};
    if (kind !== "golden_sql") out["tables"] = await context.peaka.metadata.searchTables({ projectId, table: query }, o);
    if (kind !== "tables") out["goldenSql"] = await context.peaka.metadata.searchGoldenSqls({ projectId, q: query }, o);
    return jsonText(out, context);
  },
};

// ---- the agent --------------------------------------------------------------------------------------------

/** The text of a LangChain-serialized message's content. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === "string" ? part : String((part as any)?.text ?? ""))).join("");
  return "";
}

const askAgent: ToolDefinition = {
  name: "ask_agent",
  title: "Ask the Peaka AI agent",
  description:
    "Asks Peaka's AI agent a question about the project's data (it finds tables, writes and runs SQL) and returns its final answer, the SQL it wrote and the steps it took, gathered from its event stream. Pass threadId to continue a conversation.",
  inputSchema: input(
    {
      projectId: PROJECT,
      message: { type: "string", minLength: 1, description: "The question, in natural language." },
      threadId: { type: "string", format: "uuid", description: "Conversation to continue (a UUID); left out, a new one is started and returned." },
      noExecute: { type: "boolean", default: false, description: "Write the SQL but do not run it." },
    },
    ["projectId", "message"],
  ),
  annotations: { title: "Ask the agent", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  safety: "read",
  async run(args, context) {
    const threadId = String(args["threadId"] ?? randomUUID());
    const stream = await context.peaka.agent.stream(
      {
        projectId: String(args["projectId"]),
        body: { message: String(args["message"]), threadId, noExecute: args["noExecute"] === true, streamModes: ["updates", "values", "messages"] },
      },
      { signal: context.signal },
    );
    const steps: string[] = [];
    let state: Record<string, any> | undefined;
    let tokens = "";
    let events = 0;
    for await (const event of stream) {
      events++;
      const data = event.data as Record<string, any>;
      if (event.event === "values" || (data && Array.isArray(data["messages"]))) state = data;
      else if (event.event === "messages") {
        const piece = Array.isArray(data) ? data[0] : data;
        tokens += contentText(piece?.kwargs?.content ?? piece?.content);
      } else if (data && typeof data === "object") {
        for (const [step, change] of Object.entries(data)) {
          steps.push(step);
          if (change && typeof change === "object") state = { ...state, ...(change as object) };
        }
      }
      if (events % 10 === 0) void context.progress(events, undefined, `agent: ${events} events`);
    }
    const messages: any[] = Array.isArray(state?.["messages"]) ? state!["messages"] : [];
    const last = [...messages].reverse().find((m) => String(m?.id?.at?.(-1) ?? m?.type ?? "").includes("AI"));
    const answer = contentText(last?.kwargs?.content) || tokens;
    const sql = state?.["currentGeneratedQuery"] ?? state?.["generatedQuery"];
    return jsonText(
      {
        threadId,
        answer: answer || null,
        ...(sql ? { sql } : {}),
        ...(state?.["userIntentReasoning"] ? { intent: state["userIntentReasoning"] } : {}),
        steps,
        events,
        ...(answer ? {} : { lastState: state ?? null }),
      },
      context,
    );
  },
};

// ---- exports -------------------------------------------------------------------------------------------

const exportResult: ToolDefinition = {
  name: "export_result",
  title: "Export a large result",
  description:
    "Exports a saved query's result (queryId) or a whole table (catalogId, schemaName, tableName) to CSV or JSONL files, up to a million rows, waits for the export (with progress notifications) and returns the download links. For a result too large for run_sql.",
  inputSchema: input(
    {
      projectId: PROJECT,
      queryId: id("Saved query id to export."),
      catalogId: CATALOG,
      schemaName: SCHEMA,
      tableName: TABLE,
      format: { type: "string", enum: ["CSV", "JSONL"], default: "CSV", description: "File format." },
      compression: { type: "string", enum: ["NONE", "GZIP"], description: "GZIP for smaller files." },
      limit: { type: "integer", minimum: 1, description: "Most rows to export." },
      wait: { type: "boolean", default: true, description: "Wait for the files; false returns the job id at once." },
      timeoutSeconds: { type: "integer", minimum: 1, maximum: 3600, default: 600, description: "How long to wait." },
    },
    ["projectId"],
  ),
  annotations: { title: "Export a result", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  safety: "read",
  async run(args, context) {
    const projectId = String(args["projectId"]);
    const body: Record<string, unknown> = { format: args["format"] ?? "CSV" };
    if (args["compression"]) body["compression"] = args["compression"];
    if (args["limit"]) body["limit"] = args["limit"];
    const o = { signal: context.signal };
    const { queryId, catalogId, schemaName, tableName } = args as Record<string, string | undefined>;
    let job: { id: string; status?: string };
    if (queryId) job = await context.peaka.exports.exportQuery({ projectId, queryId, body: body as any }, o);
    else if (catalogId && schemaName && tableName) job = await context.peaka.exports.exportTable({ projectId, catalogId, schemaName, tableName, body: body as any }, o);
    else return failure("Say what to export: queryId, or catalogId with schemaName and tableName. To export an ad hoc statement, save it as a query first.");
    if (args["wait"] === false) return jsonText({ exportId: job.id, status: job.status }, context);
    await context.progress(0, undefined, `export ${job.id}: started`);
    let reads = 0;
    const done = await waitForExport(context.peaka, { projectId, exportId: job.id }, {
      timeout: Number(args["timeoutSeconds"] ?? 600) * 1000,
      signal: context.signal,
      onProgress: (_s, state) => void context.progress(++reads, undefined, `export ${job.id}: ${state}`),
    });
    return jsonText({ exportId: job.id, status: done.status, files: (done as any).files ?? [] }, context);
  },
};

/** The default task tools, in the order they are listed. */
export const taskTools: ToolDefinition[] = [runSqlTool, browse, describeTable, cacheStatus, refreshCache, searchMetadata, askAgent, exportResult];
