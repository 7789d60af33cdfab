// Strict validation of answer bodies against spec/: the fixtures under spec/answers (bodies shaped after
// what a live Peaka or Peaka's own code shows), every example of the spec, and the live check's answers.
//
// The validator is Ajv 8 in strict mode. Ajv implements OpenAPI 3.0's `nullable` itself, with the 3.0.3
// meaning: `nullable: true` adds null to the `type` of the same schema and nothing else (Ajv refuses
// `nullable` without `type` at compile time). So `{ type: object, nullable: true, allOf: [{ $ref }] }`
// still rejects null through the referenced schema, exactly as a strict OpenAPI 3.0 validator must.
// The schemas are handed to Ajv as written; the only rewrite is where `#/components/schemas/X` points.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { deref, listOperations, loadSpec, type Doc } from "@peaka/mock/spec";
import type { AnswerFixture } from "@peaka/mock/answers";

export { ANSWERS_DIR, loadAnswers, type AnswerFixture } from "@peaka/mock/answers";

// ajv-formats is CommonJS with a default export; under NodeNext its namespace is what `import` gives.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const SPEC_ID = "https://peaka-sdk.invalid/spec.json";
const JSON_MEDIA = "application/json";
const COMPONENT_SCHEMAS = "#/components/schemas/";

/** OpenAPI 3.0 Schema Object keywords that only annotate (JSON Schema has `examples`, not `example`). */
const OPENAPI_ANNOTATIONS = ["example", "xml", "externalDocs"];

/** OpenAPI's numeric and string formats, checked as far as JSON can tell. */
const OPENAPI_FORMATS: Record<string, { type: "number"; validate: (v: number) => boolean } | { type: "string"; validate: (v: string) => boolean }> = {
  int32: { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1 },
  int64: { type: "number", validate: (n: number) => Number.isInteger(n) },
  float: { type: "number", validate: (n: number) => Number.isFinite(n) },
  double: { type: "number", validate: (n: number) => Number.isFinite(n) },
  byte: { type: "string", validate: (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 },
  binary: { type: "string", validate: () => true },
  password: { type: "string", validate: () => true },
};

/** One reason an answer does not fit its schema: where in the body, and what is wrong. */
export interface SchemaProblem {
  /** JSON pointer into the body (`/lastIncrementalCacheExecution/progress`), `` for the body itself. */
  at: string;
  message: string;
}

export interface AnswerCheck {
  ok: boolean;
  problems: SchemaProblem[];
}

export interface ResponseValidator {
  /**
   * Checks a body against the schema the spec declares for `operationId`'s answer `status` in media
   * type `contentType` (default `application/json`; parameters such as `; charset=utf-8` are ignored).
   * An undeclared status or media type is a problem too.
   */
  validateAnswer(operationId: string, status: number, body: unknown, contentType?: string): AnswerCheck;
  /** Checks a request body against the operation's request schema for `contentType`. */
  validateRequestBody(operationId: string, body: unknown, contentType?: string): AnswerCheck;
  /** Checks data against a component schema (`CacheStatus`). */
  validateSchema(name: string, data: unknown): AnswerCheck;
  /** The spec document the validator reads (references to components left internal). */
  readonly spec: Doc;
}

function collectVendorKeys(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) return node.forEach((n) => collectVendorKeys(n, out));
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-")) out.add(key);
    collectVendorKeys(value, out);
  }
}

/** A copy of a schema whose references to the root's components point into the registered spec. */
function retarget(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(retarget);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT_SCHEMAS)
        ? `${SPEC_ID}#/definitions/${value.slice(COMPONENT_SCHEMAS.length)}`
        : retarget(value);
  }
  return out;
}

// Ajv reports every branch of a failed anyOf. For a nullable reference (`anyOf: [{ $ref }, null-only]`)
// the null branch's "must be null" and the anyOf summary add nothing once a deeper problem names the
// place, so they are left out.
const isNullBranch = (e: ErrorObject) => e.keyword === "enum" && JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues) === "[null]";

function problemsOf(all: ErrorObject[] | null | undefined): SchemaProblem[] {
  const errors = all ?? [];
  const deeper = (e: ErrorObject) => errors.some((o) => o !== e && !isNullBranch(o) && o.keyword !== "anyOf" && o.instancePath.startsWith(`${e.instancePath}/`));
  return errors.filter((e) => !((isNullBranch(e) || e.keyword === "anyOf") && deeper(e))).map((e) => {
    const extra =
      e.keyword === "additionalProperties"
        ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
        : e.keyword === "enum"
          ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
          : "";
    return { at: e.instancePath, message: `${e.message ?? e.keyword}${extra}` };
  });
}

