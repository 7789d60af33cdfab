// The SQL tools: run_sql (a statement, optionally transpiled from another dialect first, optionally
// one stable page at a time) and run_saved_query (a saved query found by name or id, whose SQL is
// fetched and checked like any statement before it runs). Every text that reaches Peaka — the
// statement, the transpiled statement, the paging probe, the page — is classified under the flags.
import { runSql, sql, type SqlRows } from "@peaka/api/sql";
import { lexSql } from "@peaka/api/internal/sql";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { JsonSchema } from "../catalog.js";
import { failure, json, text } from "../format.js";
import { pageableQuery, pageStatement, probeStatement, sortablePositions } from "../paging.js";
import { modeAnnotations, sqlModeSentence, sqlRefusal, type SafetyFlags } from "../safety.js";
import type { ToolContext, ToolDefinition } from "./types.js";

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

/** What a truncated result can do next under these flags. */
export function truncationHint(flags: SafetyFlags, tool = "run_sql"): string {
  const page = `page through it with ${tool}: the same arguments with offset: 0, then the offset each answer gives (stable, ordered pages)`;
  if (!flags.allowWrites) return page;
  return `${page}; or, for files, save the statement as a query (createQuery through call_operation) and export it with export_result`;
}

/** The column line and one JSON array per row, at most `maxRows` rows and `maxChars` characters. */
function rowLines(result: SqlRows, maxRows: number, maxChars: number): { lines: string[]; shown: number } {
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
  return { lines, shown };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** Rows as compact lines: the column names, then one JSON array per row; past the cap, a count and what to do next. */
export function renderRows(result: SqlRows, maxRows: number, maxChars: number, hint = truncationHint({ allowWrites: false, allowDestructive: false })): string {
  const { lines, shown } = rowLines(result, maxRows, maxChars);
  const total = result.rows.length;
  const more = total - shown;
  const head = `${plural(total, "row")}, ${plural(result.columns.length, "column")}${more ? ` (first ${shown} shown)` : ""}`;
  const tail = more ? [`… truncated, ${plural(more, "more row")} — ${hint}.`] : [];
  return [head, ...lines, ...tail].join("\n");
}

interface SqlJob {
  /** The tool's name, for refusals and notes. */
  tool: string;
  projectId: string;
  statement: string;
  params: Cell[];
  /** Set for paging: the first row of the page (0 for the first page). */
  offset: number | undefined;
  maxRows: number;
  timeoutSeconds: number | undefined;
  /** Lines put before the rows (what was transpiled or which saved query ran). */
  preface: string[];
  /** Lines put before a refusal instead of `preface`. Default: `preface`. */
  refusedPreface?: string[];
}

/** How many probed statements a server remembers, so that later pages of a statement skip the probe. */
const PROBES_KEPT = 64;

async function execute(job: SqlJob, context: ToolContext, bind: (text: string) => ReturnType<typeof sql>): Promise<SqlRows> {
  const timeout = job.timeoutSeconds ? job.timeoutSeconds * 1000 : undefined;
  return runSql(context.peaka, job.projectId, bind(job.statement), { signal: context.signal, ...(timeout ? { timeout } : {}) });
}

/** Runs a statement (or one page of it) after the checks, and renders the answer. */
async function runJob(job: SqlJob, context: ToolContext): Promise<CallToolResult> {
  const refused = sqlRefusal(job.tool, job.statement, context.flags);
  if (refused) return failure([...(job.refusedPreface ?? job.preface), refused].join("\n"));
  const markers = splitMarkers(job.statement).length - 1;
  if (markers !== job.params.length) return failure(`${[...job.preface, ""].join("\n")}The statement has ${markers} ? marker(s) but params has ${job.params.length} value(s).`);
  // Each text becomes a `sql` statement: its ? markers get the values as bindings (typed by a cast where not a string).
  const bind = (statement: string) => {
    const parts = splitMarkers(statement);
    return sql(Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray, ...job.params);
  };
  const stop = context.keepAlive(`${job.tool}: running`);
  try {
    if (job.offset === undefined) {
      const result = await execute(job, context, bind);
      return text([...job.preface, renderRows(result, job.maxRows, context.limits.maxResultChars, truncationHint(context.flags, job.tool))].join("\n"));
    }
    return await runPage(job, context, bind);
  } finally {
    stop();
  }
}

async function runPage(job: SqlJob, context: ToolContext, bind: (text: string) => ReturnType<typeof sql>): Promise<CallToolResult> {
  const offset = job.offset ?? 0;
  const query = pageableQuery(job.statement);
  if (typeof query === "string") return failure(`${[...job.preface, ""].join("\n")}${job.tool} cannot page this statement: ${query}.`);
  // The column types come from one row of the result (kept by this server for later pages of the same statement).
  const probes = context.memory;
  const key = json(["probe", job.projectId, job.statement, job.params]);
  let types = probes.get(key) as (string | undefined)[] | undefined;
  if (!types) {
    const probe = probeStatement(query);
    const refused = sqlRefusal(job.tool, probe, context.flags);
    if (refused) return failure(refused);
    const one = await execute({ ...job, statement: probe }, context, bind);
    if (!one.rows.length) return text([...job.preface, "0 rows: the result is empty."].join("\n"));
    types = one.columns.map((c) => c.type);
    probes.set(key, types);
    if (probes.size > PROBES_KEPT) probes.delete(probes.keys().next().value!);
  }
  const positions = sortablePositions(types);
  if (!query.ordered && !positions.length) return failure(`${job.tool} cannot page this statement: none of its columns can be sorted (${types.join(", ")}); add an ORDER BY.`);
  const page = pageStatement(query, positions, offset, job.maxRows + 1);
  const refused = sqlRefusal(job.tool, page, context.flags);
  if (refused) return failure(refused);
  const result = await execute({ ...job, statement: page }, context, bind);
  const { lines, shown } = rowLines(result, job.maxRows, context.limits.maxResultChars);
  const byPosition = positions.length === types.length ? `every column by position (1 to ${types.length})` : `columns ${positions.join(", ")} by position (the others cannot be sorted)`;
  const order = query.ordered ? `the statement's ORDER BY, then ${byPosition} to break ties` : `${byPosition}, added by ${job.tool}: the statement has no ORDER BY`;
  const head = shown ? `rows ${offset + 1} to ${offset + shown}, ${plural(types.length, "column")}; ordered by ${order}` : `no rows from row ${offset + 1} on: the result has ${offset} or fewer`;
  const more = result.rows.length > shown;
  const tail = shown ? [more ? `more rows follow: call ${job.tool} with the same arguments and offset: ${offset + shown}` : "last page: no rows follow"] : [];
  return text([...job.preface, head, ...(shown ? lines : []), ...tail].join("\n"));
}

const PROJECT: JsonSchema = { type: "string", minLength: 1, description: "Peaka project id (browse without arguments lists the projects the key can reach)." };
const PARAMS: JsonSchema = {
  type: "array",
  items: { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }] },
  description: "Values for the ? markers, in order; sent as bindings, never spliced into the text.",
};
const OFFSET: JsonSchema = {
  type: "integer",
  minimum: 0,
  description: "Page through a large result: 0 for the first page, then the offset the answer gives. The rows come in a stable order (the statement's ORDER BY, else every column), maxRows at a time.",
};
const MAX_ROWS: JsonSchema = { type: "integer", minimum: 1, description: "Most rows to show (at most the server's row cap); with offset, the page size." };
const TIMEOUT: JsonSchema = { type: "integer", minimum: 1, maximum: 3600, description: "Seconds Peaka may run the query." };

