// Writes src/generated/spec-model.ts: the part of spec/peaka.yaml the simulator needs at run time, as
// one JSON string (JSON.parse is the fastest way to load it): the route table (method, path,
// operationId, parameters with their schemas, key scope, request media types, success answer), the
// request body schemas (JSON and multipart) and the component schemas (every one, so a handler can
// check a part of a body against one by name). Annotations that only document
// (`description`, `example`, `x-*` ...) are left out. The published package needs no YAML parser and
// no spec/ folder; the workspace runs the same file, so the tests exercise what ships.
// `--check` fails if the committed file differs from what the spec gives (`pnpm generate:check`).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deref, listOperations, loadSpec, type Doc } from "@peaka/mock/spec";

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), "../src/generated/spec-model.ts");
const COMPONENT = "#/components/schemas/";
/** Keys that document a schema and that validation never reads. */
const DROP = new Set(["description", "title", "example", "examples", "xml", "externalDocs", "deprecated", "readOnly", "writeOnly"]);

/** A schema without its annotations; references to components become `#/definitions/X` (collected in `used`). */
function slim(node: unknown, used: Set<string>, inSchemaMap = false): unknown {
  if (Array.isArray(node)) return node.map((n) => slim(n, used));
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // Inside `properties` the keys are property names, not keywords: keep them all.
    if (!inSchemaMap && (DROP.has(key) || key.startsWith("x-"))) continue;
    if (!inSchemaMap && key === "$ref" && typeof value === "string" && value.startsWith(COMPONENT)) {
      const name = value.slice(COMPONENT.length);
      used.add(name);
      out[key] = `#/definitions/${name}`;
      continue;
    }
    out[key] = slim(value, used, !inSchemaMap && (key === "properties" || key === "patternProperties" || key === "definitions"));
  }
  return out;
}

/** Routes ordered so that a literal segment wins over a parameter at the same place (`/queries/execute` before `/queries/{queryId}`). */
function routeOrder(a: { path: string }, b: { path: string }): number {
  const sa = a.path.split("/").filter(Boolean);
  const sb = b.path.split("/").filter(Boolean);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.startsWith("{") ? 1 : 0;
    const pb = sb[i]!.startsWith("{") ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}

/** Resolves every internal reference in a parameter schema (they are small and not recursive). */
function inline(spec: Doc, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(spec, n));
  if (!node || typeof node !== "object") return node;
  const resolved = deref(spec, node) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, inline(spec, v)]));
}

export function buildModel(spec: Doc) {
  const used = new Set<string>();
  const bodies: Record<string, Record<string, unknown>> = {};
  const routes = listOperations(spec).map((op) => {
    const responses = op.operation["responses"] ?? {};
    const success = Object.keys(responses).filter((c) => /^2\d\d$/.test(c)).sort()[0] ?? "200";
    const content = deref(spec, responses[success] ?? {}).content ?? {};
    const body = op.operation["requestBody"] ? deref(spec, op.operation["requestBody"]) : undefined;
    for (const [media, entry] of Object.entries<any>(body?.content ?? {})) {
      if (entry?.schema) (bodies[op.operationId] ??= {})[media] = slim(entry.schema, used);
    }
    return {
      operationId: op.operationId,
      method: op.method.toUpperCase(),
      path: op.path,
      parameters: op.parameters.map((p) => {
        const { name, in: where, required, schema } = p as Record<string, any>;
        return { name, in: where, ...(required ? { required: true } : {}), ...(schema ? { schema: slim(inline(spec, schema), new Set()) } : {}) };
      }),
      partnerOnly: JSON.stringify(op.operation["x-peaka-key-types"] ?? []) === JSON.stringify(["partner"]),
      bodyTypes: Object.keys(body?.content ?? {}),
      bodyRequired: body?.required === true,
      successStatus: Number(success),
      successMedia: Object.keys(content)[0],
    };
  });
  routes.sort(routeOrder);
  // Every component schema (the request bodies reach some of them, handlers name others).
  const components = spec["components"]?.["schemas"] ?? {};
  const definitions: Record<string, unknown> = {};
  const queue = [...new Set([...used, ...Object.keys(components)])];
  while (queue.length) {
    const name = queue.pop()!;
    if (name in definitions) continue;
    if (!(name in components)) throw new Error(`the spec has no component schema ${name}`);
    const more = new Set<string>();
    definitions[name] = slim(components[name], more);
    queue.push(...[...more].filter((n) => !(n in definitions)));
  }
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  return { routes, bodies, definitions: sorted };
}

function render(): string {
  const model = buildModel(loadSpec());
  return [
    "// @generated by packages/simulator/scripts/generate-spec-model.ts from spec/peaka.yaml. DO NOT EDIT.",
    "// Change the spec and run `pnpm generate` at the repository root instead.",
    "/* eslint-disable */",
    `// ${model.routes.length} routes, ${Object.keys(model.bodies).length} request body schemas, ${Object.keys(model.definitions).length} component schemas.`,
    `export const SPEC_MODEL_JSON: string = ${JSON.stringify(JSON.stringify(model))};`,
    "",
  ].join("\n");
}

const text = render();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUT, "utf8");
  } catch {
    // missing: differs
  }
  if (current !== text) {
    console.error("packages/simulator/src/generated/spec-model.ts is out of date with spec/peaka.yaml: run `pnpm generate`.");
    process.exit(1);
  }
  console.log("packages/simulator/src/generated/spec-model.ts is up to date.");
} else {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}
