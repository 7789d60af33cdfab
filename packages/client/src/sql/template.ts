// The `sql` tagged template: statements whose values travel only as bindings, never as SQL text.
//
//   sql`SELECT * FROM orders WHERE id = ${id} AND status = ${status}`
//   // -> { statement: "SELECT * FROM orders WHERE id = CAST(? AS BIGINT) AND status = ?", bindings: ["42", "shipped"] }
//
// Peaka's execute operation takes `bindings` as an array of strings for the statement's `?` markers.
// A string value is sent as it is, behind a bare `?`. A number, bigint, boolean or Date is sent as its
// text, and its marker is wrapped in a cast to its SQL type (`CAST(? AS BIGINT)`, `CAST(? AS DOUBLE)`,
// `CAST(? AS BOOLEAN)`, `from_iso8601_timestamp(?)`), so the comparison is typed whether Peaka binds
// the text as a varchar or not. `null` becomes the keyword `NULL` (a string binding cannot carry a SQL
// NULL); `undefined` is an error (it is almost always a missing property, and `runSql`'s `bindings`
// refuse it too). The statement's text therefore depends only on the template and the *kinds* of the
// values, never on their content.
//
// The template's own text is checked with the project's SQL lexer (internal/sql-lexer.ts): a `?` in it
// (outside strings, quoted names and comments) would shift every binding after it, and a value inside a
// string, a quoted name or a comment (`'${x}'`) would not be a value at all; both throw. Where two pieces
// meet, a space keeps `-` `-` and `/` `*` from forming a comment (`5 -${sql.literal(-1)}` is `5 - -1`).
//
// Fragments compose across copies of this package (the ESM and the CommonJS build, two installed
// versions): each carries its text and bindings under a registered symbol (see `SQL_FRAGMENT`), and a
// fragment that carries only a brand this copy cannot read throws instead of being dropped.
import { PeakaInvalidArgumentError } from "@peaka/api";
import { lexSqlChunk, type SqlOpenKind } from "../internal/sql-lexer.js";

/** A value the template can bind. `undefined` is refused (use `null` for SQL NULL). */
export type SqlValue = string | number | bigint | boolean | Date | null;

/**
 * The key under which a `sql` fragment carries itself, in a shape every copy of `@peaka/api` (ESM or
 * CommonJS build, any version that knows version 1) reads: `{ version: 1, statement, bindings }`, the
 * SQL text with a `?` marker (bare or inside a cast) for each binding and the bindings as strings, in
 * order. `Symbol.for`, so that it is the same symbol in every copy. A later shape gets a new key and
 * keeps this one.
 */
export const SQL_FRAGMENT: unique symbol = Symbol.for("@peaka/api/sql-fragment@1") as never;
/** The brand of the first releases (0.1.x): `true`, with the fragment in the public `statement` and `bindings`. */
const LEGACY_BRAND = Symbol.for("@peaka/api/sql.SqlStatement");
const BRAND_PREFIX = "@peaka/api/sql";

/** What `SQL_FRAGMENT` holds (version 1). */
export interface SqlFragmentV1 {
  readonly version: 1;
  readonly statement: string;
  readonly bindings: readonly string[];
}

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
  /** @internal This fragment, as every copy of the package reads it (see `SQL_FRAGMENT`). */
  declare readonly [SQL_FRAGMENT]: SqlFragmentV1;

  /** @internal Use the `sql` template, `sql.id`, `sql.join` or `sql.literal`. */
  constructor(statement: string, bindings: string[]) {
    this.statement = statement;
    this.bindings = bindings;
    const carried: SqlFragmentV1 = Object.freeze({ version: 1, statement, bindings: Object.freeze([...bindings]) });
    Object.defineProperty(this, SQL_FRAGMENT, { value: carried, enumerable: false });
    Object.defineProperty(this, LEGACY_BRAND, { value: true, enumerable: false });
  }

  /** The statement text (for logs). The bindings are not included. */
  toString(): string {
    return this.statement;
  }
}

/** The fragment `value` carries, from this or any other copy of the package; `undefined` when it is none. */
function fragmentOf(value: object): SqlFragmentV1 | undefined {
  const carried = (value as Record<symbol, unknown>)[SQL_FRAGMENT];
  if (carried !== undefined) {
    const f = carried as Partial<SqlFragmentV1> | null;
    if (f && f.version === 1 && typeof f.statement === "string" && Array.isArray(f.bindings) && f.bindings.every((b) => typeof b === "string")) {
      return f as SqlFragmentV1;
    }
    throw new PeakaInvalidArgumentError("sql: a nested fragment carries a malformed @peaka/api/sql-fragment@1 value; it cannot be composed.");
  }
  if ((value as Record<symbol, unknown>)[LEGACY_BRAND] === true) {
    const { statement, bindings } = value as { statement?: unknown; bindings?: unknown };
    if (typeof statement === "string" && Array.isArray(bindings) && bindings.every((b) => typeof b === "string")) {
      return { version: 1, statement, bindings };
    }
    throw new PeakaInvalidArgumentError("sql: a nested fragment from an older @peaka/api has no readable statement and bindings; it cannot be composed.");
  }
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    const key = Symbol.keyFor(symbol);
    if (key?.startsWith(BRAND_PREFIX)) {
      throw new PeakaInvalidArgumentError(
        `sql: a nested fragment comes from a copy of @peaka/api this one cannot read (${key}); build the whole statement with one copy.`,
      );
    }
  }
  return undefined;
}

