// Rows of the execute operation typed by the `format` asked for. The resource generator
// (scripts/generate-resources.ts, RESULT_BY) gives `queries.execute` and `executeQuery` these
// signatures; the types are derived from the spec's schemas, not written anew.
import type { components, operations } from "@peaka/api-types";
import type { Core, OperationFunction, WithResponse } from "./internal/core.js";
import type { RequestOptions } from "./internal/transport.js";
import type { PagePromise } from "./internal/paging.js";

type Schemas = components["schemas"];

/** The row formats of the execute operation: `CELL_TYPED` (Peaka's default), `SIMPLE`, `COMPACT`. */
export type QueryFormat = NonNullable<NonNullable<operations["executeQuery"]["parameters"]["query"]>["format"]>;

/** One row in format `F`: typed cells (`CELL_TYPED`), an object keyed by column name (`SIMPLE`), or bare values in column order (`COMPACT`). */
export type QueryRow<F extends QueryFormat = "CELL_TYPED"> = F extends "SIMPLE"
  ? Record<string, Schemas["QueryCellValue"]>
  : F extends "COMPACT"
    ? Schemas["QueryCellValue"][]
    : Schemas["QueryTypedCell"][];

/** The execute operation's answer with `data` typed by the format asked for. */
export type ExecuteQueryResultFor<F extends QueryFormat = "CELL_TYPED"> = Omit<Schemas["QueryExecutionResult"], "data"> & {
  /** The rows, shaped by `format`. */
  data: QueryRow<F>[];
};

type Args = NonNullable<operations["executeQuery"]["parameters"]["query"]> &
  operations["executeQuery"]["parameters"]["path"] & {
    body: NonNullable<operations["executeQuery"]["requestBody"]>["content"]["application/json"];
  };

/**
 * `executeQuery` as an operation function, its result typed by `format`. Awaited: one answer; a
 * query-builder body (`from`) also pages: `for await` over its rows.
 */
export type ExecuteQueryFunction = {
  <F extends QueryFormat = "CELL_TYPED">(core: Core, args: Args & { format?: F }, options?: RequestOptions): PagePromise<ExecuteQueryResultFor<F>, QueryRow<F>>;
  /** Like calling the function, but resolves with `{ data, response }`. */
  withResponse<F extends QueryFormat = "CELL_TYPED">(
    core: Core,
    args: Args & { format?: F },
    options?: RequestOptions,
  ): Promise<WithResponse<ExecuteQueryResultFor<F>>>;
} & OperationFunction<Args, ExecuteQueryResultFor<QueryFormat>>;
