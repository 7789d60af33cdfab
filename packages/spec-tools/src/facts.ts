// The facts of an OpenAPI description that matter to users of the SDK: operations, parameters,
// request and response fields (dotted names, types, requiredness, enum values), servers and component
// schema names. Prose (summary, description, examples) is not a fact.
import { deref, type Doc } from "./load.js";

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

export interface FieldFact {
  type: string;
  required: boolean;
  nullable: boolean;
  enum?: string[];
}

export interface ParamFact extends FieldFact {
  name: string;
  in: string;
}

export interface BodyFacts {
  mediaTypes: string[];
  fields: Map<string, FieldFact>;
}

export interface OperationFacts {
  method: string;
  /** The path as written, e.g. `/projects/{projectId}`. */
  path: string;
  /** `GET /projects/{}`: the path with its parameters replaced by position markers. */
  key: string;
  operationId?: string;
  /** Tag and x-sdk-method: what the generated client names the operation by. */
  sdk: { tag?: string; method?: string };
  pathParamNames: string[];
  /** Parameters by `in name`; path parameters by their position (`path #1`). */
  params: Map<string, ParamFact>;
  request?: BodyFacts & { required: boolean };
  responses: Map<string, BodyFacts>;
}

export interface SpecFacts {
  operations: Map<string, OperationFacts>;
  servers: string[];
  schemas: string[];
}

/** `/a/{x}/b/{y}` → `/a/{}/b/{}` (trailing slashes dropped). */
export function normalizePath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return trimmed.replace(/\{[^}]*\}/g, "{}");
}

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? "");
}