/** Whether `value` is a statement built by `sql`, by this or another copy of the package. */
export function isSqlStatement(value: unknown): value is SqlStatement {
  if (typeof value !== "object" || value === null) return false;
  const carried = (value as Record<symbol, unknown>)[SQL_FRAGMENT];
  return carried !== undefined || (value as Record<symbol, unknown>)[LEGACY_BRAND] === true;
}

function describe(value: unknown): string {
  if (typeof value === "symbol" || typeof value === "function") return typeof value;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return `an object (${Object.prototype.toString.call(value)})`;
  return typeof value;
}

/** A statement under construction: text and bindings, joined so that no comment forms where pieces meet. */
class Builder {
  text = "";
  readonly bindings: string[] = [];
  /** Appends SQL text; a space goes between `-` `-` and `/` `*` where this piece meets the text before it. */
  append(piece: string): void {
    if (piece === "") return;
    const last = this.text.charCodeAt(this.text.length - 1);
    const first = piece.charCodeAt(0);
    if ((last === 45 && first === 45) || (last === 47 && first === 42)) this.text += " ";
    this.text += piece;
  }
  /**
   * Appends a fragment's text and bindings; one that ends in a `--` comment is ended with a line break.
   * A fragment from another copy is checked as this copy checks its own: one `?` per binding, nothing
   * left open.
   */
  fragment(f: SqlFragmentV1): void {
    const { tokens, open } = lexSqlChunk(f.statement);
    let markers = 0;
    for (const token of tokens) if (token.kind === "parameter") markers++;
    if (markers !== f.bindings.length) {
      throw new PeakaInvalidArgumentError(`sql: a nested fragment has ${markers} ? markers and ${f.bindings.length} bindings; it cannot be composed.`);
    }
    if (open !== undefined && open !== "line-comment") throw new PeakaInvalidArgumentError(`sql: a nested fragment ends inside ${OPEN_NAMES[open]}.`);
    this.append(f.statement);
    if (open === "line-comment") this.text += "\n";
    this.bindings.push(...f.bindings);
  }
  /** Appends one value: a fragment as it is, anything else as a binding behind its marker. */
  value(value: unknown, where: string): void {
    if (typeof value === "object" && value !== null && !(value instanceof Date)) {
      const f = fragmentOf(value);
      if (f) return this.fragment(f);
    }
    const [binding, marker] = bind(value, where);
    this.append(marker);
    if (binding !== undefined) this.bindings.push(binding);
  }
  done(): SqlStatement {
    return new SqlStatement(this.text, this.bindings);
  }
}

/** One value as `[binding, marker]` (`[undefined, "NULL"]` for null). */
function bind(value: unknown, where: string): [string | undefined, string] {
  if (value === null) return [undefined, "NULL"];
  switch (typeof value) {
    case "undefined":
      throw new PeakaInvalidArgumentError(`sql: ${where} is undefined; pass null for SQL NULL (undefined is refused: it is usually a missing property).`);
    case "string":
      return [value, "?"];
    case "boolean":
      return [value ? "true" : "false", "CAST(? AS BOOLEAN)"];
    case "number":
      if (Number.isSafeInteger(value)) return [String(value), "CAST(? AS BIGINT)"];
      // Non-integers, unsafe integers, NaN and the infinities are doubles; Trino reads "NaN" and "Infinity".
      return [String(value), "CAST(? AS DOUBLE)"];
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new PeakaInvalidArgumentError(`sql: ${where}, the bigint ${value}, does not fit in a SQL BIGINT (64 bits).`);
      }
      return [String(value), "CAST(? AS BIGINT)"];
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new PeakaInvalidArgumentError(`sql: ${where} is an invalid Date, which cannot be bound.`);
    return [value.toISOString(), "from_iso8601_timestamp(?)"];
  }
  throw new PeakaInvalidArgumentError(
    `sql: cannot bind ${where}, ${describe(value)}; bind strings, numbers, bigints, booleans, Dates or null, ` +
      "use sql.join(list) for a list and sql.id(...) for a name.",
  );
}

