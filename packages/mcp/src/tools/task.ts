// The default tools: the jobs agents come for, each written on @peaka/api's resource methods,
// waiters and SQL helpers rather than on raw operations.
import { randomUUID } from "node:crypto";
import { PeakaTimeoutError, waitForCacheRun, waitForExport, type CacheRunBaseline } from "@peaka/api";
import type { JsonSchema } from "../catalog.js";
import { compact, type CompactOptions } from "../compact.js";
import { failure, json, limitText, text } from "../format.js";
import { sqlTools } from "./sql.js";
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

/** The result text of a JSON answer, compacted (see compact.ts) and cut to the size limit. */
function jsonText(value: unknown, context: ToolContext, options: CompactOptions = {}) {
  return text(limitText(json(compact(value, options)), context.limits.maxResultChars).text);
}

/** Default wait of the tools that wait: below the 60 s request timeout common MCP clients use. */
export const DEFAULT_WAIT_SECONDS = 45;
const WAIT_SECONDS: JsonSchema = {
  type: "integer",
  minimum: 1,
  maximum: 3600,
  default: DEFAULT_WAIT_SECONDS,
  description: `How long to wait in this call (default ${DEFAULT_WAIT_SECONDS}, below common client timeouts); a job still running then is answered with how to keep waiting in another call.`,
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
    const known = { known: { projectId, catalogId, schemaName, tableName } };
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
    if (!catalogId) return jsonText(await peaka.catalogs.list({ projectId }, o), context, known);
    if (!schemaName) return jsonText(await peaka.catalogs.listSchemas({ projectId, catalogId }, o), context, known);
    if (!tableName) return jsonText(await peaka.catalogs.listTables({ projectId, catalogId, schemaName }, o), context, known);
    return jsonText(await peaka.catalogs.listColumns({ projectId, catalogId, schemaName, tableName }, o), context, known);
  },
};

/** A relation as the metadata operations give it (the fields describe_table reads). */
interface Relation {
  sourceCatalogName?: string | null;
  sourceSchemaName?: string | null;
  sourceTableName?: string | null;
  sourceColumnName?: string | null;
  targetCatalogName?: string | null;
  targetSchemaName?: string | null;
  targetTableName?: string | null;
  targetColumnName?: string | null;
  type?: string | null;
}

const quoted = (...names: Array<string | null | undefined>) => names.map((n) => `"${String(n ?? "").replaceAll('"', '""')}"`).join(".");

/**
 * The relations of one table, from the catalog's relation list: the columns it refers to
 * (`references`) and the columns that refer to it (`referencedBy`), each as a three-part SQL name and
 * column, ready for a join.
 */
export function tableRelations(relations: readonly Relation[], schemaName: string, tableName: string): Array<Record<string, string | undefined>> {
  const out: Array<Record<string, string | undefined>> = [];
  for (const r of relations) {
    if (r.sourceSchemaName === schemaName && r.sourceTableName === tableName) {
      out.push({ column: r.sourceColumnName ?? undefined, references: `${quoted(r.targetCatalogName, r.targetSchemaName, r.targetTableName)}.${quoted(r.targetColumnName)}`, type: r.type ?? undefined });
    }
    if (r.targetSchemaName === schemaName && r.targetTableName === tableName) {
      out.push({ column: r.targetColumnName ?? undefined, referencedBy: `${quoted(r.sourceCatalogName, r.sourceSchemaName, r.sourceTableName)}.${quoted(r.sourceColumnName)}`, type: r.type ?? undefined });
    }
  }
  return out;
}

/** Why a part of an answer could not be read, in a few words (no stack, no URL). */
function unavailable(reason: unknown): string {
  const e = reason as { name?: string; status?: number; message?: string };
  return `unavailable (${e?.name ?? "Error"}${typeof e?.status === "number" ? ` ${e.status}` : ""})`;
}