function input(properties: Record<string, JsonSchema>, required: string[]): JsonSchema & { type: "object" } {
  return { type: "object", properties, required, additionalProperties: false };
}

const RUN_SQL_HINTS = { title: "Run SQL", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

const runSqlDescription =
  "Runs one SQL statement (Trino dialect; tables as \"catalog\".\"schema\".\"table\"; the peaka://guide/sql resource has the rules) in a Peaka project and returns its rows: a line of column names and types, then one JSON array per row. Put values in `params` and `?` in the statement: they are sent as bindings, never spliced into the text. Large results: pass offset (0, then the offset each answer gives) to read stable pages of maxRows rows. Written for another database? Pass dialect (mysql, postgres, ...) and Peaka transpiles it to Trino first; the answer shows the statement that ran.";

const common = (args: Record<string, any>, context: ToolContext) => ({
  projectId: String(args["projectId"]),
  params: (args["params"] ?? []) as Cell[],
  offset: args["offset"] === undefined ? undefined : Number(args["offset"]),
  maxRows: Math.min(Number(args["maxRows"] ?? context.limits.maxRows), context.limits.maxRows),
  timeoutSeconds: args["timeoutSeconds"] === undefined ? undefined : Number(args["timeoutSeconds"]),
});

const runSqlTool: ToolDefinition = {
  name: "run_sql",
  title: "Run SQL",
  description: runSqlDescription,
  inputSchema: input(
    {
      projectId: PROJECT,
      statement: { type: "string", minLength: 1, description: "The SQL statement, with ? where a value goes." },
      params: PARAMS,
      dialect: {
        type: "string",
        pattern: "^[a-z][a-z0-9_]*$",
        description: "The SQL dialect the statement is written in, when it is not Trino (mysql, postgres, bigquery, snowflake, ...): Peaka transpiles it to Trino before it runs.",
      },
      offset: OFFSET,
      maxRows: MAX_ROWS,
      timeoutSeconds: TIMEOUT,
    },
    ["projectId", "statement"],
  ),
  annotations: RUN_SQL_HINTS,
  // What run_sql may do is what the flags let its statements do.
  forMode: (flags) => ({ annotations: modeAnnotations(RUN_SQL_HINTS, flags), description: `${runSqlDescription} ${sqlModeSentence(flags)}` }),
  safety: "read",
  async run(args, context) {
    let statement = String(args["statement"]);
    const preface: string[] = [];
    const refusedPreface: string[] = [];
    const dialect = args["dialect"] === undefined ? undefined : String(args["dialect"]);
    if (dialect && dialect !== "trino") {
      // Peaka's transpile route names the dialect to write (here Trino) and reads the source itself.
      await context.progress(0, undefined, `run_sql: transpiling from ${dialect} to Trino`);
      const out = (await context.peaka.sql.transpile({ dialect: "trino", body: { query: statement } }, { signal: context.signal })) as { query?: string; result?: string };
      const transpiled = out.query ?? out.result;
      if (typeof transpiled !== "string" || !transpiled.trim()) return failure(`Peaka's transpiler gave no statement for this ${dialect} text; write it in Trino SQL instead (peaka://guide/sql).`);
      statement = transpiled;
      preface.push(`transpiled from ${dialect} to Trino by Peaka; the statement that ran:`, transpiled, "");
      refusedPreface.push(`transpiled from ${dialect} to Trino by Peaka, and not run:`, transpiled, "");
    }
    return runJob({ tool: "run_sql", statement, preface, refusedPreface, ...common(args, context) }, context);
  },
};

const savedHints = { title: "Run a saved query", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;
const savedDescription =
  "Finds a saved query of the project by id, name or display name (case does not matter) and runs its SQL, with params for its ? markers, returning rows as run_sql does (offset pages a large result). The server reads the query's SQL first and runs that text, checked like any run_sql statement; it never runs a saved query by id unseen. Without a match it lists the saved queries.";
const runSavedQuery: ToolDefinition = {
  name: "run_saved_query",
  title: "Run a saved query",
  description: savedDescription,
  inputSchema: input(
    {
      projectId: PROJECT,
      query: { type: "string", minLength: 1, description: "The saved query's id, name or display name (\"Weekly revenue\")." },
      params: PARAMS,
      offset: OFFSET,
      maxRows: MAX_ROWS,
      timeoutSeconds: TIMEOUT,
    },
    ["projectId", "query"],
  ),
  annotations: savedHints,
  forMode: (flags) => ({ annotations: modeAnnotations(savedHints, flags), description: `${savedDescription} ${sqlModeSentence(flags)}` }),
  safety: "read",
  async run(args, context) {
    const projectId = String(args["projectId"]);
    const wanted = String(args["query"]).trim();
    const finding = context.keepAlive(`run_saved_query: finding ${json(wanted)}`);
    let queries;
    try {
      queries = await context.peaka.queries.list({ projectId }, { signal: context.signal });
    } finally {
      finding();
    }
    const lower = wanted.toLowerCase();
    const byId = queries.filter((q) => q.id === wanted);
    const byName = queries.filter((q) => q.name?.toLowerCase() === lower || q.displayName?.toLowerCase() === lower);
    const matches = byId.length ? byId : byName;
    const listed = (list: typeof queries) => list.slice(0, 20).map((q) => `${q.id} ${json(q.displayName ?? q.name)}${q.path ? ` in ${q.path}` : ""}`);
    if (matches.length > 1) return failure([`${matches.length} saved queries are called ${json(wanted)}; pass one's id:`, ...listed(matches)].join("\n"));
    const found = matches[0];
    if (!found) {
      const near = queries.filter((q) => `${q.name} ${q.displayName}`.toLowerCase().includes(lower));
      const list = near.length ? near : queries;
      return failure([`No saved query has the id or name ${json(wanted)}. ${near.length ? "Close names" : `The project's saved queries (${queries.length})`}:`, ...listed(list)].join("\n"));
    }
    // The list carries the SQL; a query listed without it is read on its own.
    const statement = found.inputQuery ?? (await context.peaka.queries.get({ projectId, queryId: found.id }, { signal: context.signal })).inputQuery;
    if (typeof statement !== "string" || !statement.trim()) return failure(`Saved query ${found.id} (${json(found.displayName ?? found.name)}) has no SQL this server can read, so it is not run.`);
    const preface = [`saved query ${found.id} ${json(found.displayName ?? found.name)}${found.queryType === "MATERIALIZED" ? " (materialized: its SQL is run live)" : ""}:`, statement, ""];
    return runJob({ tool: "run_saved_query", statement, preface, ...common(args, context), projectId }, context);
  },
};

/** The SQL task tools, in the order they are listed. */
export const sqlTools: ToolDefinition[] = [runSqlTool, runSavedQuery];
