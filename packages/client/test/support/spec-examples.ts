// Builds a resource method's flat argument object from the spec's own examples, and validators for
// the declared success schemas. Everything is read from spec/peaka.yaml; nothing is listed by hand.
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { deref, type SpecOperation } from "@peaka/mock/spec";

export function argsFromExamples(op: SpecOperation): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const p of op.parameters) {
    const example = p["example"] ?? p["schema"]?.["example"];
    if (example === undefined) {
      if (p["required"]) throw new Error(`${op.operationId}: required parameter ${p["name"]} has no example`);
      continue;
    }
    args[p["name"]] = example;
  }
  const body = op.operation.requestBody;
  if (body) {
    const [media] = Object.keys(body.content ?? {});
    const example = media ? body.content[media].example : undefined;
    if (example === undefined && body.required) throw new Error(`${op.operationId}: request body has no example`);
    if (example !== undefined) args["body"] = example;
  }
  return args;
}

/** The first 2xx answer of an operation: its status, media type and the JSON pointer of its schema. */
export function successOf(spec: Record<string, any>, op: SpecOperation): { status: number; media?: string; pointer?: string } {
  const code = Object.keys(op.operation.responses).filter((c) => /^2\d\d$/.test(c)).sort()[0];
  if (!code) throw new Error(`${op.operationId}: no 2xx response`);
  const content = deref(spec, op.operation.responses[code]).content ?? {};
  const [media] = Object.keys(content);
  const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
  const pointer = media && content[media].schema
    ? `#/paths/${escape(op.path)}/${op.method}/responses/${code}/content/${escape(media)}/schema`
    : undefined;
  return { status: Number(code), media, pointer };
}

/** Validates data against schemas of the spec (OpenAPI 3.0 schemas, `nullable` included). */
export function createValidator(spec: Record<string, any>) {
  const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  const id = "https://peaka-sdk.invalid/spec.json";
  ajv.addSchema({ ...spec, $id: id });
  return (pointer: string, data: unknown): string | undefined => {
    const validate = ajv.getSchema(`${id}${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    return validate(data) ? undefined : ajv.errorsText(validate.errors);
  };
}