const describeTable: ToolDefinition = {
  name: "describe_table",
  title: "Describe a table",
  description:
    "A table's columns, its relations to other tables (the columns it references and those that reference it, as \"catalog\".\"schema\".\"table\".\"column\" for joins), its statistics and whether it is cached, in one call. Takes the catalogId, schemaName and tableName that browse and search_metadata give.",
  inputSchema: input({ projectId: PROJECT, catalogId: CATALOG, schemaName: SCHEMA, tableName: TABLE }, ["projectId", "catalogId", "schemaName", "tableName"]),
  annotations: { title: "Describe a table", ...READ },
  safety: "read",
  async run(args, context) {
    const ids = args as { projectId: string; catalogId: string; schemaName: string; tableName: string };
    const o = { signal: context.signal };
    const { peaka } = context;
    const relationsOf = async (): Promise<Relation[]> => {
      try {
        return ((await peaka.metadata.listRelations({ projectId: ids.projectId, catalogId: ids.catalogId }, o)).relations ?? []) as Relation[];
      } catch (error) {
        // The project's metadata store holds each table's relations too (those of the schema's tables,
        // so that the ones pointing at this table are found as well).
        try {
          const store = await peaka.metadata.get({ projectId: ids.projectId, catalogId: ids.catalogId, schemaName: ids.schemaName }, o);
          const all = (store.metadata ?? []).flatMap((m) => (m.metadata?.relations ?? []) as Array<Relation & { id?: string }>);
          return all.filter((r, i) => r.id === undefined || all.findIndex((other) => other.id === r.id) === i);
        } catch {
          throw error;
        }
      }
    };
    const [columns, relations, statistics, cached, catalog] = await Promise.allSettled([
      peaka.catalogs.listColumns(ids, o),
      relationsOf(),
      peaka.catalogs.getTableStatistics(ids, o),
      peaka.catalogs.getTableCacheState(ids, o),
      peaka.catalogs.get({ projectId: ids.projectId, catalogId: ids.catalogId }, o),
    ]);
    if (columns.status === "rejected") throw columns.reason;
    const part = (r: PromiseSettledResult<unknown>) => (r.status === "fulfilled" ? r.value : unavailable(r.reason));
    const catalogName = catalog.status === "fulfilled" ? (catalog.value as { name?: string }).name : undefined;
    return jsonText(
      {
        ...(catalogName ? { sqlName: quoted(catalogName, ids.schemaName, ids.tableName) } : {}),
        columns: columns.value,
        relations: relations.status === "fulfilled" ? tableRelations(relations.value, ids.schemaName, ids.tableName) : unavailable(relations.reason),
        statistics: part(statistics),
        cache: part(cached),
      },
      context,
      { known: ids },
    );
  },
};

// ---- caches ----------------------------------------------------------------------------------------

const LOGS: JsonSchema = { type: "boolean", default: false, description: "Include the caches' action logs (long; left out unless asked for)." };

const cacheStatus: ToolDefinition = {
  name: "cache_status",
  title: "Cache status",
  description: "Where caches stand: one cache by cacheId, or every cache of a project, a catalog (catalogId) or a schema (catalogId and schemaName). Action logs only with logs: true.",
  inputSchema: input({ projectId: PROJECT, cacheId: id("Cache id."), catalogId: CATALOG, schemaName: SCHEMA, logs: LOGS }, ["projectId"]),
  annotations: { title: "Cache status", ...READ },
  safety: "read",
  async run(args, context) {
    const { projectId, cacheId, catalogId, schemaName } = args as Record<string, string>;
    const logs = args["logs"] === true;
    const o = { signal: context.signal };
    const cache = context.peaka.cache;
    const options: CompactOptions = { known: { projectId, catalogId, schemaName }, omit: logs ? [] : ["cacheActionLogs"] };
    if (cacheId) return jsonText(await cache.getStatus({ projectId: projectId!, cacheId, excludeLogs: !logs }, o), context, options);
    if (catalogId && schemaName) return jsonText(await cache.listStatusesBySchema({ projectId: projectId!, catalogId, schemaName }, o), context, options);
    if (catalogId) return jsonText(await cache.listStatusesByCatalog({ projectId: projectId!, catalogId }, o), context, options);
    return jsonText(await cache.listStatusesByProject({ projectId: projectId! }, o), context, options);
  },
};

const RUN_FIELD = { FULL_REFRESH: "lastFullRefreshCacheExecution", INCREMENTAL: "lastIncrementalCacheExecution" } as const;
type CacheMode = keyof typeof RUN_FIELD;

/** The token a second refresh_cache call continues a wait with: the mode and the run before the trigger. */
export function waitToken(mode: CacheMode, after: CacheRunBaseline): string {
  return `${mode}:${after ? `${after.id}@${after.createdAt ?? ""}` : "none"}`;
}

/** Reads a wait token back; undefined when it is not one. */
export function readWaitToken(token: string): { mode: CacheMode; after: CacheRunBaseline } | undefined {
  const m = /^(FULL_REFRESH|INCREMENTAL):(?:none|([^@]+)@(.*))$/.exec(token);
  if (!m) return undefined;
  const mode = m[1] as CacheMode;
  if (m[2] === undefined) return { mode, after: null };
  return { mode, after: { id: m[2], createdAt: m[3] || undefined } as CacheRunBaseline };
}

