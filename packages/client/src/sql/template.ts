// The `sql` tagged template: statements whose values travel only as bindings, never as SQL text.
//
//   sql`SELECT * FROM orders WHERE id = ${id} AND status = ${status}`
//   // -> { statement: "SELECT * FROM orders WHERE id = CAST(? AS BIGINT) AND status = ?", bindings: ["42", "shipped"] }
//
// Peaka's execute operation takes `bindings` as an array of strings for the statement's `?` markers.
// A string value is sent as it is, behind a bare `?`. A number, bigint, boolean or Date is sent as its
// text, and its marker is wrapped in a cast to its SQL type (`CAST(? AS BIGINT)`, `CAST(? AS DOUBLE)`,
// `CAST(? AS BOOLEAN)`, `from_iso8601_timestamp(?)`), so the comparison is typed whether Peaka binds
// the text as a varchar or not. `null` and `undefined` become the keyword `NULL` (a string binding
// cannot carry a SQL NULL). The statement's text therefore depends only on the template and the
// *kinds* of the values, never on their content.
import { PeakaInvalidArgumentError } from "@peaka/api";

/** A value the template can bind. */
export type SqlValue = string | number | bigint | boolean | Date | null | undefined;

/** One piece of a statement: SQL text, or a value bound to a marker. */
type Chunk = { text: string } | { value: string; marker: string };

const BRAND = Symbol.for("@peaka/api/sql.SqlStatement");
const CHUNKS = Symbol("chunks");

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A statement built by `sql`: its text with `?` markers and the values for them, in order. It can
 * be sent as the `body` of `peaka.queries.execute` as it is, nested in another `sql` template, or
 * given to `runSql`.
 */
export class SqlStatement {
  /** The SQL text, with a `?` marker for each binding. */
  readonly statement: string;
  /** The values of the `?` markers, in order, as Peaka takes them: strings. */
  readonly bindings: string[];
  /** @internal */
  declare readonly [CHUNKS]: readonly Chunk[];

  /** @internal Use the `sql` template, `sql.id`, `sql.join` or `sql.literal`. */
  constructor(chunks: readonly Chunk[]) {
    // Adjacent text chunks are merged so that nesting does not leave seams.
    const merged: Chunk[] = [];
    for (const chunk of chunks) {
      const last = merged[merged.length - 1];
      if ("text" in chunk && last && "text" in last) merged[merged.length - 1] = { text: last.text + chunk.text };
      else if (!("text" in chunk) || chunk.text !== "") merged.push(chunk);
    }
    Object.defineProperty(this, CHUNKS, { value: merged, enumerable: false });
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
    this.statement = merged.map((c) => ("text" in c ? c.text : c.marker)).join("");
    this.bindings = merged.filter((c): c is { value: string; marker: string } => !("text" in c)).map((c) => c.value);
  }

  /** The statement text (for logs). The bindings are not included. */
  toString(): string {
    return this.statement;
  }
}

/** Whether `value` is a statement built by `sql` (also across copies of this package). */
export function isSqlStatement(value: unknown): value is SqlStatement {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

function chunksOf(statement: SqlStatement): readonly Chunk[] {
  return (statement as unknown as Record<symbol, readonly Chunk[]>)[CHUNKS] ?? [];
}

function describe(value: unknown): string {
  if (typeof value === "symbol" || typeof value === "function") return typeof value;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return `an object (${Object.prototype.toString.call(value)})`;
  return typeof value;
}

/** Turns one interpolated value into chunks: a nested statement as it is, anything else as a binding. */
function bind(value: unknown): Chunk[] {
  if (isSqlStatement(value)) return [...chunksOf(value)];
  if (value === null || value === undefined) return [{ text: "NULL" }];
  switch (typeof value) {
    case "string":
      return [{ value, marker: "?" }];
    case "boolean":
      return [{ value: value ? "true" : "false", marker: "CAST(? AS BOOLEAN)" }];
    case "number":
      if (Number.isSafeInteger(value)) return [{ value: String(value), marker: "CAST(? AS BIGINT)" }];
      // Non-integers, unsafe integers, NaN and the infinities are doubles; Trino reads "NaN" and "Infinity".
      return [{ value: String(value), marker: "CAST(? AS DOUBLE)" }];
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new PeakaInvalidArgumentError(`sql: the bigint ${value} does not fit in a SQL BIGINT (64 bits).`);
      }
      return [{ value: String(value), marker: "CAST(? AS BIGINT)" }];
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new PeakaInvalidArgumentError("sql: an invalid Date cannot be bound.");
    return [{ value: value.toISOString(), marker: "from_iso8601_timestamp(?)" }];
  }
  throw new PeakaInvalidArgumentError(
    `sql: cannot bind ${describe(value)}; bind strings, numbers, bigints, booleans, Dates or null, ` +
      "use sql.join(list) for a list and sql.id(...) for a name.",
  );
}

/** Quotes one identifier part: `"..."` with inner quotes doubled. */
function quoteIdentifier(part: unknown): string {
  if (typeof part !== "string" || part === "") {
    throw new PeakaInvalidArgumentError(`sql.id: every part of a name must be a non-empty string; got ${describe(part)}${part === "" ? " (empty)" : ""}.`);
  }
  if (part.includes("\u0000")) throw new PeakaInvalidArgumentError("sql.id: a name cannot contain the NUL character.");
  return `"${part.replaceAll('"', '""')}"`;
}

