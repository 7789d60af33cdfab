// The SQL engine behind executeQuery and exportQuery: DuckDB (`@duckdb/node-api`, an optional peer
// dependency) holding one in-memory database per project, with each catalog of the project attached as
// its own database, so that Peaka's three-part names (`"shop"."public"."orders"`) resolve as they are.
//
// Nothing here is loaded until the first SQL request (or `sim.ready()`): the engine and the SDK's SQL
// lexer are imported dynamically. Where they cannot be loaded (the package is not installed, or the
// runtime cannot load a native addon) every SQL operation answers 501 saying why, and the rest of the
// simulator works as before.
//
// Before each statement the project's tables are brought in line with the simulator's state: a table
// that appeared is loaded, one that went away is dropped, one whose rows changed is loaded again. Saved
// queries are views in `"peaka"."query"` (a saved query whose SQL DuckDB cannot read is left out).
import type { DuckDBConnection, DuckDBInstance, DuckDBType } from "@duckdb/node-api";
import { PeakaSimError } from "./http.js";
import type { Row } from "./shop.js";
import type { ProjectRecord, World } from "./world.js";

type DuckModule = typeof import("@duckdb/node-api");
type LexerModule = typeof import("@peaka/api/internal/sql");

/** The exact version the simulator is tested with (the optional peer dependency's range). */
export const ENGINE_PACKAGE = "@duckdb/node-api";
export const ENGINE_VERSION = "1.5.6-r.1";

/** How the engine and the lexer are imported; a test replaces `importModule` to simulate a missing package. */
export const moduleLoader = {
  importModule: (name: string): Promise<unknown> => import(/* @vite-ignore */ name),
};

/** A 501 for a SQL operation when the engine cannot run here; the request log marks it `no-sql-engine`. */
export class SqlUnavailableError extends PeakaSimError {
  readonly simulated = "no-sql-engine" as const;
  constructor(message: string) {
    super(501, { errorCode: "SQL_ENGINE_UNAVAILABLE", message });
  }
}

interface Loaded {
  duck: DuckModule;
  lexer: LexerModule;
}

let loadingEngine: Promise<DuckModule | { reason: string }> | undefined;
let loadingLexer: Promise<LexerModule | { reason: string }> | undefined;

function runtimeName(): string {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: { versions?: { node?: string } }; window?: unknown };
  if (g.Bun) return "Bun";
  if (g.Deno) return "Deno";
  if (g.process?.versions?.node) return `Node ${g.process.versions.node}`;
  return g.window ? "a browser" : "this runtime";
}

