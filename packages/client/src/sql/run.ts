// One call from statement to rows: runs a statement with the execute operation (CELL_TYPED, so each
// value carries its SQL type) and gives `{ columns, rows }` with rows as objects.
import { executeQuery, PeakaInvalidArgumentError, type PeakaClient, type PeakaCore, type RequestOptions } from "@peaka/api";
import { rowsFromResult, type ConvertOptions, type SqlRows } from "./convert.js";
import { checkRows, schemaOf, type OptionsFor, type SqlRowOf, type SqlOptionsArg, type SqlRowShape, type StandardSchemaV1 } from "./schema.js";
import { toStatement, type SqlStatement } from "./template.js";

/** A client from `createPeakaClient()` or a core from `createPeakaCore()`. */
export type SqlTarget = PeakaClient | PeakaCore;

/** Options of `runSql`: value conversion, the query's time limit, and the request options. */
export interface RunSqlOptions extends ConvertOptions, Omit<RequestOptions, "timeout"> {
  /**
   * How long Peaka may run the query, in milliseconds; sent to Peaka as its `timeout` (whole seconds,
   * rounded up) and used as this request's own time limit plus 10 s for the answer to arrive.
   * Default: Peaka's own limit, and the client's `timeout` for the request.
   */
  timeout?: number | undefined;
  /** Bindings for a plain-string statement's `?` markers (a `sql` statement carries its own). */
  bindings?: readonly string[] | undefined;
  /**
   * A row schema in the Standard Schema form (a zod, valibot or arktype schema, ...): each converted
   * row is checked by it, the rows come as its output type, and the first row that fails throws
   * `PeakaRowValidationError` (its index and every issue). Default: rows are not checked.
   */
  schema?: StandardSchemaV1 | undefined;
}

type ExecuteArgs = Parameters<typeof executeQuery>[1];


/** Whether `peaka` is a client (resource namespaces) rather than a bare core. */
export function isClient(peaka: SqlTarget): peaka is PeakaClient {
  return typeof (peaka as Partial<PeakaClient>).queries?.execute === "function";
}

/**
 * Runs a statement and returns its columns and rows, rows as objects keyed by column name with
 * values converted by SQL type (see `convertValue`). A repeated column name keeps both values: the
 * second is keyed `name_2` (see `columns` for the names as sent). For results larger than one answer
 * use `streamRows`.
 *
 * Rows are typed three ways: by default as `SqlRowOf<typeof options>` (the values the `bigint` and
 * `timestamps` options can give); with a `schema` (Standard Schema: zod, valibot, arktype, ...) as its
 * output, every row checked; or as a type you name, `runSql<Order>(...)`, which is NOT checked at run
 * time: the type is taken on trust (a `Date` or `bigint` in it needs `timestamps: "Date"` or
 * `bigint: "bigint"`, or the call does not compile).
 *
 * @example
 * import { runSql, sql } from "@peaka/api/sql";
 * const { columns, rows } = await runSql(peaka, projectId, sql`SELECT id, total FROM orders WHERE status = ${status}`);
 */
export function runSql<S extends StandardSchemaV1>(
  peaka: SqlTarget,
  projectId: string,
  statement: SqlStatement | string,
  options: RunSqlOptions & { schema: S } & OptionsFor<StandardSchemaV1.InferInput<S>>,
): Promise<SqlRows<StandardSchemaV1.InferOutput<S>>>;
export function runSql(peaka: SqlTarget, projectId: string, statement: SqlStatement | string): Promise<SqlRows<SqlRowOf>>;
export function runSql<Row extends SqlRowShape<Row> = never, const O extends RunSqlOptions = RunSqlOptions>(
  peaka: SqlTarget,
  projectId: string,
  statement: SqlStatement | string,
  ...options: SqlOptionsArg<Row, O>
): Promise<SqlRows<[Row] extends [never] ? SqlRowOf<O> : NoInfer<Row>>>;
export async function runSql(peaka: SqlTarget, projectId: string, statement: SqlStatement | string, options: RunSqlOptions = {}): Promise<SqlRows<unknown>> {
  if (typeof peaka !== "object" || peaka === null) {
    throw new PeakaInvalidArgumentError("runSql expects a client from createPeakaClient() or a core from createPeakaCore().");
  }
  const { bigint, timestamps, timeout, bindings, schema: given, ...request } = options;
  const schema = schemaOf(given, "runSql");
  const body: { statement: string; bindings?: string[]; timeout?: number } = toStatement(statement, bindings);
  const perRequest: RequestOptions = { ...request };
  if (timeout !== undefined) {
    if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout <= 0) {
      throw new PeakaInvalidArgumentError(`timeout must be a positive number of milliseconds; got ${String(timeout)}.`);
    }
    body.timeout = Math.ceil(timeout / 1000);
    perRequest.timeout = body.timeout * 1000 + 10_000;
  }
  const args = { projectId, format: "CELL_TYPED", body } satisfies ExecuteArgs;
  const result = isClient(peaka)
    ? await peaka.queries.execute(args, perRequest)
    : await executeQuery(peaka, args, perRequest);
  const converted = rowsFromResult(result, { ...(bigint ? { bigint } : {}), ...(timestamps ? { timestamps } : {}) });
  if (!schema) return converted;
  const { valid, error } = await checkRows(schema, converted.rows);
  if (error) throw error;
  return { columns: converted.columns, rows: valid };
}