function template(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  if (!Array.isArray(strings) || !Array.isArray((strings as TemplateStringsArray).raw)) {
    throw new PeakaInvalidArgumentError("sql is a tagged template: write sql`SELECT ...`, not sql(...).");
  }
  const chunks: Chunk[] = [];
  strings.forEach((text, i) => {
    // An invalid escape (`\x`, `\u{`) leaves a tagged template's text undefined.
    if (typeof text !== "string") throw new PeakaInvalidArgumentError("sql: the template has an invalid escape sequence (such as \\x or \\u without digits).");
    chunks.push({ text });
    if (i < values.length) chunks.push(...bind(values[i]));
  });
  return new SqlStatement(chunks);
}

/** The `sql` tagged template and its helpers. */
export interface SqlTag {
  /**
   * Builds a statement; every `${value}` becomes a `?` marker with the value in `bindings`, a nested
   * `sql` fragment is spliced in as it is.
   *
   * @example
   * const q = sql`SELECT * FROM ${sql.id("shop", "public", "orders")} WHERE status = ${status} AND total > ${min}`;
   */
  (strings: TemplateStringsArray, ...values: unknown[]): SqlStatement;
  /**
   * A quoted name: `sql.id("shop", "public", "orders")` is `"shop"."public"."orders"`; inner `"` are
   * doubled, so a name can never end the quoting.
   */
  id(...parts: [string, ...string[]]): SqlStatement;
  /**
   * Joins values and fragments with `separator` (default `", "`): `IN (${sql.join(ids)})`. An empty
   * list throws, because `IN ()` is not SQL.
   */
  join(items: readonly unknown[], separator?: string | SqlStatement): SqlStatement;
  /**
   * A number written into the SQL text itself, for places that take no marker (`LIMIT`, `OFFSET`).
   * Only finite numbers and bigints are accepted, so the text is digits and nothing else.
   */
  literal(value: number | bigint): SqlStatement;
  /** An empty fragment, for optional parts: `${onlyOpen ? sql`AND open` : sql.empty}`. */
  readonly empty: SqlStatement;
}

/**
 * The `sql` tagged template: values become bindings, names go through `sql.id`, fragments compose.
 *
 * @example
 * import { sql } from "@peaka/api/sql";
 * const query = sql`SELECT id, total FROM ${sql.id("shop", "public", "orders")} WHERE customer = ${customerId}`;
 * await peaka.queries.execute({ projectId, body: query });
 */
export const sql: SqlTag = Object.assign(template, {
  id(...parts: [string, ...string[]]): SqlStatement {
    if (parts.length === 0) throw new PeakaInvalidArgumentError("sql.id needs at least one name part.");
    return new SqlStatement([{ text: parts.map(quoteIdentifier).join(".") }]);
  },
  join(items: readonly unknown[], separator: string | SqlStatement = ", "): SqlStatement {
    if (!Array.isArray(items) || items.length === 0) {
      throw new PeakaInvalidArgumentError("sql.join needs a non-empty array.");
    }
    const sep: Chunk[] = isSqlStatement(separator) ? [...chunksOf(separator)] : [{ text: String(separator) }];
    const chunks: Chunk[] = [];
    items.forEach((item, i) => {
      if (i > 0) chunks.push(...sep);
      chunks.push(...bind(item));
    });
    return new SqlStatement(chunks);
  },
  literal(value: number | bigint): SqlStatement {
    if (typeof value === "bigint") return new SqlStatement([{ text: String(value) }]);
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new PeakaInvalidArgumentError(`sql.literal takes a finite number or a bigint; got ${describe(value)}.`);
    }
    // Exponent notation is not read the same by every SQL dialect: plain digits only.
    const text = Number.isInteger(value) ? BigInt(value).toString() : String(value);
    if (!/^-?\d+(\.\d+)?$/.test(text)) {
      throw new PeakaInvalidArgumentError(`sql.literal cannot write ${text} as plain digits; bind it instead.`);
    }
    return new SqlStatement([{ text }]);
  },
  empty: new SqlStatement([]),
});

/**
 * The statement and bindings to send for `input`: a `sql` statement as it is, or a plain string
 * (with optional bindings) for callers who write their own SQL.
 */
export function toStatement(input: SqlStatement | string, bindings?: readonly string[]): { statement: string; bindings?: string[] } {
  if (isSqlStatement(input)) {
    if (bindings?.length) throw new PeakaInvalidArgumentError("Pass bindings either in the sql template or as an argument, not both.");
    return input.bindings.length ? { statement: input.statement, bindings: [...input.bindings] } : { statement: input.statement };
  }
  if (typeof input !== "string" || input.trim() === "") {
    throw new PeakaInvalidArgumentError(`A statement must be a sql\`...\` template or a non-empty string; got ${describe(input)}.`);
  }
  if (bindings !== undefined && (!Array.isArray(bindings) || bindings.some((b) => typeof b !== "string"))) {
    throw new PeakaInvalidArgumentError("bindings must be an array of strings (Peaka takes every binding as text).");
  }
  return bindings?.length ? { statement: input, bindings: [...bindings] } : { statement: input };
}