const OPEN_NAMES: Record<SqlOpenKind, string> = {
  string: "a string literal",
  "unicode-string": "a Unicode string literal",
  "binary-string": "a binary string literal",
  "quoted-identifier": "a quoted name",
  "backquoted-identifier": "a backquoted name",
  "line-comment": "a -- comment",
  "block-comment": "a /* */ comment",
};

/** Templates whose text has passed the checks (the checks depend on the text alone; a call site's strings are one object). */
const checked = new WeakSet<TemplateStringsArray>();

/** Checks a template's text with the SQL lexer: no bare `?`, no value inside a string, quoted name or comment. */
function checkTemplate(strings: TemplateStringsArray): void {
  let open: SqlOpenKind | undefined;
  strings.forEach((text, i) => {
    const lexed = lexSqlChunk(text, open);
    const marker = lexed.tokens.find((t) => t.kind === "parameter");
    if (marker) {
      throw new PeakaInvalidArgumentError(
        `sql: the template text has a bare ? (part ${i + 1}, at character ${marker.start}: ${JSON.stringify(text.slice(Math.max(0, marker.start - 20), marker.end))}); ` +
          "it would shift every binding after it: write values as ${value}.",
      );
    }
    open = lexed.open;
    if (i < strings.length - 1 && open !== undefined) {
      throw new PeakaInvalidArgumentError(
        `sql: value ${i + 1} is placed inside ${OPEN_NAMES[open]} (after ${JSON.stringify(text.slice(-20))}), where it would not be a value; ` +
          "put ${value} outside quotes and comments (write 'a' || ${x}, not '${x}'), and names through sql.id().",
      );
    }
  });
  if (open !== undefined && open !== "line-comment") {
    throw new PeakaInvalidArgumentError(`sql: the template ends inside ${OPEN_NAMES[open]} that is never closed.`);
  }
}

function template(strings: TemplateStringsArray, ...values: unknown[]): SqlStatement {
  if (!Array.isArray(strings) || !Array.isArray((strings as TemplateStringsArray).raw)) {
    throw new PeakaInvalidArgumentError("sql is a tagged template: write sql`SELECT ...`, not sql(...).");
  }
  // An invalid escape (`\x`, `\u{`) leaves a tagged template's text undefined.
  if (strings.some((text) => typeof text !== "string")) {
    throw new PeakaInvalidArgumentError("sql: the template has an invalid escape sequence (such as \\x or \\u without digits).");
  }
  if (!checked.has(strings)) {
    checkTemplate(strings);
    if (Object.isFrozen(strings)) checked.add(strings);
  }
  const out = new Builder();
  strings.forEach((text, i) => {
    out.append(text);
    if (i < values.length) out.value(values[i], `value ${i + 1}`);
  });
  return out.done();
}

/** The separators `sql.join` takes as strings; anything else must be a `sql` fragment. */
export const JOIN_SEPARATORS: readonly string[] = Object.freeze([", ", ",", " AND ", " OR ", " ", "\n", ",\n", " UNION ", " UNION ALL "]);

/** Quotes one identifier part: `"..."` with inner quotes doubled. */
function quoteIdentifier(part: unknown): string {
  if (typeof part !== "string" || part === "") {
    throw new PeakaInvalidArgumentError(`sql.id: every part of a name must be a non-empty string; got ${describe(part)}${part === "" ? " (empty)" : ""}.`);
  }
  if (part.includes("\u0000")) throw new PeakaInvalidArgumentError("sql.id: a name cannot contain the NUL character.");
  return `"${part.replaceAll('"', '""')}"`;
}