function isMissingModule(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return e?.code === "ERR_MODULE_NOT_FOUND" || e?.code === "MODULE_NOT_FOUND" || /Cannot find (module|package)|Failed to resolve|Failed to load url/i.test(String(e?.message ?? ""));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Loads DuckDB once per process; the reason it could not be loaded otherwise. */
function loadEngine(): Promise<DuckModule | { reason: string }> {
  loadingEngine ??= (async () => {
    try {
      const duck = (await moduleLoader.importModule(ENGINE_PACKAGE)) as DuckModule;
      if (typeof duck?.DuckDBInstance?.create !== "function") throw new Error(`${ENGINE_PACKAGE} has no DuckDBInstance.create`);
      return duck;
    } catch (error) {
      if (isMissingModule(error)) {
        return {
          reason: `SQL needs the optional peer dependency ${ENGINE_PACKAGE}, which is not installed: install it next to @peaka/simulator (npm install --save-dev ${ENGINE_PACKAGE}@${ENGINE_VERSION}) to run statements.`,
        };
      }
      return { reason: `The SQL engine ${ENGINE_PACKAGE} could not be loaded in ${runtimeName()}: ${messageOf(error)}. The simulator runs SQL on Node.` };
    }
  })();
  return loadingEngine;
}

/** Loads the SDK's SQL lexer once per process (no native code: it loads wherever @peaka/api does). */
function loadLexer(): Promise<LexerModule | { reason: string }> {
  loadingLexer ??= (async () => {
    try {
      return (await moduleLoader.importModule("@peaka/api/internal/sql")) as LexerModule;
    } catch (error) {
      return { reason: `The SQL lexer of @peaka/api could not be loaded: ${messageOf(error)}` };
    }
  })();
  return loadingLexer;
}

/** Loads the engine and the lexer, or the reason one of them cannot be loaded here. */
export async function loadSqlModules(): Promise<Loaded | { reason: string }> {
  const [duck, lexer] = await Promise.all([loadEngine(), loadLexer()]);
  if ("reason" in duck) return duck;
  if ("reason" in lexer) return lexer;
  return { duck, lexer };
}

/** Forgets the outcome of earlier loads (for tests that simulate a missing package). */
export function resetSqlModules(): void {
  loadingEngine = undefined;
  loadingLexer = undefined;
}

/** Loads the engine and the lexer or throws the 501. */
export async function sqlModules(): Promise<Loaded> {
  const loaded = await loadSqlModules();
  if ("reason" in loaded) throw new SqlUnavailableError(loaded.reason);
  return loaded;
}

/** Loads the lexer alone (transpiling needs no engine) or throws the 501. */
export async function lexerModule(): Promise<LexerModule> {
  const lexer = await loadLexer();
  if ("reason" in lexer) throw new SqlUnavailableError(lexer.reason);
  return lexer;
}

// ---- types ---------------------------------------------------------------------------------------

/** The DuckDB type a catalog column of a given Peaka (Trino) type is loaded as. */
export function duckTypeOf(trinoType: string): string {
  const t = trinoType.trim().toLowerCase();
  if (/^timestamp(\(\d+\))? with time zone$/.test(t)) return "TIMESTAMPTZ";
  if (/^timestamp(\(\d+\))?$/.test(t)) return "TIMESTAMP";
  if (/^time(\(\d+\))?$/.test(t)) return "TIME";
  const decimal = /^decimal\((\d+)\s*,\s*(\d+)\)$/.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  if (t === "decimal") return "DECIMAL(38,9)";
  if (["bigint", "integer", "smallint", "tinyint", "double", "real", "boolean", "date", "uuid"].includes(t)) return t.toUpperCase();
  if (t === "int") return "INTEGER";
  return "VARCHAR";
}

/** How a result column's values are written. */
export type ValueKind = "integer" | "double" | "decimal" | "boolean" | "date" | "timestamp" | "timestamptz" | "nested" | "text";

/** A result column: its name, its type as Peaka (Trino) names it, and how its values are written. */
export interface ResultColumn {
  name: string;
  dataType: string;
  kind: ValueKind;
}

/** The Trino name of a DuckDB result type, and how to write its values. */
export function trinoTypeOf(type: DuckDBType): { dataType: string; kind: ValueKind } {
  const text = String(type).toUpperCase();
  if (/\[\d*\]$/.test(text) || text.startsWith("STRUCT") || text.startsWith("MAP") || text.startsWith("UNION")) {
    const dataType = text.endsWith("]") ? "array" : text.startsWith("MAP") ? "map" : "row";
    return { dataType, kind: "nested" };
  }
  switch (text) {
    case "BOOLEAN":
      return { dataType: "boolean", kind: "boolean" };
    case "TINYINT":
      return { dataType: "tinyint", kind: "integer" };
    case "SMALLINT":
    case "UTINYINT":
      return { dataType: "smallint", kind: "integer" };
    case "INTEGER":
    case "USMALLINT":
      return { dataType: "integer", kind: "integer" };
    case "BIGINT":
    case "UINTEGER":
    case "UBIGINT":
    case "HUGEINT":
    case "UHUGEINT":
      return { dataType: "bigint", kind: "integer" };
    case "FLOAT":
      return { dataType: "real", kind: "double" };
    case "DOUBLE":
      return { dataType: "double", kind: "double" };
    case "DATE":
      return { dataType: "date", kind: "date" };
    case "TIMESTAMP WITH TIME ZONE":
      return { dataType: "timestamp(3) with time zone", kind: "timestamptz" };
    case "UUID":
      return { dataType: "uuid", kind: "text" };
    case "BLOB":
      return { dataType: "varbinary", kind: "text" };
    default:
      break;
  }
  if (text.startsWith("TIMESTAMP")) return { dataType: "timestamp(3)", kind: "timestamp" };
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(text);
  if (decimal) return { dataType: `decimal(${decimal[1]},${decimal[2]})`, kind: "decimal" };
  if (text.startsWith("TIME")) return { dataType: "time(3)", kind: "text" };
  if (text.startsWith("INTERVAL")) return { dataType: "interval day to second", kind: "text" };
  return { dataType: "varchar", kind: "text" };
}

// ---- per-project databases -------------------------------------------------------------------------

/** A table the engine loads: where it goes, its columns, and its rows. */
interface TableSource {
  catalog: string;
  schema: string;
  name: string;
  columns: Array<{ name: string; dataType: string }>;
  rows: () => Row[];
  /** Changes when the rows change (the rows array and its length). */
  identity: unknown;
  size: number;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const qualified = (...parts: string[]) => parts.map(quote).join(".");

/** The tables of a project the engine should hold: every catalog table, and Peaka Tables that hold rows. */
function sourcesOf(p: ProjectRecord): TableSource[] {
  const out: TableSource[] = [];
  for (const { catalog, schemas } of p.catalogs.values()) {
    // The built-in catalog (id "1") is `peaka` in SQL: its Peaka Tables and BI tables (shown there by
    // the simulator, rows and all) are "peaka"."table"."<name>" and "peaka"."bitable"."<name>".
    const name = catalog.id === "1" ? "peaka" : catalog.name;
    for (const [schema, tables] of schemas) {
      for (const t of tables.values()) {
        if (t.columns.length === 0) continue; // DuckDB holds no table without columns (a new BI table)
        const rows = t.rows();
        out.push({ catalog: name, schema, name: t.name, columns: t.columns.map((c) => ({ name: c.name, dataType: c.dataType ?? "varchar" })), rows: () => rows, identity: rows, size: rows.length });
      }
    }
  }
  return out;
}

/** A value for a `?` marker: @peaka/api sends strings; the query-builder's filter values may be numbers, booleans or null. */
export type EngineBinding = string | number | boolean | null;

/** What a statement gave: its columns and their values, column by column. */
export interface EngineResult {
  columns: ResultColumn[];
  /**
   * One array per column: integers as bigint or number, doubles as numbers, decimals as exact text,
   * dates, timestamps as Dates, booleans, strings, nested values as plain JS (arrays, objects), null.
   */
  values: unknown[][];
  rowCount: number;
}

/** The values of one column of a chunk, in the JS forms EngineResult holds. */
function columnValues(duck: DuckModule, chunk: import("@duckdb/node-api").DuckDBDataChunk, index: number, kind: ValueKind): unknown[] {
  if (kind === "nested" || kind === "text") {
    return chunk.convertColumnValues(index, duck.JSDuckDBValueConverter).map((v) => (v === null || typeof v === "string" || kind === "nested" ? v : String(v)));
  }
  const raw = chunk.getColumnValues(index) as unknown[];
  switch (kind) {
    case "decimal":
      return raw.map((v) => (v === null ? null : String(v)));
    case "date":
      return raw.map((v) => (v === null ? null : new Date((v as { days: number }).days * 86_400_000)));
    case "timestamp":
    case "timestamptz":
      return raw.map((v) => (v === null ? null : new Date(Number((v as { micros: bigint }).micros / 1000n))));
    default:
      return raw;
  }
}

/** Trino functions that @peaka/api's `sql` template (and common Peaka SQL) uses, as DuckDB macros. */
const MACROS = [
  // from_iso8601_timestamp('2026-01-05T09:00:00Z'): the `sql` template binds a Date this way.
  `CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)`,
  `CREATE OR REPLACE MACRO from_iso8601_date(s) AS CAST(s AS DATE)`,
];

class ProjectDatabase {
  private readonly attached = new Set<string>();
  private readonly loaded = new Map<string, { identity: unknown; shape: string }>();
  private readonly views = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly duck: DuckModule,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(duck: DuckModule): Promise<ProjectDatabase> {
    const instance = await duck.DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    for (const macro of MACROS) await connection.run(macro);
    return new ProjectDatabase(duck, instance, connection);
  }

  /** Runs `work` after every earlier piece of work on this database (one connection, one statement at a time). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async attach(catalog: string): Promise<void> {
    if (this.attached.has(catalog)) return;
    await this.connection.run(`ATTACH ':memory:' AS ${quote(catalog)}`);
    this.attached.add(catalog);
  }

  private async ensureSchema(catalog: string, schema: string): Promise<void> {
    await this.attach(catalog);
    await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${qualified(catalog, schema)}`);
  }

  /** Loads one table: rows appended as text into a staging table, then cast to the columns' types. */
  private async load(t: TableSource): Promise<void> {
    await this.ensureSchema(t.catalog, t.schema);
    const stage = qualified("memory", "main", "__peaka_stage");
    await this.connection.run(`CREATE OR REPLACE TABLE ${stage} (${t.columns.map((c) => `${quote(c.name)} VARCHAR`).join(", ")})`);
    const appender = await this.connection.createAppender("__peaka_stage", "main", "memory");
    try {
      for (const row of t.rows()) {
        for (const c of t.columns) {
          const v = row[c.name];
          if (v === null || v === undefined) appender.appendNull();
          else appender.appendVarchar(String(v));
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const select = t.columns.map((c) => `CAST(${quote(c.name)} AS ${duckTypeOf(c.dataType)}) AS ${quote(c.name)}`).join(", ");
    await this.connection.run(`CREATE OR REPLACE TABLE ${qualified(t.catalog, t.schema, t.name)} AS SELECT ${select} FROM ${stage}`);
    await this.connection.run(`DROP TABLE ${stage}`);
  }

  /** Brings the database in line with the project: tables added, dropped or reloaded; saved queries as views. */
  private async sync(p: ProjectRecord): Promise<void> {
    for (const { catalog } of p.catalogs.values()) await this.attach(catalog.name);
    const wanted = new Map(sourcesOf(p).map((t) => [qualified(t.catalog, t.schema, t.name), t]));
    for (const [key] of this.loaded) {
      if (!wanted.has(key)) {
        await this.connection.run(`DROP TABLE IF EXISTS ${key}`);
        this.loaded.delete(key);
      }
    }
    for (const [key, t] of wanted) {
      const shape = `${t.size}|${t.columns.map((c) => `${c.name}:${c.dataType}`).join(",")}`;
      const held = this.loaded.get(key);
      if (held && held.identity === t.identity && held.shape === shape) continue;
      await this.load(t);
      this.loaded.set(key, { identity: t.identity, shape });
    }
    // Saved queries: "peaka"."query"."<name>".
    const queries = new Map([...p.queries.values()].map((q) => [q.name, q.inputQuery ?? ""]));
    if (queries.size || this.views.size) await this.ensureSchema("peaka", "query");
    for (const [name] of this.views) {
      if (!queries.has(name)) {
        await this.connection.run(`DROP VIEW IF EXISTS ${qualified("peaka", "query", name)}`);
        this.views.delete(name);
      }
    }
    for (const [name, text] of queries) {
      if (this.views.get(name) === text) continue;
      this.views.set(name, text);
      try {
        await this.connection.run(`CREATE OR REPLACE VIEW ${qualified("peaka", "query", name)} AS ${text.replace(/;\s*$/, "")}`);
      } catch {
        await this.connection.run(`DROP VIEW IF EXISTS ${qualified("peaka", "query", name)}`);
      }
    }
  }

  /** Runs one statement with its `?` bindings (bound as text) on the project's current data. */
  run(p: ProjectRecord, statement: string, bindings: readonly EngineBinding[]): Promise<EngineResult> {
    return this.serial(async () => {
      await this.sync(p);
      let result;
      try {
        result = await this.connection.run(statement, bindings.length ? [...bindings] : undefined);
      } catch (error) {
        throw new PeakaSimError(400, { errorCode: 100, message: error instanceof Error ? error.message : String(error) });
      }
      const names = result.columnNames();
      const columns = result.columnTypes().map((type, i) => ({ name: names[i] ?? `_col${i}`, ...trinoTypeOf(type) }));
      const values: unknown[][] = columns.map(() => []);
      let rowCount = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        rowCount += chunk.rowCount;
        columns.forEach((c, i) => {
          const target = values[i]!;
          for (const v of columnValues(this.duck, chunk, i, c.kind)) target.push(v);
        });
      }
      return { columns, values, rowCount };
    });
  }

  /** Loads the project's tables now (for `sim.ready()`). */
  prepare(p: ProjectRecord): Promise<void> {
    return this.serial(() => this.sync(p));
  }

  close(): void {
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } catch {
      // already closed
    }
  }
}

/** The engine of one simulator world: a database per project, opened on first use. */
export class SqlEngine {
  private readonly databases = new Map<string, Promise<ProjectDatabase>>();
  private closed = false;

  private database(p: ProjectRecord, duck: DuckModule): Promise<ProjectDatabase> {
    let db = this.databases.get(p.project.id);
    if (!db) {
      db = ProjectDatabase.open(duck);
      this.databases.set(p.project.id, db);
    }
    return db;
  }

  /** Runs a statement in the project's database (loading the engine first); 501 when it cannot run here. */
  async run(p: ProjectRecord, statement: string, bindings: readonly EngineBinding[] = []): Promise<EngineResult> {
    const { duck } = await sqlModules();
    if (this.closed) throw new SqlUnavailableError("This simulator's SQL engine was closed (sim.reset() or sim.close()).");
    return (await this.database(p, duck)).run(p, statement, bindings);
  }

  /** Loads the engine and a project's tables; the reason when the engine cannot run here. */
  async prepare(p: ProjectRecord | undefined): Promise<{ sql: true } | { sql: false; reason: string }> {
    const loaded = await loadSqlModules();
    if ("reason" in loaded) return { sql: false, reason: loaded.reason };
    if (p) await (await this.database(p, loaded.duck)).prepare(p);
    return { sql: true };
  }

  close(): void {
    this.closed = true;
    for (const db of this.databases.values()) void db.then((d) => d.close(), () => undefined);
    this.databases.clear();
  }
}

const engines = new WeakMap<World, SqlEngine>();

/** The SQL engine of a world (one per simulator state; `sim.reset()` makes a new world and so a new engine). */
export function engineOf(world: World): SqlEngine {
  let engine = engines.get(world);
  if (!engine) {
    engine = new SqlEngine();
    engines.set(world, engine);
  }
  return engine;
}

/** Closes the engine of a world, if it has one. */
export function closeEngineOf(world: World): void {
  engines.get(world)?.close();
  engines.delete(world);
}