const refreshCache: ToolDefinition = {
  name: "refresh_cache",
  title: "Refresh a cache and wait",
  description: `Starts a cache sync (full refresh, or incremental update) and, unless wait is false, waits until the run it started ends, sending progress notifications at once and every few seconds. A run still going after timeoutSeconds (default ${DEFAULT_WAIT_SECONDS}) is answered with a continue token: call refresh_cache again with it to keep waiting for the same run (nothing is triggered again). Needs --allow-writes.`,
  inputSchema: input(
    {
      projectId: PROJECT,
      cacheId: id("Cache id (cache_status lists them)."),
      mode: { type: "string", enum: ["full", "incremental"], default: "full", description: "full re-reads the table; incremental fetches what changed." },
      wait: { type: "boolean", default: true, description: "Wait for the sync to end." },
      timeoutSeconds: WAIT_SECONDS,
      continue: { type: "string", minLength: 1, description: "The continue token of an earlier answer: wait for that run again instead of starting one." },
    },
    ["projectId", "cacheId"],
  ),
  annotations: { title: "Refresh a cache", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  safety: "write",
  async run(args, context) {
    const ids = { projectId: String(args["projectId"]), cacheId: String(args["cacheId"]) };
    const o = { signal: context.signal };
    let mode: CacheMode = args["mode"] === "incremental" ? "INCREMENTAL" : "FULL_REFRESH";
    let after: CacheRunBaseline;
    const again = args["continue"] !== undefined;
    if (again) {
      const token = readWaitToken(String(args["continue"]));
      if (!token) return failure(`continue must be the token an earlier refresh_cache answer gave (like "FULL_REFRESH:<run id>@<time>"); got ${json(args["continue"])}.`);
      ({ mode, after } = token);
    }
    const what = mode === "INCREMENTAL" ? "incremental update" : "full refresh";
    // Progress from the start, then every few seconds, whatever Peaka answers meanwhile.
    const stop = context.keepAlive(`cache ${ids.cacheId}: ${again ? "still waiting for the" : "starting a"} ${what}`);
    try {
      if (!again) {
        // The newest run of this mode before the trigger: the wait is for a run after it, not an earlier one.
        const before = (await context.peaka.cache.getStatus({ ...ids, excludeLogs: true }, o))[RUN_FIELD[mode]];
        after = before ? { id: before.id, createdAt: before.createdAt } : null;
        const cache = context.peaka.cache;
        const started = mode === "INCREMENTAL" ? await cache.triggerIncrementalUpdate(ids, o) : await cache.triggerFullRefresh(ids, o);
        if (args["wait"] === false) return jsonText({ started, continue: waitToken(mode, after) }, context);
      }
      const timeoutSeconds = Number(args["timeoutSeconds"] ?? DEFAULT_WAIT_SECONDS);
      try {
        const status = await waitForCacheRun(context.peaka, { ...ids, mode, after: after! }, {
          timeout: timeoutSeconds * 1000,
          signal: context.signal,
          onProgress: (s, state) => {
            const records = s[RUN_FIELD[mode]]?.progress?.numberOfCachedRecords;
            void context.progress(0, undefined, `cache ${ids.cacheId} ${what}: ${state}${records != null ? `, ${records} records cached` : ""}`);
          },
        });
        return jsonText({ status: status.status, run: status[RUN_FIELD[mode]] }, context);
      } catch (error) {
        if (!(error instanceof PeakaTimeoutError)) throw error;
        const token = waitToken(mode, after!);
        return jsonText(
          {
            status: "STILL_RUNNING",
            waitedSeconds: timeoutSeconds,
            continue: token,
            next: `The ${what} has not ended yet. Call refresh_cache with projectId, cacheId and continue: ${json(token)} to keep waiting for the same run; nothing is triggered again.`,
          },
          context,
        );
      }
    } finally {
      stop();
    }
  },
};

// ---- metadata ------------------------------------------------------------------------------------------

interface TableHit {
  catalogId?: string;
  catalogQueryName?: string;
  schemaName?: string;
  tableName?: string;
  tableDescription?: string | null;
  columns?: Array<{ columnName?: string; dataType?: string }> | null;
}

const searchMetadata: ToolDefinition = {
  name: "search_metadata",
  title: "Search table metadata and golden SQL",
  description:
    "Finds the tables that fit a question (Peaka's metadata search) and curated golden SQL examples for it, to write correct SQL. Each table hit carries its SQL name, its columns (name and type) and the catalogId, schemaName and tableName to pass to describe_table for its relations and details.",
  inputSchema: input(
    {
      projectId: PROJECT,
      query: { type: "string", minLength: 1, description: "A table name or a question in words." },
      kind: { type: "string", enum: ["tables", "golden_sql", "both"], default: "both", description: "What to search." },
      topK: { type: "integer", minimum: 1, maximum: 50, default: 5, description: "Most tables to return." },
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
    if (kind !== "golden_sql") {
      const found = await context.peaka.metadata.searchTables({ projectId, table: query, topK: String(args["topK"] ?? 5) }, o);
      const hits = ((found as { result?: TableHit[] }).result ?? []) as TableHit[];
      out["tables"] = hits.map((h) => ({
        sqlName: quoted(h.catalogQueryName, h.schemaName, h.tableName),
        description: h.tableDescription,
        columns: (h.columns ?? []).map((c) => `${c.columnName} ${c.dataType ?? ""}`.trim()),
        describe: { catalogId: h.catalogId, schemaName: h.schemaName, tableName: h.tableName },
      }));
    }
    if (kind !== "tables") out["goldenSql"] = await context.peaka.metadata.searchGoldenSqls({ projectId, q: query }, o);
    return jsonText(out, context, { known: { projectId } });
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
    const steps: string[] = [];
    let state: Record<string, any> | undefined;
    let tokens = "";
    let events = 0;
    const stop = context.keepAlive("agent: thinking");
    try {
      const stream = await context.peaka.agent.stream(
        {
          projectId: String(args["projectId"]),
          body: { message: String(args["message"]), threadId, noExecute: args["noExecute"] === true, streamModes: ["updates", "values", "messages"] },
        },
        { signal: context.signal },
      );
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
    } finally {
      stop();
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
  description: `Exports a saved query's result (queryId) or a whole table (catalogId, schemaName, tableName) to CSV or JSONL files, up to a million rows, waits for the export (with progress notifications at once and every few seconds) and returns the download links. An export still running after timeoutSeconds (default ${DEFAULT_WAIT_SECONDS}) is answered with its exportId: call export_result with projectId and exportId to keep waiting for it. For a result too large for run_sql's pages.`,
  inputSchema: input(
    {
      projectId: PROJECT,
      queryId: id("Saved query id to export."),
      catalogId: CATALOG,
      schemaName: SCHEMA,
      tableName: TABLE,
      exportId: id("An export started earlier: wait for it (and get its files) instead of starting one."),
      format: { type: "string", enum: ["CSV", "JSONL"], default: "CSV", description: "File format." },
      compression: { type: "string", enum: ["NONE", "GZIP"], description: "GZIP for smaller files." },
      limit: { type: "integer", minimum: 1, description: "Most rows to export." },
      wait: { type: "boolean", default: true, description: "Wait for the files; false returns the job id at once." },
      timeoutSeconds: WAIT_SECONDS,
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
    if (args["exportId"]) job = { id: String(args["exportId"]) };
    else if (queryId) job = await context.peaka.exports.exportQuery({ projectId, queryId, body: body as any }, o);
    else if (catalogId && schemaName && tableName) job = await context.peaka.exports.exportTable({ projectId, catalogId, schemaName, tableName, body: body as any }, o);
    else return failure("Say what to export: queryId, or catalogId with schemaName and tableName (or exportId to wait for an export already started). To export an ad hoc statement, save it as a query first.");
    if (args["wait"] === false) return jsonText({ exportId: job.id, status: job.status }, context);
    const timeoutSeconds = Number(args["timeoutSeconds"] ?? DEFAULT_WAIT_SECONDS);
    const stop = context.keepAlive(`export ${job.id}: ${args["exportId"] ? "waiting" : "started"}`);
    try {
      const done = await waitForExport(context.peaka, { projectId, exportId: job.id }, {
        timeout: timeoutSeconds * 1000,
        signal: context.signal,
        onProgress: (_s, state) => void context.progress(0, undefined, `export ${job.id}: ${state}`),
      });
      return jsonText({ exportId: job.id, status: done.status, files: (done as any).files ?? [] }, context);
    } catch (error) {
      if (!(error instanceof PeakaTimeoutError)) throw error;
      return jsonText(
        {
          exportId: job.id,
          status: "STILL_RUNNING",
          waitedSeconds: timeoutSeconds,
          next: `The export has not ended yet. Call export_result with projectId and exportId: ${json(job.id)} to keep waiting for it; nothing is exported again.`,
        },
        context,
      );
    } finally {
      stop();
    }
  },
};

/** The default task tools, in the order they are listed. */
export const taskTools: ToolDefinition[] = [...sqlTools, browse, describeTable, cacheStatus, refreshCache, searchMetadata, askAgent, exportResult];
