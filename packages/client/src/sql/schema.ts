// Row schemas for `runSql` and `streamRows`, in the Standard Schema form (https://standardschema.dev):
// any library that implements it (zod, valibot, arktype, ...) works, and this package depends on none
// of them. The interface below is the published `StandardSchemaV1` (version 1), copied as its authors
// intend it to be, so that no dependency is needed for its types either.
//
// Also here: the types of converted rows (which follow the `bigint` and `timestamps` options) and the
// type-level rules that tie a row type to those options.
import { PeakaError, PeakaInvalidArgumentError } from "@peaka/api";
import type { ConvertOptions } from "./convert.js";

/** The Standard Schema interface, version 1: what a row schema must implement (`"~standard"`). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

// eslint-disable-next-line @typescript-eslint/no-namespace -- the shape the Standard Schema publishes
export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the standard: 1. */
    readonly version: 1;
    /** The schema library's name. */
    readonly vendor: string;
    /** Checks a value: its output, or the issues found. */
    readonly validate: (value: unknown, options?: Options | undefined) => Result<Output> | Promise<Result<Output>>;
    /** The input and output types, for inference only. */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** What `validate` gives. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A value that passed. */
  export interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  /** Options of `validate`. */
  export interface Options {
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  /** A value that failed, with every issue found. */
  export interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One thing wrong with a value. */
  export interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** One step of an issue's path. */
  export interface PathSegment {
    readonly key: PropertyKey;
  }
  /** The input and output types. */
  export interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  /** The type a schema accepts. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["input"];
  /** The type a schema gives. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema["~standard"]["types"]>["output"];
}

/** The value of option `K` in options type `O` (`undefined` when `O` does not have it). */
export type SqlOption<O, K extends keyof ConvertOptions> = K extends keyof O ? O[K] : undefined;

/**
 * One value of a converted row under options `O`: text, a number, a boolean, `null`, parsed JSON (for
 * `json`, `array`, `map` and `row` columns), plus a `bigint` when `O` may have `bigint: "bigint"` and a
 * `Date` when it may have `timestamps: "Date"`.
 */
export type SqlCell<O = {}> =
  | string
  | number
  | boolean
  | null
  | ("bigint" extends SqlOption<O, "bigint"> ? bigint : never)
  | ("Date" extends SqlOption<O, "timestamps"> ? Date : never)
  | SqlCell<O>[]
  | { [key: string]: SqlCell<O> };

/** A converted row under options `O`: values keyed by column key. */
export type SqlRowOf<O = {}> = Record<string, SqlCell<O>>;

/** What a row type given by hand (`runSql<Row>`) may hold: each value a cell some options can give. */
export type SqlRowShape<Row> = { [K in keyof Row]: SqlCell<{ bigint: "bigint"; timestamps: "Date" }> };

/**
 * The options a row type needs: a `Date` value needs `timestamps: "Date"`, a `bigint` value
 * `bigint: "bigint"` (otherwise those values come as text or numbers, and the type would be untrue).
 */
export type OptionsFor<Row> = [Row] extends [never]
  ? unknown
  : (Extract<Row[keyof Row], Date> extends never ? unknown : { timestamps: "Date" }) &
      (Extract<Row[keyof Row], bigint> extends never ? unknown : { bigint: "bigint" });

/**
 * The options argument of `runSql<Row>` / `streamRows<Row>` without a schema: optional, unless the row
 * type needs an option (`OptionsFor`), then required with it.
 */
export type SqlOptionsArg<Row, O> = unknown extends OptionsFor<Row>
  ? [options?: O & { schema?: undefined }]
  : [options: O & OptionsFor<Row> & { schema?: undefined }];

/** A readable path of an issue: `total`, `items[2].id`. */
function pathOf(issue: StandardSchemaV1.Issue): string {
  let out = "";
  for (const step of issue.path ?? []) {
    const key = typeof step === "object" && step !== null ? step.key : step;
    out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * A row failed its schema (`runSql`'s or `streamRows`' `schema` option). Names the row (zero-based
 * `index` in the result) and carries every issue the schema reported and the row as converted, so
 * nothing is lost. Rows before it were valid (`streamRows` has yielded them).
 */
export class PeakaRowValidationError extends PeakaError {
  override name = "PeakaRowValidationError";
  /** Zero-based index of the row in the result (over all files, for `streamRows`). */
  readonly index: number;
  /** Every issue the schema reported, as it reported them. */
  readonly issues: ReadonlyArray<StandardSchemaV1.Issue>;
  /** The row as converted, before the schema. */
  readonly row: unknown;
  constructor(index: number, issues: ReadonlyArray<StandardSchemaV1.Issue>, row: unknown) {
    const shown = issues.slice(0, 5).map((i) => (pathOf(i) ? `${pathOf(i)}: ${i.message}` : i.message));
    const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
    super(`Row ${index} does not match the row schema: ${shown.join("; ")}${more}.`);
    this.index = index;
    this.issues = issues;
    this.row = row;
  }
}

/** The schema of an options object, checked: a Standard Schema v1, or undefined. */
export function schemaOf(value: unknown, where: string): StandardSchemaV1 | undefined {
  if (value === undefined) return undefined;
  const props = (value as { "~standard"?: Partial<StandardSchemaV1.Props> } | null)?.["~standard"];
  if (typeof props !== "object" || props === null || props.version !== 1 || typeof props.validate !== "function") {
    throw new PeakaInvalidArgumentError(`${where}: \`schema\` must be a Standard Schema (version 1), such as a zod, valibot or arktype schema.`);
  }
  return value as StandardSchemaV1;
}

/**
 * Checks `rows` (the first at index `start`) against `schema`, in order: the rows' outputs up to the
 * first that fails, and for that one a PeakaRowValidationError.
 */
export async function checkRows(schema: StandardSchemaV1, rows: readonly unknown[], start = 0): Promise<{ valid: unknown[]; error?: PeakaRowValidationError }> {
  const valid: unknown[] = [];
  for (let i = 0; i < rows.length; i++) {
    let result = schema["~standard"].validate(rows[i]);
    if (result instanceof Promise) result = await result;
    if (result.issues) return { valid, error: new PeakaRowValidationError(start + i, result.issues, rows[i]) };
    valid.push(result.value);
  }
  return { valid };
}
