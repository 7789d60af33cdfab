// Values converted by their column's SQL type, and result rows as objects keyed by column name.
import { PeakaInvalidArgumentError, type ExecuteQueryResult } from "@peaka/api";
import { isRoundedInteger, parseExactJson } from "../internal/json.js";
import type { components } from "@peaka/api-types";

type QueryTypedCell = components["schemas"]["QueryTypedCell"];

/** How values are converted. */
export interface ConvertOptions {
  /**
   * How a `bigint` column's values (and `decimal` integers that a JS number cannot hold exactly) come:
   * `"string"` keeps a number when it fits (|n| <= 2^53 - 1) and gives the exact text otherwise;
   * `"bigint"` gives every `bigint` value as a JS `bigint`. Default: `"string"`.
   */
  bigint?: "string" | "bigint" | undefined;
  /**
   * How `date` and `timestamp` values come: `"string"` keeps Peaka's text (e.g.
   * `"2025-07-14 10:41:55.000"`); `"Date"` gives a `Date` (a timestamp without zone is read as UTC;
   * a value with a named zone such as `Europe/Berlin` stays text). Default: `"string"`.
   */
  timestamps?: "string" | "Date" | undefined;
}

/** One column of a result. */
export interface SqlColumn {
  /** The key of this column in each row: its name, with `_2`, `_3`... added when the name repeats. */
  key: string;
  /** The column's name as Peaka sent it. */
  name: string;
  /** Zero-based position in the result. */
  index: number;
  /** The SQL type (e.g. `varchar`, `bigint`, `decimal(12,2)`, `timestamp(3)`), when Peaka sent one. */
  type?: string | undefined;
  /** Where the column comes from, when Peaka says. */
  catalogName?: string | undefined;
  schemaName?: string | undefined;
  tableName?: string | undefined;
}

/** A row as an object keyed by column key. */
export type SqlRow = Record<string, unknown>;

/** A result as columns and rows. */
export interface SqlRows<Row = SqlRow> {
  columns: SqlColumn[];
  rows: Row[];
}

/**
 * Keys for column names, in order: a repeated name keeps its first occurrence as it is and gets `_2`,
 * `_3`, ... after it (skipping keys that are already taken): `["id", "name", "id"]` -> `["id", "name", "id_2"]`.
 */