/** The `sql` tagged template and its helpers. */
export interface SqlTag {
  /**
   * Builds a statement; every `${value}` becomes a `?` marker with the value in `bindings`, a nested
   * `sql` fragment (from any copy of the package) is spliced in as it is. Values are typed
   * `SqlValue | SqlStatement`: an array, an object, a function or `undefined` does not compile (and
   * throws `PeakaInvalidArgumentError` from plain JavaScript). A bare `?` in the text and a value inside
   * quotes or a comment throw `PeakaInvalidArgumentError` too.
   *
   * @example
   * const q = sql`SELECT * FROM ${sql.id("shop", "public", "orders")} WHERE status = ${status} AND total > ${min}`;
   */
  (strings: TemplateStringsArray, ...values: ReadonlyArray<SqlValue | SqlStatement>): SqlStatement;
  /**
   * A quoted name: `sql.id("shop", "public", "orders")` is `"shop"."public"."orders"`; inner `"` are
   * doubled, so a name can never end the quoting.
   */
  id(...parts: [string, ...string[]]): SqlStatement;
  /**
   * Joins values and fragments with `separator` (default `", "`): `IN (${sql.join(ids)})`. The
   * separator is one of `JOIN_SEPARATORS` (`", "`, `","`, `" AND "`, `" OR "`, `" "`, `"\n"`, `",\n"`,
   * `" UNION "`, `" UNION ALL "`) or a `sql` fragment; any other string throws. An empty list throws,
   * because `IN ()` is not SQL.
   */
  join(items: ReadonlyArray<SqlValue | SqlStatement>, separator?: string | SqlStatement): SqlStatement;
  /**
   * A number written into the SQL text itself, for places that take no marker (`LIMIT`, `OFFSET`).
   * Only finite numbers and bigints are accepted, so the text is digits (with a leading `-`) and
   * nothing else; written after a `-` it is spaced (`5 - -1`), never a comment.
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
    return new SqlStatement(parts.map(quoteIdentifier).join("."), []);
  },
  join(items: readonly unknown[], separator: string | SqlStatement = ", "): SqlStatement {
    if (!Array.isArray(items) || items.length === 0) {
      throw new PeakaInvalidArgumentError("sql.join needs a non-empty array.");
    }
    let sep: SqlFragmentV1 | undefined;
    if (typeof separator === "string") {
      if (!JOIN_SEPARATORS.includes(separator)) {
        throw new PeakaInvalidArgumentError(
          `sql.join: the separator ${JSON.stringify(separator)} is not one of ${JOIN_SEPARATORS.map((s) => JSON.stringify(s)).join(", ")}; pass any other as a sql fragment (sql\` INTERSECT \`).`,
        );
      }
      sep = { version: 1, statement: separator, bindings: [] };
    } else {
      sep = typeof separator === "object" && separator !== null ? fragmentOf(separator) : undefined;
      if (!sep) throw new PeakaInvalidArgumentError(`sql.join: the separator must be a string of JOIN_SEPARATORS or a sql fragment; got ${describe(separator)}.`);
    }
    const out = new Builder();
    items.forEach((item, i) => {
      if (i > 0) out.fragment(sep);
      out.value(item, `item ${i + 1} of sql.join`);
    });
    return out.done();
  },
  literal(value: number | bigint): SqlStatement {
    if (typeof value === "bigint") return new SqlStatement(String(value), []);
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new PeakaInvalidArgumentError(`sql.literal takes a finite number or a bigint; got ${describe(value)}.`);
    }
    // Exponent notation is not read the same by every SQL dialect: plain digits only.
    const text = Number.isInteger(value) ? BigInt(value).toString() : String(value);
    if (!/^-?\d+(\.\d+)?$/.test(text)) {
      throw new PeakaInvalidArgumentError(`sql.literal cannot write ${text} as plain digits; bind it instead.`);
    }
    return new SqlStatement(text, []);
  },
  empty: new SqlStatement("", []),
});

/**
 * The statement and bindings to send for `input`: a `sql` statement as it is, or a plain string
 * (with optional bindings) for callers who write their own SQL. Plain bindings must be strings
 * (`undefined` and `null` are refused, as `sql` refuses `undefined`: write NULL in the text), and as
 * many as the statement has `?` markers outside strings, quoted names and comments.
 */
export function toStatement(input: SqlStatement | string, bindings?: readonly string[]): { statement: string; bindings?: string[] } {
  if (typeof input === "object" && input !== null) {
    const f = fragmentOf(input);
    if (f) {
      if (bindings?.length) throw new PeakaInvalidArgumentError("Pass bindings either in the sql template or as an argument, not both.");
      return f.bindings.length ? { statement: f.statement, bindings: [...f.bindings] } : { statement: f.statement };
    }
  }
  if (typeof input !== "string" || input.trim() === "") {
    throw new PeakaInvalidArgumentError(`A statement must be a sql\`...\` template or a non-empty string; got ${describe(input)}.`);
  }
  if (bindings === undefined) return { statement: input };
  if (!Array.isArray(bindings)) throw new PeakaInvalidArgumentError(`bindings must be an array of strings; got ${describe(bindings)}.`);
  const bad = bindings.findIndex((b) => typeof b !== "string");
  if (bad >= 0) {
    throw new PeakaInvalidArgumentError(
      `bindings[${bad}] is ${bindings[bad] === undefined ? "undefined" : describe(bindings[bad])}; every binding is a string (Peaka takes them as text; write NULL in the statement for SQL NULL).`,
    );
  }
  const markers = lexSqlChunk(input).tokens.filter((t) => t.kind === "parameter").length;
  if (markers !== bindings.length) {
    throw new PeakaInvalidArgumentError(`The statement has ${markers} ? marker${markers === 1 ? "" : "s"} and ${bindings.length} binding${bindings.length === 1 ? "" : "s"}; they must match.`);
  }
  return bindings.length ? { statement: input, bindings: [...bindings] } : { statement: input };
}
