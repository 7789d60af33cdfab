// Request bodies checked against the spec's schemas with Ajv 8 in strict mode, as @peaka/spec-tools
// checks the answer fixtures: OpenAPI 3.0 `nullable` (Ajv's own), the formats of ajv-formats and
// OpenAPI's numeric and string formats. Schemas come from the generated spec model with references
// pointing at its `definitions`; each operation's schema is compiled the first time a body for it arrives.
// Ajv itself is loaded then too: it is most of the package's import time, and a simulator that only
// sees GET requests never needs it.
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";

/** Ajv with ajv-formats and OpenAPI's formats, loaded on first use. */
async function loadAjv(): Promise<Ajv> {
  const [ajvModule, formats] = await Promise.all([import("ajv"), import("ajv-formats")]);
  // ajv is CommonJS: Node's loader gives its named export, a bundler's interop may give only `default`.
  const interop = ajvModule as unknown as { Ajv?: typeof Ajv; default?: typeof Ajv & { Ajv?: typeof Ajv } };
  const AjvClass = (interop.Ajv ?? interop.default?.Ajv ?? interop.default) as typeof Ajv;
  // ajv-formats is CommonJS with a default export; depending on the loader it is the namespace or its default.
  const addFormats = ((formats as any).default ?? formats) as (ajv: Ajv) => Ajv;
  const ajv = new AjvClass({ strict: true, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const [name, format] of Object.entries(openApiFormats)) ajv.addFormat(name, format as never);
  return ajv;
}

const MODEL_ID = "https://peaka-simulator.invalid/model.json";

export interface BodyCheck {
  ok: boolean;
  /** Where (a JSON pointer into the body) and what is wrong, the most specific problem first. */
  problems: Array<{ at: string; message: string }>;
}

const int = (n: number, bits: number) => Number.isInteger(n) && (bits === 64 || (n >= -(2 ** (bits - 1)) && n <= 2 ** (bits - 1) - 1));
const openApiFormats = {
  int32: { type: "number", validate: (n: number) => int(n, 32) },
  int64: { type: "number", validate: (n: number) => int(n, 64) },
  float: { type: "number", validate: Number.isFinite },
  double: { type: "number", validate: Number.isFinite },
  byte: { type: "string", validate: (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) },
  binary: { type: "string", validate: () => true },
  password: { type: "string", validate: () => true },
} as const;

/** A nullable reference's null branch (`enum: [null]`) or an anyOf summary adds nothing once a deeper problem names the place. */
function problemsOf(errors: ErrorObject[]): BodyCheck["problems"] {
  const isNull = (e: ErrorObject) => e.keyword === "enum" && JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues) === "[null]";
  const deeper = (e: ErrorObject) => errors.some((o) => o !== e && !isNull(o) && o.keyword !== "anyOf" && o.instancePath.startsWith(`${e.instancePath}/`));
  return errors
    .filter((e) => !((isNull(e) || e.keyword === "anyOf") && deeper(e)))
    .map((e) => {
      const params = e.params as { additionalProperty?: unknown; allowedValues?: unknown };
      const extra = e.keyword === "additionalProperties" ? ` (${String(params.additionalProperty)})` : e.keyword === "enum" ? ` (${JSON.stringify(params.allowedValues)})` : "";
      return { at: e.instancePath, message: `${e.message ?? e.keyword}${extra}` };
    });
}

/** Request body schemas by operationId and media type; component schemas by name. */
export function createBodyValidator(bodies: Record<string, Record<string, unknown>>, definitions: Record<string, unknown>) {
  let ready: Promise<Ajv> | undefined;
  const compiled = new Map<string, ValidateFunction>();
  // The request bodies sit beside the components (`request.<operationId>.<media>`), so their
  // `#/definitions/X` references resolve; a definition is compiled the first time it is asked for.
  const compile = async (definition: string): Promise<ValidateFunction> => {
    ready ??= loadAjv().then((ajv) => {
      const requests = Object.entries(bodies).flatMap(([id, byMedia]) => Object.entries(byMedia).map(([media, schema]) => [`request.${id}.${media}`, schema]));
      ajv.addSchema({ $id: MODEL_ID, definitions: { ...definitions, ...Object.fromEntries(requests) } });
      return ajv;
    });
    const ajv = await ready;
    let fn = compiled.get(definition);
    if (!fn) {
      fn = ajv.compile({ $ref: `${MODEL_ID}#/definitions/${encodeURIComponent(definition)}` });
      compiled.set(definition, fn);
    }
    return fn;
  };
  const run = async (definition: string, data: unknown): Promise<BodyCheck> => {
    const fn = await compile(definition);
    const ok = fn(data) as boolean;
    return { ok, problems: ok ? [] : problemsOf(fn.errors ?? []) };
  };
  return {
    /** Checks a request body against the operation's schema for `media` (default `application/json`). */
    validateRequestBody(operationId: string, body: unknown, media = "application/json"): Promise<BodyCheck> {
      if (bodies[operationId]?.[media] === undefined) return Promise.resolve({ ok: false, problems: [{ at: "", message: `${operationId} takes no ${media} body` }] });
      return run(`request.${operationId}.${media}`, body);
    },
    /** Checks data against a component schema (`CsvImportRequest`). */
    validateSchema(name: string, data: unknown): Promise<BodyCheck> {
      if (definitions[name] === undefined) return Promise.resolve({ ok: false, problems: [{ at: "", message: `the spec has no component schema ${name}` }] });
      return run(name, data);
    },
  };
}