/** The strict validator of answers, for the spec at `specPath` (default spec/peaka.yaml). */
export function createResponseValidator(specPath?: string): ResponseValidator {
  const spec = specPath ? loadSpec(specPath) : loadSpec();
  const ajv = new Ajv({ strict: true, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const [name, format] of Object.entries(OPENAPI_FORMATS)) ajv.addFormat(name, format as never);
  const vendor = new Set<string>();
  collectVendorKeys(spec["components"]?.["schemas"], vendor);
  collectVendorKeys(spec["paths"], vendor);
  for (const keyword of [...OPENAPI_ANNOTATIONS, ...vendor]) ajv.addKeyword({ keyword });
  // Only the component schemas are registered (the rest of the document is not a schema), as the
  // `definitions` of one schema; `retarget` points `#/components/schemas/X` there.
  ajv.addSchema({ $id: SPEC_ID, definitions: retarget(spec["components"]?.["schemas"] ?? {}) } as any);
  const operations = new Map(listOperations(spec).map((op) => [op.operationId, op]));
  const compiled = new Map<string, ValidateFunction>();

  const compile = (key: string, schema: unknown): ValidateFunction => {
    let fn = compiled.get(key);
    if (!fn) {
      fn = ajv.compile(retarget(schema) as object);
      compiled.set(key, fn);
    }
    return fn;
  };
  const run = (fn: ValidateFunction, data: unknown): AnswerCheck => {
    const ok = fn(data) as boolean;
    return { ok, problems: ok ? [] : problemsOf(fn.errors) };
  };

  return {
    spec,
    validateAnswer(operationId, status, body, contentType = JSON_MEDIA) {
      const op = operations.get(operationId);
      if (!op) return { ok: false, problems: [{ at: "", message: `no operation ${operationId} in the spec` }] };
      const responses = op.operation["responses"] ?? {};
      const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses["default"];
      if (!declared) {
        return { ok: false, problems: [{ at: "", message: `${operationId} declares no ${status} answer` }] };
      }
      const content = deref(spec, declared).content ?? {};
      const media = contentType.split(";")[0]!.trim().toLowerCase();
      const entry = content[media];
      if (!entry) {
        const allowed = Object.keys(content);
        return {
          ok: false,
          problems: [{ at: "", message: `${operationId} ${status} declares ${allowed.length ? allowed.join(", ") : "no body"}, not ${media}` }],
        };
      }
      if (!entry.schema) return { ok: true, problems: [] };
      return run(compile(`${operationId} ${status} ${media}`, entry.schema), body);
    },
    validateRequestBody(operationId, body, contentType = JSON_MEDIA) {
      const op = operations.get(operationId);
      const request = op?.operation["requestBody"] ? deref(spec, op.operation["requestBody"]) : undefined;
      const schema = request?.content?.[contentType]?.schema;
      if (!schema) return { ok: false, problems: [{ at: "", message: `${operationId} takes no ${contentType} body` }] };
      return run(compile(`${operationId} request ${contentType}`, schema), body);
    },
    validateSchema(name, data) {
      return run(compile(`schema ${name}`, { $ref: `${COMPONENT_SCHEMAS}${name}` }), data);
    },
  };
}

/** A fixture or an example of the spec that does not fit its schema. */
export interface AnswerFailure {
  /** The fixture file, or where the example sits (`createCache 400 application/json examples.noCode`). */
  what: string;
  problems: SchemaProblem[];
}

/** Validates fixtures against their operations' answers. */
export function checkAnswers(validator: ResponseValidator, fixtures: AnswerFixture[]): AnswerFailure[] {
  const failures: AnswerFailure[] = [];
  for (const f of fixtures) {
    const result = validator.validateAnswer(f.operationId, f.status, f.body, f.contentType);
    if (!result.ok) failures.push({ what: f.file, problems: result.problems });
  }
  return failures;
}

/** One example of the spec: a response or request body example with the schema it must fit. */
export interface SpecExample {
  what: string;
  operationId: string;
  /** The answer's status, or undefined for a request body example. */
  status?: number;
  contentType: string;
  value: unknown;
}

function examplesOf(spec: Doc, media: Record<string, any>): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  if ("example" in media) out.push(["example", media["example"]]);
  for (const [name, ex] of Object.entries<any>(media["examples"] ?? {})) {
    const resolved = deref(spec, ex);
    if (resolved && "value" in resolved) out.push([`examples.${name}`, resolved.value]);
  }
  return out;
}

/** Every body example of the spec (responses and request bodies), with where it sits. */
export function specExamples(spec: Doc): SpecExample[] {
  const out: SpecExample[] = [];
  for (const op of listOperations(spec)) {
    const body = op.operation["requestBody"] ? deref(spec, op.operation["requestBody"]) : undefined;
    for (const [media, entry] of Object.entries<any>(body?.content ?? {})) {
      for (const [label, value] of examplesOf(spec, entry)) {
        out.push({ what: `${op.operationId} request ${media} ${label}`, operationId: op.operationId, contentType: media, value });
      }
    }
    for (const [code, response] of Object.entries<any>(op.operation["responses"] ?? {})) {
      for (const [media, entry] of Object.entries<any>(deref(spec, response).content ?? {})) {
        for (const [label, value] of examplesOf(spec, entry)) {
          out.push({ what: `${op.operationId} ${code} ${media} ${label}`, operationId: op.operationId, status: Number(code), contentType: media, value });
        }
      }
    }
  }
  return out;
}

/** Validates every body example of the spec against its schema. */
export function checkSpecExamples(validator: ResponseValidator): { count: number; failures: AnswerFailure[] } {
  const failures: AnswerFailure[] = [];
  const examples = specExamples(validator.spec);
  for (const ex of examples) {
    const result =
      ex.status !== undefined
        ? validator.validateAnswer(ex.operationId, ex.status, ex.value, ex.contentType)
        : validator.validateRequestBody(ex.operationId, ex.value, ex.contentType);
    if (!result.ok) failures.push({ what: ex.what, problems: result.problems });
  }
  return { count: examples.length, failures };
}

/** The report `pnpm spec:answers` prints: one line per failure and problem, then a count. */
export function formatAnswerReport(fixtures: number, examples: number, failures: AnswerFailure[]): string {
  const lines: string[] = [];
  for (const f of failures) {
    for (const p of f.problems) lines.push(`FAIL  ${f.what}  at ${p.at || "(body)"}: ${p.message}`);
  }
  lines.push(
    `${fixtures} answer fixture(s) and ${examples} spec example(s) checked with Ajv (strict, OpenAPI 3.0 nullable): ` +
      `${failures.length ? `${failures.length} do not fit their schema` : "all fit their schemas"}.`,
  );
  return lines.join("\n");
}