export function uniqueKeys(names: readonly string[]): string[] {
  const taken = new Set(names);
  const used = new Set<string>();
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`) || used.has(`${name}_${n}`)) n++;
    const key = `${name}_${n}`;
    used.add(key);
    return key;
  });
}

/** The base of a SQL type: `decimal(12,2)` -> `decimal`, `timestamp(3) with time zone` -> `timestamp with time zone`. */
export function baseType(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\(.*$/s, (rest) => (/^\(\d+\)\s+with time zone$/.test(rest) ? " with time zone" : ""))
    .trim();
}

const INTEGER = /^[-+]?\d+$/;

/** Whether the decimal text `s` survives a trip through a JS number unchanged. */
function exactAsNumber(s: string, n: number): boolean {
  const norm = (t: string) => {
    let x = t.replace(/^\+/, "");
    if (x.includes(".")) x = x.replace(/0+$/, "").replace(/\.$/, "");
    x = x.replace(/^(-?)0+(?=\d)/, "$1");
    return x === "-0" ? "0" : x;
  };
  if (!/^[-+]?\d+(\.\d+)?$/.test(s)) return false;
  const back = Number.isInteger(n) && Math.abs(n) >= 1e21 ? "" : String(n);
  return back !== "" && !/e/i.test(back) && norm(back) === norm(s);
}

function toBigInt(value: unknown): unknown {
  if (typeof value === "string" && INTEGER.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  return value;
}

function bigintValue(value: unknown, options: ConvertOptions): unknown {
  if (typeof value === "number" && isRoundedInteger(value)) {
    // Its digits may already be lost (9007199254740993 reads as 9007199254740992): never pass it off as exact.
    throw new PeakaInvalidArgumentError(
      `convertValue: the bigint value ${value} is a JS number beyond 2^53, which JSON.parse may have rounded; pass the value as text (runSql, streamRows and executeQuery answers keep such numbers as text).`,
    );
  }
  if (options.bigint === "bigint") return toBigInt(value);
  if (typeof value === "string" && INTEGER.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.replace(/^\+/, "");
  }
  return value;
}

function decimalValue(value: unknown, options: ConvertOptions): unknown {
  if (typeof value !== "string") return value;
  const n = Number(value);
  if (Number.isFinite(n) && exactAsNumber(value, n)) return n;
  if (options.bigint === "bigint" && INTEGER.test(value)) return BigInt(value);
  return value;
}

const UTC_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/** Peaka's timestamp text as a Date, or undefined when it names a zone we cannot resolve. */
function parseTimestamp(text: string, withZone: boolean): Date | undefined {
  const m = UTC_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [, day, time, fraction = "", zone] = m;
  if (withZone && !zone) return undefined;
  const ms = fraction ? `.${fraction.slice(1, 4).padEnd(3, "0")}` : "";
  const offset = !zone || /^(z|utc)$/i.test(zone) ? "Z" : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const date = new Date(`${day}T${time!.length === 5 ? `${time}:00` : time}${ms}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Text of a double as a number: digits, `NaN`, `Infinity`, `-Infinity` (also `inf`); other text stays. */
function doubleValue(text: string): unknown {
  const t = text.trim();
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return Number.NaN;
  const n = Number(t);
  return t !== "" && !Number.isNaN(n) ? n : text;
}

function parseJsonText(value: unknown, options: ConvertOptions): unknown {
  if (typeof value !== "string") return value;
  try {
    return parseExactJson(value, options.bigint === "bigint" ? "bigint" : "string");
  } catch {
    return value;
  }
}

/**
 * Converts one value by its column's SQL type: integers that fit stay numbers, `bigint` and `decimal`
 * values a JS number cannot hold exactly become text (or JS bigints, see `options.bigint`), doubles are
 * numbers (also `"NaN"` and `"Infinity"`), booleans and nulls stay as they are, `date`/`timestamp`
 * stay text unless `options.timestamps` is `"Date"`, and `json`, `array`, `map` and `row` values are
 * parsed JSON. Unknown or missing types leave the value as it is.
 */
export function convertValue(value: unknown, type: string | undefined, options: ConvertOptions = {}): unknown {
  if (value === null || value === undefined) return null;
  if (!type) return value;
  const base = baseType(type);
  switch (base) {
    case "tinyint":
    case "smallint":
    case "integer":
    case "int":
      return typeof value === "string" && INTEGER.test(value) ? Number(value) : value;
    case "bigint":
      return bigintValue(value, options);
    case "decimal":
    case "numeric":
      return decimalValue(value, options);
    case "double":
    case "real":
    case "float":
      return typeof value === "string" ? doubleValue(value) : value;
    case "boolean":
      if (value === "true") return true;
      if (value === "false") return false;
      return value;
    case "date":
      if (options.timestamps === "Date" && typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
      return value;
    case "timestamp":
    case "timestamp with time zone":
      if (options.timestamps === "Date" && typeof value === "string") return parseTimestamp(value, base !== "timestamp") ?? value;
      return value;
    case "json":
    case "array":
    case "map":
    case "row":
      return parseJsonText(value, options);
    default:
      return value;
  }
}

/**
 * Turns a `CELL_TYPED` answer of the execute operation into `{ columns, rows }`: rows as objects keyed
 * by column name (repeated names get `_2`, `_3`, ...; see `uniqueKeys`), values converted by the type
 * each cell carries (see `convertValue`). Column types come from the cells, so a result without rows
 * has columns without `type`.
 */
export function rowsFromResult(result: ExecuteQueryResult<"CELL_TYPED">, options: ConvertOptions = {}): SqlRows {
  const data = (result.data ?? []) as unknown[];
  const first = data[0];
  const refs = result.columns ?? [];
  const cellsOf = (row: unknown): QueryTypedCell[] => {
    if (!Array.isArray(row)) {
      throw new TypeError("rowsFromResult expects the CELL_TYPED format (rows as arrays of typed cells).");
    }
    return row as QueryTypedCell[];
  };
  const firstCells = first === undefined ? [] : cellsOf(first);
  const count = Math.max(refs.length, firstCells.length);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const cell = firstCells.find((c) => c?.order === i) ?? firstCells[i];
    names.push(cell?.name ?? refs[i]?.columnName ?? `column_${i + 1}`);
  }
  const keys = uniqueKeys(names);
  const columns: SqlColumn[] = keys.map((key, index) => {
    const ref = refs[index];
    const cell = firstCells.find((c) => c?.order === index) ?? firstCells[index];
    const column: SqlColumn = { key, name: names[index] as string, index };
    if (cell?.dataType) column.type = cell.dataType;
    if (ref?.catalogName) column.catalogName = ref.catalogName;
    if (ref?.schemaName) column.schemaName = ref.schemaName;
    if (ref?.tableName) column.tableName = ref.tableName;
    return column;
  });
  const rows = data.map((row) => {
    const byIndex: Array<QueryTypedCell | undefined> = [];
    cellsOf(row).forEach((cell, i) => {
      byIndex[typeof cell?.order === "number" ? cell.order : i] = cell;
    });
    const out: SqlRow = {};
    // Every column is present in every row (null where a cell is missing), in column order.
    for (const column of columns) {
      const cell = byIndex[column.index];
      out[column.key] = cell ? convertValue(cell.value, cell.dataType ?? column.type, options) : null;
    }
    return out;
  });
  return { columns, rows };
}