export function extractFacts(doc: Doc): SpecFacts {
  const operations = new Map<string, OperationFacts>();
  for (const [path, rawItem] of Object.entries<any>(doc["paths"] ?? {})) {
    const item = deref(doc, rawItem) ?? {};
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op || typeof op !== "object") continue;
      const names = pathParamNames(path);
      const shared: any[] = (item.parameters ?? []).map((p: unknown) => deref(doc, p));
      const own: any[] = (op.parameters ?? []).map((p: unknown) => deref(doc, p));
      const merged = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
      const params = new Map<string, ParamFact>();
      for (const p of merged) {
        if (!p || typeof p !== "object" || typeof p.name !== "string") continue;
        const inn = String(p.in ?? "query");
        if (inn === "header" && ["authorization", "accept", "content-type"].includes(p.name.toLowerCase())) continue;
        const schema = p.schema ?? firstMedia(p.content)?.schema;
        const info = describe(doc, schema);
        const position = inn === "path" ? names.indexOf(p.name) : -1;
        const key = inn === "path" ? `path #${position >= 0 ? position + 1 : "?" + p.name}` : `${inn} ${p.name}`;
        params.set(key, {
          name: p.name,
          in: inn,
          required: inn === "path" ? true : p.required === true,
          type: info.type,
          nullable: info.nullable,
          ...(info.enum ? { enum: info.enum } : {}),
        });
      }
      let request: OperationFacts["request"];
      const body = op.requestBody ? deref(doc, op.requestBody) : undefined;
      if (body && typeof body === "object") {
        request = { required: body.required === true, ...bodyFacts(doc, body.content) };
      }
      const responses = new Map<string, BodyFacts>();
      for (const [status, rawResponse] of Object.entries<any>(op.responses ?? {})) {
        const response = deref(doc, rawResponse) ?? {};
        responses.set(String(status), bodyFacts(doc, response.content));
      }
      const facts: OperationFacts = {
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${normalizePath(path)}`,
        sdk: {
          ...(op.tags?.[0] ? { tag: String(op.tags[0]) } : {}),
          ...(op["x-sdk-method"] ? { method: String(op["x-sdk-method"]) } : {}),
        },
        pathParamNames: names,
        params,
        ...(request ? { request } : {}),
        responses,
      };
      if (typeof op.operationId === "string") facts.operationId = op.operationId;
      operations.set(facts.key, facts);
    }
  }
  const servers = ((doc["servers"] ?? []) as any[])
    .map((s) => (typeof s?.url === "string" ? s.url.replace(/\/+$/, "") : ""))
    .filter(Boolean);
  const schemas = Object.keys(doc["components"]?.["schemas"] ?? {}).sort();
  return { operations, servers, schemas };
}

function firstMedia(content: any): any {
  if (!content || typeof content !== "object") return undefined;
  return Object.values(content)[0];
}

function bodyFacts(doc: Doc, content: any): BodyFacts {
  const fields = new Map<string, FieldFact>();
  const mediaTypes = content && typeof content === "object" ? Object.keys(content) : [];
  // JSON first, so its shape wins where media types disagree.
  const ordered = [...mediaTypes].sort((a, b) => Number(!/json/.test(a)) - Number(!/json/.test(b)));
  for (const mediaType of ordered) {
    const schema = content[mediaType]?.schema;
    if (schema === undefined) continue;
    const found = new Map<string, FieldFact>();
    collectFields(doc, schema, "", true, found, [], 0);
    for (const [k, v] of found) if (!fields.has(k)) fields.set(k, v);
  }
  return { mediaTypes: mediaTypes.sort(), fields };
}

interface SchemaInfo {
  type: string;
  nullable: boolean;
  enum?: string[];
}

/** A schema that accepts null and nothing else: how spec/ writes the null branch of a nullable reference. */
export function isNullOnly(schema: any): boolean {
  return !!schema && schema.nullable === true && Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null;
}

/** Type (`string`, `integer|string`, `array`, `object`, `any`), nullability and enum values of a schema. */
export function describe(doc: Doc, schema: any, stack: string[] = []): SchemaInfo {
  if (schema === undefined || schema === null || schema === true) return { type: "any", nullable: false };
  const ref = typeof schema.$ref === "string" ? schema.$ref : undefined;
  if (ref && stack.includes(ref)) return { type: "object", nullable: false };
  const s = deref(doc, schema);
  const next = ref ? [...stack, ref] : stack;
  if (!s || typeof s !== "object") return { type: "any", nullable: false };
  let nullable = s.nullable === true;
  let types: string[] = [];
  let enumValues: string[] | undefined;
  if (Array.isArray(s.type)) types = s.type.filter((t: string) => t !== "null");
  else if (typeof s.type === "string") types = [s.type];
  if (Array.isArray(s.type) && s.type.includes("null")) nullable = true;
  if (Array.isArray(s.enum)) {
    const values = s.enum.filter((v: unknown) => v !== null).map((v: unknown) => String(v));
    if (s.enum.includes(null)) nullable = true;
    enumValues = [...new Set<string>(values)].sort();
  }
  const variants: any[] = s.oneOf ?? s.anyOf ?? [];
  if (variants.some(isNullOnly)) nullable = true;
  if (types.length === 0 && variants.length) {
    for (const v of variants.filter((v) => !isNullOnly(v))) {
      const info = describe(doc, v, next);
      if (info.nullable) nullable = true;
      types.push(...info.type.split("|"));
      if (info.enum) enumValues = [...new Set([...(enumValues ?? []), ...info.enum])].sort();
    }
  }
  if (types.length === 0 && Array.isArray(s.allOf)) {
    for (const part of s.allOf) {
      const info = describe(doc, part, next);
      if (info.type !== "any") types.push(...info.type.split("|"));
      if (info.enum) enumValues = info.enum;
    }
  }
  if (types.length === 0 && (s.properties || s.additionalProperties)) types = ["object"];
  if (types.length === 0 && s.items) types = ["array"];
  const type = types.length ? [...new Set(types.filter((t) => t !== "any" || types.length === 1))].sort().join("|") : "any";
  return { type, nullable, ...(enumValues ? { enum: enumValues } : {}) };
}

const MAX_DEPTH = 12;

/** Records `prefix` and every field below it: `a.b`, `list[]`, `list[].c`, `map.*`. */
function collectFields(
  doc: Doc,
  schema: any,
  prefix: string,
  required: boolean,
  out: Map<string, FieldFact>,
  stack: string[],
  depth: number,
): void {
  const info = describe(doc, schema, stack);
  const label = prefix === "" ? "(body)" : prefix;
  if (!out.has(label)) {
    out.set(label, { type: info.type, required, nullable: info.nullable, ...(info.enum ? { enum: info.enum } : {}) });
  }
  if (depth >= MAX_DEPTH || !schema || typeof schema !== "object") return;
  const ref = typeof schema.$ref === "string" ? schema.$ref : undefined;
  if (ref && stack.includes(ref)) return; // recursive schema: the first level is enough
  const next = ref ? [...stack, ref] : stack;
  const s = deref(doc, schema);
  if (!s || typeof s !== "object") return;
  const join = (name: string) => (prefix === "" ? name : `${prefix}.${name}`);

  const props = new Map<string, { schema: any; required: boolean }>();
  const addProps = (node: any, requiredByAll: boolean) => {
    const n = deref(doc, node);
    if (!n || typeof n !== "object") return;
    const req = new Set<string>(Array.isArray(n.required) ? n.required : []);
    for (const [name, child] of Object.entries<any>(n.properties ?? {})) {
      if (!props.has(name)) props.set(name, { schema: child, required: requiredByAll && req.has(name) });
      else if (requiredByAll && req.has(name)) props.get(name)!.required = true;
    }
  };
  addProps(s, true);
  for (const part of s.allOf ?? []) {
    const partRef = typeof part?.$ref === "string" ? part.$ref : undefined;
    if (partRef && next.includes(partRef)) continue;
    addProps(part, true);
  }
  // A null-only branch (`anyOf: [{ $ref }, { nullable: true, enum: [null] }]`) only makes the field nullable.
  const variants: any[] = (s.oneOf ?? s.anyOf ?? []).filter((v: any) => !isNullOnly(v));
  if (variants.length) {
    // A variant's property is required only if every variant requires it.
    const requiredIn = new Map<string, number>();
    for (const v of variants) {
      const n = deref(doc, v);
      for (const name of Array.isArray(n?.required) ? n.required : []) requiredIn.set(name, (requiredIn.get(name) ?? 0) + 1);
      for (const [name, child] of Object.entries<any>(n?.properties ?? {})) {
        if (!props.has(name)) props.set(name, { schema: child, required: false });
      }
    }
    for (const [name, count] of requiredIn) {
      const p = props.get(name);
      if (p && count === variants.length) p.required = true;
    }
  }
  for (const [name, p] of props) collectFields(doc, p.schema, join(name), p.required, out, next, depth + 1);
  if (s.items) collectFields(doc, s.items, `${prefix}[]`, true, out, next, depth + 1);
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    collectFields(doc, s.additionalProperties, join("*"), false, out, next, depth + 1);
  }
}
