// SQL: executeQuery (a statement with `?` bindings, a saved query by id, a qualified name or a
// query-builder request) runs on the SQL engine (./engine.ts) and answers in the three row formats;
// exportQuery runs a saved query and hands its result to the export lifecycle of ./exports.ts;
// transpileSql rewrites quoted names for the dialects that quote with backquotes.
//
// Only reads run, as on Peaka: a statement the SDK's lexer (`classifySql` of @peaka/api/internal/sql)
// does not prove to be a read answers 400 `Statement type '<Type>' is not allowed`, naming the
// statement the way Trino does (`Insert`, `Delete`, `CreateTableAsSelect`, ...). A statement DuckDB
// refuses answers 400 with `errorCode` 100 and the engine's message.
import type { components } from "@peaka/api-types";
import { badRequest, notFound, PeakaSimError } from "../http.js";
import type { Row } from "../shop.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor } from "./data.js";
import { engineOf, lexerModule, sqlModules, type EngineResult, type ResultColumn } from "../engine.js";
import { startExport } from "./exports.js";

type S = components["schemas"];
type Lexer = Awaited<ReturnType<typeof sqlModules>>["lexer"];
type Binding = string | number | boolean | null;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

// ---- reads only --------------------------------------------------------------------------------------

const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

/** Trino's name of a write statement's type (its AST class), from its significant words. */
function statementType(words: string[]): string {
  const at = (i: number) => words[i] ?? "";
  // A write hidden in a query (WITH ... INSERT, SELECT ... INTO): name the write word.
  if (["SELECT", "WITH", "VALUES", "TABLE", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "("].includes(at(0))) {
    const hidden = words.find((w) => ["INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "CREATE", "DROP", "ALTER", "TRUNCATE", "CALL", "EXECUTE", "SET"].includes(w));
    if (hidden === "INTO") return "CreateTableAsSelect";
    return hidden ? statementType(words.slice(words.indexOf(hidden))) : "Query";
  }
  switch (at(0)) {
    case "INSERT":
    case "UPDATE":
    case "DELETE":
    case "MERGE":
    case "CALL":
    case "GRANT":
    case "REVOKE":
    case "DENY":
    case "COMMIT":
    case "ROLLBACK":
    case "PREPARE":
    case "EXECUTE":
    case "DEALLOCATE":
    case "ANALYZE":
    case "COMMENT":
      return pascal(at(0));
    case "TRUNCATE":
      return "TruncateTable";
    case "CREATE":
    case "DROP":
    case "ALTER": {
      let i = 1;
      if (at(0) === "CREATE" && at(1) === "OR" && at(2) === "REPLACE") i = 3;
      const object = at(i) === "MATERIALIZED" ? "MaterializedView" : pascal(at(i) || "Object");
      if (at(0) === "CREATE" && object === "Table") {
        // CREATE TABLE t AS SELECT ... (CTAS) or CREATE TABLE t (columns).
        const as = words.indexOf("AS", i);
        return as > 0 && ["SELECT", "WITH", "VALUES", "TABLE", "("].includes(at(as + 1)) ? "CreateTableAsSelect" : "CreateTable";
      }
      return `${pascal(at(0))}${object}`;
    }
    default:
      return pascal(at(0) || "Unknown") + (["SET", "RESET", "START"].includes(at(0)) ? pascal(at(1)) : "");
  }
}

/** Throws the 400 Peaka answers for anything but one read; a statement that is not closed is a syntax error. */
function refuseWrites(lexer: Lexer, statement: string): void {
  if (lexer.isReadOnlySql(statement)) return;
  const tokens = lexer.lexSql(statement);
  if (tokens.some((t) => t.kind === "error")) throw badRequest(lexer.classifySql(statement).reason.replace(/^./, (c) => c.toUpperCase()));
  const slices = lexer.statementsOf(statement);
  for (const slice of slices) {
    if (lexer.isReadOnlySql(slice.text)) continue;
    const words = lexer
      .lexSql(slice.text)
      .filter(lexer.isSignificant)
      .map((t) => (t.kind === "word" ? t.text.toUpperCase() : t.text));
    throw new PeakaSimError(400, { message: `Statement type '${statementType(words)}' is not allowed` });
  }
  throw badRequest(`Only one statement runs at a time; the text holds ${slices.length}`);
}

// ---- cells -------------------------------------------------------------------------------------------

/** A double as Java's Double.toString writes it above 10^7 and below 10^-3 (`1.254740786E7`), as Peaka sends sums. */
export function javaDouble(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e7 || abs < 1e-3)) {
    const [mantissa, exponent] = n.toExponential().split("e") as [string, string];
    return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${exponent.replace(/^\+/, "")}`;
  }
  return String(n);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
/** `2026-01-05 09:00:00.000`, the text Trino gives a timestamp(3) (UTC). */
function timestampText(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** Nested values (arrays, rows, maps) as JSON values: integers that fit as numbers, dates as text. */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") {
    const entries = (value as { entries?: unknown }).entries;
    if (Array.isArray(entries)) return Object.fromEntries(entries.map((e: { key: unknown; value: unknown }) => [String(e.key), plain(e.value)]));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  if (typeof value === "number" && !Number.isFinite(value)) return javaDouble(value);
  return value;
}

/** A value as Peaka sends it in a result cell: numbers as text (doubles in Java's notation), times as Trino's text. */
function cellValue(value: unknown, column: ResultColumn): S["QueryCellValue"] {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case "integer":
    case "decimal":
      return String(value);
    case "double":
      return javaDouble(Number(value));
    case "boolean":
      return value as boolean;
    case "date":
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case "timestamp":
      return value instanceof Date ? timestampText(value) : String(value);
    case "timestamptz":
      return value instanceof Date ? `${timestampText(value)} UTC` : String(value);
    case "nested":
      return plain(value) as S["QueryCellValue"];
    default:
      return typeof value === "string" ? value : String(plain(value));
  }
}

/** A value as an export file holds it: numbers as JSON numbers, times as ISO 8601 text. */
function fileValue(value: unknown, column: ResultColumn): Row[string] {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case "integer":
      return typeof value === "bigint" && !Number.isSafeInteger(Number(value)) ? String(value) : Number(value);
    case "double":
    case "decimal":
      return Number.isFinite(Number(value)) ? Number(value) : javaDouble(Number(value));
    case "boolean":
      return value as boolean;
    case "date":
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case "timestamp":
      return value instanceof Date ? value.toISOString().replace(/Z$/, "") : String(value);
    case "timestamptz":
      return value instanceof Date ? value.toISOString() : String(value);
    case "nested":
      return JSON.stringify(plain(value));
    default:
      return typeof value === "string" ? value : String(plain(value));
  }
}

/** The rows of a result as an export writes them: objects keyed by column name. */
function fileRows(result: EngineResult): Row[] {
  const { columns, values } = result;
  const rows: Row[] = new Array(result.rowCount);
  for (let r = 0; r < result.rowCount; r++) {
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!.name] = fileValue(values[i]![r], columns[i]!);
    rows[r] = row;
  }
  return rows;
}

type Format = "CELL_TYPED" | "SIMPLE" | "COMPACT";

/** Where the result's columns come from, when the request named one table. */
type Origin = { catalogName: string; schemaName: string; tableName: string; columns: Set<string> } | undefined;

function answer(result: EngineResult, format: Format, origin: Origin): S["QueryExecutionResult"] {
  const { columns, values: byColumn } = result;
  const refs = columns.map((c): S["QueryColumnReference"] =>
    origin?.columns.has(c.name) ? { catalogName: origin.catalogName, schemaName: origin.schemaName, tableName: origin.tableName, columnName: c.name } : { columnName: c.name },
  );
  const data = Array.from({ length: result.rowCount }, (_, r): S["QueryResultRow"] => {
    const values: S["QueryCellValue"][] = columns.map((c, i) => cellValue(byColumn[i]![r], c));
    if (format === "COMPACT") return values;
    if (format === "SIMPLE") return Object.fromEntries(columns.map((c, i) => [c.name, values[i] ?? null]));
    return columns.map((c, i) => ({ name: c.name, displayName: c.name, dataType: c.dataType, order: i, value: values[i] ?? null }));
  });
  return { columns: refs, data };
}

// ---- the four request forms --------------------------------------------------------------------------

interface Plan {
  statement: string;
  bindings: Binding[];
  origin: Origin;
  /** Whether the text comes from the caller (and so must be proven a read). */
  checkReads: boolean;
}

function savedQuery(p: ProjectRecord, id: string): S["SavedQuery"] {
  const q = p.queries.get(id);
  if (!q) throw notFound(`No saved query with id ${id}.`);
  return q;
}

/** The table a catalog name or id, schema and table name point at, with its column names. */
function originOf(p: ProjectRecord, ref: { catalogId?: string; catalogName?: string; schemaName?: string; tableName?: string }): NonNullable<Origin> {
  const catalog = ref.catalogId !== undefined ? p.catalogs.get(ref.catalogId)?.catalog : [...p.catalogs.values()].find((c) => c.catalog.name === ref.catalogName)?.catalog;
  if (!catalog && ref.catalogId !== undefined) throw notFound(`No catalog with id ${ref.catalogId} in project ${p.project.id}.`);
  const catalogName = catalog?.name ?? ref.catalogName;
  if (!catalogName || !ref.schemaName || !ref.tableName) throw badRequest("Invalid request body: a table needs a catalog (catalogName or catalogId), schemaName and tableName");
  const table = catalog ? p.catalogs.get(catalog.id)?.schemas.get(ref.schemaName)?.get(ref.tableName) : undefined;
  return { catalogName, schemaName: ref.schemaName, tableName: ref.tableName, columns: new Set(table?.columns.map((c) => c.name) ?? []) };
}

const OPERATORS = new Set(["=", "!=", "<>", ">", ">=", "<", "<=", "LIKE", "NOT LIKE", "IN", "NOT IN"]);

/** A query-builder filter group as SQL, its values as bindings. */
function filterSql(group: S["QueryFilterGroup"], bindings: Binding[]): string {
  if (!group) return "";
  const parts: string[] = [];
  for (const joiner of ["and", "or"] as const) {
    const terms = group[joiner];
    if (!terms?.length) continue;
    const sql = terms.map((term) => {
      if (!Array.isArray(term)) return `(${filterSql(term as S["QueryFilterGroup"], bindings) || "TRUE"})`;
      const [operand, operator, values] = term as [S["QueryFilterOperand"], string, unknown[] | undefined];
      const column = operand?.column;
      if (!column?.columnName) throw badRequest("Invalid request body: a filter needs a column operand with columnName");
      const name = column.tableName ? `${quote(column.tableName)}.${quote(column.columnName)}` : quote(column.columnName);
      const op = String(operator).toUpperCase().trim();
      if (!OPERATORS.has(op)) throw badRequest(`Invalid request body: unknown filter operator ${JSON.stringify(operator)}`);
      const list = Array.isArray(values) ? values : [];
      if (op === "IN" || op === "NOT IN") {
        if (!list.length) throw badRequest(`Invalid request body: ${op} needs at least one value`);
        bindings.push(...list.map(bindable));
        return `${name} ${op} (${list.map(() => "?").join(", ")})`;
      }
      if (list.length !== 1) throw badRequest(`Invalid request body: the operator ${op} takes one value, got ${list.length}`);
      if (list[0] === null) return `${name} IS ${op === "=" ? "" : "NOT "}NULL`;
      bindings.push(bindable(list[0]));
      return `${name} ${op === "!=" ? "<>" : op} ?`;
    });
    parts.push(sql.join(joiner === "and" ? " AND " : " OR "));
  }
  return parts.length > 1 ? parts.map((p) => `(${p})`).join(" AND ") : (parts[0] ?? "");
}

function bindable(value: unknown): Binding {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  throw badRequest(`Invalid request body: a filter value must be a string, number, boolean or null, got ${JSON.stringify(value)}`);
}

function planOf(p: ProjectRecord, body: S["QueryExecutionRequest"]): Plan {
  if ("statement" in body && typeof body.statement === "string") {
    return { statement: body.statement, bindings: [...(body.bindings ?? [])], origin: undefined, checkReads: true };
  }
  if ("id" in body && typeof body.id === "string") {
    return { statement: savedQuery(p, body.id).inputQuery ?? "", bindings: [], origin: undefined, checkReads: true };
  }
  if ("qualifiedName" in body && typeof body.qualifiedName === "string") {
    const parts = body.qualifiedName.split(".").map((s) => s.trim().replace(/^"(.*)"$/s, (_, inner: string) => inner.replaceAll('""', '"')));
    if (parts.length !== 3 || parts.some((s) => s === "")) throw badRequest(`Invalid qualifiedName ${JSON.stringify(body.qualifiedName)}: write <catalog>.<schema>.<table>`);
    const [catalogName, schemaName, tableName] = parts as [string, string, string];
    return { statement: `SELECT * FROM ${parts.map(quote).join(".")}`, bindings: [], origin: originOf(p, { catalogName, schemaName, tableName }), checkReads: false };
  }
  const builder = body as S["QueryExecuteBuilderRequest"];
  const tables = builder.from.map((ref) => originOf(p, ref));
  const bindings: Binding[] = [];
  const columns = builder.columns?.length ? builder.columns.map(quote).join(", ") : "*";
  let statement = `SELECT ${columns} FROM ${tables.map((t) => [t.catalogName, t.schemaName, t.tableName].map(quote).join(".")).join(", ")}`;
  const where = filterSql(builder.filters ?? null, bindings);
  if (where) statement += ` WHERE ${where}`;
  if (builder.orderBy?.length) {
    statement += ` ORDER BY ${builder.orderBy
      .map((key) => {
        const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(key);
        if (!m) throw badRequest(`Invalid request body: orderBy entry ${JSON.stringify(key)}`);
        return `${quote(m[1]!)}${m[2] ? ` ${m[2].toUpperCase()}` : ""}`;
      })
      .join(", ")}`;
  }
  if (builder.limit !== undefined) statement += ` LIMIT ${Math.max(0, Math.trunc(builder.limit))}`;
  if (builder.offset !== undefined) statement += ` OFFSET ${Math.max(0, Math.trunc(builder.offset))}`;
  return { statement, bindings, origin: tables.length === 1 ? tables[0] : undefined, checkReads: false };
}

/** Runs a plan: reads only, on the project's database. */
async function run(ctx: HandlerContext, p: ProjectRecord, plan: Plan): Promise<EngineResult> {
  const { lexer } = await sqlModules();
  if (plan.checkReads) refuseWrites(lexer, plan.statement);
  return engineOf(ctx.world).run(p, plan.statement, plan.bindings);
}

// ---- transpile ---------------------------------------------------------------------------------------

/** Dialects that quote names with backquotes: the only rewrite the simulator makes. */
export const BACKQUOTE_DIALECTS: ReadonlySet<string> = new Set(["mysql", "mariadb", "bigquery", "spark", "databricks", "hive"]);

async function transpile(text: string, dialect: string): Promise<string> {
  if (!BACKQUOTE_DIALECTS.has(dialect.toLowerCase())) return text;
  const lexer = await lexerModule();
  return lexer
    .lexSql(text)
    .map((t) => (t.kind === "quoted-identifier" ? `\`${t.text.slice(1, -1).replaceAll('""', '"').replaceAll("`", "``")}\`` : t.text))
    .join("");
}

// ---- handlers ----------------------------------------------------------------------------------------

export const sqlHandlers: HandlerTable = {
  executeQuery: async (ctx) => {
    const p = projectFor(ctx);
    const plan = planOf(p, ctx.body as S["QueryExecutionRequest"]);
    const result = await run(ctx, p, plan);
    return answer(result, ((ctx.query["format"] as Format | undefined) ?? "CELL_TYPED"), plan.origin);
  },
  exportQuery: async (ctx) => {
    const p = projectFor(ctx);
    const query = savedQuery(p, ctx.params["queryId"]!);
    const request = (ctx.body ?? {}) as S["ExportRequest"];
    let failure: string | undefined;
    let result: EngineResult = { columns: [], values: [], rowCount: 0 };
    try {
      result = await run(ctx, p, { statement: query.inputQuery ?? "", bindings: [], origin: undefined, checkReads: true });
    } catch (error) {
      if (!(error instanceof PeakaSimError) || error.status !== 400) throw error;
      failure = String(error.body["message"]);
    }
    const columns = result.columns;
    let rows: Row[] | undefined;
    const table = {
      name: query.name,
      columns: columns.map((c) => ({ name: c.name, dataType: c.dataType, displayName: c.name, isNotNull: false })),
      rowCount: result.rowCount,
      rows: () => (rows ??= fileRows(result)),
    };
    return startExport(ctx, p, request, { table, source: `peaka.query."${query.name}"`, queryId: query.id, failure });
  },
  transpileSql: async (ctx) => ({ query: await transpile((ctx.body as S["SqlTranspileRequest"]).query, ctx.params["dialect"] ?? "") }),
};
