// Generates src/generated/resources.ts from spec/peaka.yaml: one namespace per tag (its
// `x-sdk-resource`), one method per operation (its `x-sdk-method`), with argument and result types
// written against `operations[...]` of @peaka/api-types so consumers never pay for path inference.
// `--check` fails if the committed output differs from what the spec gives.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deref, listOperations, loadSpec, type SpecOperation } from "@peaka/mock/spec";
import { pagingOf } from "./paging.js";

// ---- generator settings: the one place they live ----------------------------------------------
/** Operations whose data is reshaped by a function of src/normalize.ts before it is returned. */
const TRANSFORMS: Record<string, string> = {
  getMetadataRefreshStatus: "normalizeRefreshJobStatus",
};
/**
 * Operations whose result type follows one of their query parameters: the method and the operation
 * function become generic in it (`format: "SIMPLE"` gives rows as objects). `result` is a generic
 * type over the parameter's values with `fallback` as its default, `fn` the operation function's
 * type; both come from `from` (relative to src/generated/).
 */
const RESULT_BY: Record<string, { param: string; fallback: string; result: string; fn: string; from: string }> = {
  executeQuery: { param: "format", fallback: '"CELL_TYPED"', result: "ExecuteQueryResultFor", fn: "ExecuteQueryFunction", from: "../query-rows.js" },
};
/**
 * Operations whose JSON answer is read with exact integers (src/internal/json.ts): a number JSON.parse
 * would round (beyond 2^53 - 1) comes as its text. Only where the schema lets such a value be a string
 * (query cells, `QueryCellValue`).
 */
const EXACT_NUMBERS = new Set(["executeQuery"]);
/** Which API keys an operation accepts (`x-peaka-key-types`); left out, both kinds. */
const KEY_TYPES = ["partner", "project"] as const;
/** Names the resource namespaces may not take: they are members of the client itself. */
const RESERVED = new Set(["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "request", "use", "eject", "baseUrl", "withOptions", "derive", "toJSON"]);
/** Methods the transport retries anyway; `x-peaka-safe-to-repeat` on them is redundant. */
const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
// ------------------------------------------------------------------------------------------------

const here = dirname(fileURLToPath(import.meta.url));
const outResources = resolve(here, "../src/generated/resources.ts");
const outOperations = resolve(here, "../src/generated/operations.ts");
const outTypes = resolve(here, "../src/generated/types.ts");
const outPaging = resolve(here, "../src/generated/paging.ts");
const spec = loadSpec();
const ops = listOperations(spec);

const resourceOfTag = new Map<string, string>();
for (const tag of spec["tags"] ?? []) {
  if (!tag["x-sdk-resource"]) throw new Error(`tag "${tag.name}" has no x-sdk-resource`);
  resourceOfTag.set(tag.name, tag["x-sdk-resource"]);
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const quote = (s: string) => JSON.stringify(s);
const comment = (text: string) =>
  text
    .replace(/\*\//g, "*\\/")
    .split("\n")
    .map((line) => (line ? `   * ${line}` : "   *"))
    .join("\n");

interface Method {
  op: SpecOperation;
  resource: string;
  name: string;
  typeBase: string;
}

const problems: string[] = [];
const byResource = new Map<string, Method[]>();
const seen = new Map<string, string>();
for (const op of ops) {
  const resource = resourceOfTag.get(op.tag);
  const name = op.operation["x-sdk-method"];
  if (!resource) problems.push(`${op.operationId}: tag "${op.tag}" is not declared with an x-sdk-resource`);
  if (!name) problems.push(`${op.operationId}: no x-sdk-method`);
  if (!resource || !name) continue;
  if (!IDENT.test(resource) || RESERVED.has(resource)) problems.push(`resource name "${resource}" is not usable`);
  if (!IDENT.test(name)) problems.push(`${op.operationId}: x-sdk-method "${name}" is not an identifier`);
  if (name === "withResponse") problems.push(`${op.operationId}: x-sdk-method may not be "withResponse"`);
  const key = `${resource}.${name}`;
  if (seen.has(key)) problems.push(`${key} is claimed by both ${seen.get(key)} and ${op.operationId}`);
  seen.set(key, op.operationId);
  const list = byResource.get(resource) ?? [];
  list.push({ op, resource, name, typeBase: pascal(op.operationId) });
  byResource.set(resource, list);
}

function successOf(op: SpecOperation): [string, Record<string, any> | undefined] {
  const codes = Object.keys(op.operation.responses ?? {}).filter((c) => /^2\d\d$/.test(c)).sort();
  const code = codes[0];
  if (!code) {
    problems.push(`${op.operationId}: no 2xx response`);
    return ["200", undefined];
  }
  return [code, deref(spec, op.operation.responses[code])];
}

/** Whether the spec allows a success answer without a body (a 204, or a 2xx declared without content). */
function allowsEmpty(op: SpecOperation): boolean {
  const codes = Object.keys(op.operation.responses ?? {}).filter((c) => /^2\d\d$/.test(c));
  return codes.some((c) => c === "204" || Object.keys(deref(spec, op.operation.responses[c])?.content ?? {}).length === 0);
}

function resultOf(m: Method): { kind: string; type: string; accept?: string } {
  const [code, response] = successOf(m.op);
  const content: Record<string, any> = response?.content ?? {};
  const media = Object.keys(content);
  const id = quote(m.op.operationId);
  if (media.length === 0) return { kind: "none", type: "void" };
  if (media.includes("application/json")) {
    // `| undefined` only where the spec allows an empty answer; otherwise an empty body is a PeakaResponseError.
    const type = `operations[${id}]["responses"][${code}]["content"]["application/json"]`;
    return { kind: "json", type: allowsEmpty(m.op) ? `${type} | undefined` : type, accept: "application/json" };
  }
  if (media.includes("text/event-stream")) {
    const hint = m.op.operation["x-sdk-event-schema"];
    const ref: string | undefined = typeof hint === "string" ? hint : hint?.$ref;
    const name = ref?.split("/").pop();
    if (!name) problems.push(`${m.op.operationId}: a text/event-stream answer needs x-sdk-event-schema`);
    return { kind: "stream", type: `PeakaEventStream<components["schemas"][${quote(name ?? "")}]>`, accept: "text/event-stream" };
  }
  const first = media[0] as string;
  if (first.startsWith("text/")) return { kind: "text", type: "string", accept: first };
  return { kind: "blob", type: "Blob", accept: first };
}

/**
 * How a declaration names an operation's result. TypeDoc (0.28) renders a reference to an alias whose
 * type is an array (`Promise<ListCatalogsResult>`, also inside `ListCatalogsResult[number]`) as `any[]`:
 * it takes any reference to an array type for `Array<T>` and reads the missing `T`. An array result is
 * therefore written as the array of its items, named from the spec (`components["schemas"]["Catalog"][]`),
 * the same type for tsc, which TypeDoc renders as it is (`pnpm docs` checks that none renders as any).
 */
function resultRef(m: Method, name: string): string {
  const [code, response] = successOf(m.op);
  const schema = deref(spec, response?.content?.["application/json"]?.schema);
  if (schema?.type !== "array" || allowsEmpty(m.op)) return name;
  const ref: unknown = schema.items?.$ref;
  if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) return `components["schemas"][${quote(ref.split("/").pop()!)}][]`;
  return `operations[${quote(m.op.operationId)}]["responses"][${code}]["content"]["application/json"][number][]`;
}

function bodyOfOp(op: SpecOperation) {
  return bodyOf({ op } as Method);
}

function bodyOf(m: Method): { kind?: string; files: string[]; required: boolean } {
  const body = deref(spec, m.op.operation.requestBody);
  if (!body) return { files: [], required: false };
  const media = Object.keys(body.content ?? {});
  if (media.includes("application/json")) return { kind: "json", files: [], required: body.required === true };
  if (media.includes("multipart/form-data")) {
    const props: Record<string, any> = deref(spec, body.content["multipart/form-data"].schema)?.properties ?? {};
    const files = Object.entries(props).filter(([, s]) => deref(spec, s)?.format === "binary").map(([n]) => n);
    return { kind: "multipart", files, required: body.required === true };
  }
  return { kind: "text", files: [], required: body.required === true };
}

const lines: string[] = [];
const specLines: string[] = [];
const typeLines: string[] = [];
const ifaceLines: string[] = [];
const factoryLines: string[] = [];
let usesEvents = false;
const safeToRepeat: string[] = [];
const exactNumbers: string[] = [];
const typeNames: string[] = [];
const transforms = new Set<string>();
const resultBy = new Set<(typeof RESULT_BY)[string]>();
/** The paged operations (`x-peaka-paging`): operationId -> their `limit`'s bounds. */
const pageLimits: Array<[string, string]> = [];
/** The paging styles the paged operations use (functions of src/internal/paging.ts). */
const pageStyles = new Set<string>();

for (const [resource, methods] of byResource) {
  const iface = `${pascal(resource)}Resource`;
  ifaceLines.push(`/** \`peaka.${resource}\`: ${spec["tags"].find((t: any) => t["x-sdk-resource"] === resource)?.description ?? ""} */`);
  ifaceLines.push(`export interface ${iface} {`);
  typeNames.push(iface);
  for (const m of methods) {
    const id = quote(m.op.operationId);
    const params = m.op.parameters;
    const inPath = params.filter((p) => p["in"] === "path");
    const inQuery = params.filter((p) => p["in"] === "query");
    const inHeader = params.filter((p) => p["in"] === "header");
    const names = params.map((p) => p["name"] as string);
    if (names.includes("body")) problems.push(`${m.op.operationId}: a parameter named "body" collides with the request body argument`);
    if (new Set(names).size !== names.length) problems.push(`${m.op.operationId}: two parameters share a name`);
    const body = bodyOf(m);
    const result = resultOf(m);
    if (result.kind === "stream") usesEvents = true;

    const parts: string[] = [];
    const P = `operations[${id}]["parameters"]`;
    if (inPath.length) parts.push(`${P}["path"]`);
    if (inQuery.length) parts.push(inQuery.some((p) => p["required"]) ? `${P}["query"]` : `NonNullable<${P}["query"]>`);
    if (inHeader.length) parts.push(inHeader.some((p) => p["required"]) ? `${P}["header"]` : `NonNullable<${P}["header"]>`);
    if (body.kind) {
      const media = body.kind === "json" ? "application/json" : body.kind === "multipart" ? "multipart/form-data" : Object.keys(m.op.operation.requestBody.content)[0];
      const bodyType =
        body.kind === "multipart"
          ? `MultipartBody<NonNullable<operations[${id}]["requestBody"]>["content"]["multipart/form-data"], ${body.files.map(quote).join(" | ") || "never"}>`
          : `NonNullable<operations[${id}]["requestBody"]>["content"][${quote(media)}]`;
      parts.push(body.required ? `{ body: ${bodyType} }` : `{ body?: ${bodyType} }`);
    }
    const optional = !inPath.length && !params.some((p) => p["required"]) && !body.required;
    const argsType = parts.length ? parts.join(" & ") : "EmptyArgs";
    const transform = TRANSFORMS[m.op.operationId];
    if (transform) transforms.add(transform);
    const resultType = transform ? `ReturnType<typeof ${transform}>` : result.type;
    typeNames.push(`${m.typeBase}Args`, `${m.typeBase}Result`);
    typeLines.push(`export type ${m.typeBase}Args = ${argsType};`);
    const by = RESULT_BY[m.op.operationId];
    if (by && !inQuery.some((p) => p["name"] === by.param)) problems.push(`${m.op.operationId}: RESULT_BY names query parameter "${by.param}", which it does not have`);
    if (by && transform) problems.push(`${m.op.operationId}: RESULT_BY and TRANSFORMS cannot both apply`);
    if (by) resultBy.add(by);
    // A result typed by a parameter: `<P extends ...>` over the parameter's values.
    const typeParam = by ? `<P extends NonNullable<${m.typeBase}Args[${quote(by.param)}]> = ${by.fallback}>` : "";
    typeLines.push(
      by
        ? `export type ${m.typeBase}Result${typeParam} = ${by.result}<P>;`
        : `export type ${m.typeBase}Result = ${resultType};`,
    );

    const specParts = [`n: ${quote(`${resource}.${m.name}`)}`, `m: ${quote(m.op.method.toUpperCase())}`, `p: ${quote(m.op.path)}`];
    if (inQuery.length) specParts.push(`q: [${inQuery.map((p) => quote(p["name"])).join(", ")}]`);
    if (inHeader.length) specParts.push(`h: [${inHeader.map((p) => quote(p["name"])).join(", ")}]`);
    if (body.kind) specParts.push(`b: ${quote(body.kind)}`);
    if (body.files.length) specParts.push(`f: [${body.files.map(quote).join(", ")}]`);
    specParts.push(`r: ${quote(result.kind)}`);
    // JSON and event-stream answers imply their Accept header (see core.ts); others name it.
    if (result.accept && result.kind !== "json" && result.kind !== "stream") specParts.push(`a: ${quote(result.accept)}`);
    // Only the operations that need them reference the multipart encoder and the stream reader.
    if (body.kind === "multipart") specParts.push("e: toFormData");
    if (result.kind === "stream") specParts.push("s: eventStream");
    if (result.kind === "json" && allowsEmpty(m.op)) specParts.push("o: true");
    const safe = m.op.operation["x-peaka-safe-to-repeat"];
    if (safe !== undefined && safe !== true) problems.push(`${m.op.operationId}: x-peaka-safe-to-repeat must be true when present`);
    if (safe === true) {
      if (IDEMPOTENT.has(m.op.method.toUpperCase())) problems.push(`${m.op.operationId}: x-peaka-safe-to-repeat on a ${m.op.method.toUpperCase()}, which is retried anyway`);
      specParts.push("x: true");
      safeToRepeat.push(`${m.op.method.toUpperCase()} ${m.op.path}`);
    }

    // Paging (`x-peaka-paging`): an item type, and the method returns a PagePromise (src/internal/paging.ts).
    const paging = pagingOf(spec, m.op, problems);
    const itemName = paging ? (by ? `${m.typeBase}Item<P>` : `${m.typeBase}Item`) : undefined;
    if (paging) {
      typeNames.push(`${m.typeBase}Item`);
      typeLines.push(`export type ${m.typeBase}Item${typeParam} = ${paging.item(by ? `${m.typeBase}Result<P>` : `${m.typeBase}Result`)};`);
      pageLimits.push([m.op.operationId, paging.limits]);
      pageStyles.add(paging.style);
    }

    const doc: string[] = [];
    const summary: string = m.op.operation.summary ?? m.op.operationId;
    doc.push(summary);
    const description: string = (m.op.operation.description ?? "").trim();
    if (description) doc.push("", description.split(/\n\s*\n/)[0]!.replace(/\s*\n\s*/g, " "));
    doc.push("", `\`${m.op.method.toUpperCase()} ${m.op.path}\` (operationId \`${m.op.operationId}\`)`);
    const keyTypes: string[] = m.op.operation["x-peaka-key-types"] ?? [...KEY_TYPES];
    if (!Array.isArray(keyTypes) || !keyTypes.length || keyTypes.some((k) => !(KEY_TYPES as readonly string[]).includes(k))) {
      problems.push(`${m.op.operationId}: x-peaka-key-types must list "partner" and/or "project"`);
    }
    const partnerOnly = keyTypes.length === 1 && keyTypes[0] === "partner";
    doc.push(
      "",
      partnerOnly
        ? "Keys: a partner key only; a project key is refused with 403 (`PeakaPermissionDeniedError`)."
        : `Keys: ${keyTypes.map((k) => `a ${k} key`).join(" or ")}.`,
    );
    // The error factory names the partner key in the 403 message of such operations (core.ts).
    if (partnerOnly) specParts.push("k: 1");
    // Every API error of the operation carries its operationId (and names it in its message); `p` is its path template.
    specParts.push(`i: ${quote(m.op.operationId)}`);
    if (EXACT_NUMBERS.has(m.op.operationId)) {
      specParts.push("j: parseExactJson");
      exactNumbers.push(`${m.op.method.toUpperCase()} ${m.op.path}`);
    }
    if (paging) {
      doc.push(
        "",
        `Paged: \`await\` the call for one page; \`for await\` over it (or \`.toArray({ max })\`) for every item across pages, \`limit\` items per request${paging.size ? ` (default ${paging.size})` : ""}.`,
      );
    }
    if (m.op.operation.deprecated) doc.push(`@deprecated ${(m.op.operation["x-sdk-deprecated-note"] as string | undefined) ?? "This route is deprecated by Peaka."}`);
    ifaceLines.push(`  /**\n${comment(doc.join("\n"))}\n   */`);
    // Plain signatures, not a generic helper type: a call then costs the checker almost nothing.
    const signature = `args${optional ? "?" : ""}: ${m.typeBase}Args, options?: RequestOptions`;
    ifaceLines.push(`  ${m.name}: {`);
    const generic = by ? `args${optional ? "?" : ""}: ${m.typeBase}Args & { ${by.param}?: P }, options?: RequestOptions` : signature;
    const resultName = by ? `${m.typeBase}Result<P>` : resultRef(m, `${m.typeBase}Result`);
    ifaceLines.push(`    ${typeParam}(${generic}): ${itemName ? `PagePromise<${resultName}, ${itemName}>` : `Promise<${resultName}>`};`);
    ifaceLines.push(`    /** Like calling the method, but resolves with \`{ data, response }\`. */`);
    ifaceLines.push(`    withResponse${typeParam}(${generic}): Promise<WithResponse<${resultName}>>;`);
    ifaceLines.push(`  };`);
    const fnType = `${optional ? "OptionalArgs" : ""}${paging ? "Paged" : ""}OperationFunction`;
    const fnArgs = `R.${m.typeBase}Args, ${resultRef(m, `R.${m.typeBase}Result`)}${paging ? `, R.${m.typeBase}Item` : ""}`;
    const made = `/* @__PURE__ */ operation({ ${specParts.join(", ")} }${transform ? `, ${transform}` : ""})`;
    specLines.push(
      `/**\n${comment(doc.join("\n")).replace(/^   /gm, " ")}\n */`,
      `export const ${m.op.operationId}: ${by ? by.fn : `${fnType}<${fnArgs}>`} = ${paging ? `/* @__PURE__ */ paged(${made}, ${paging.runtime})` : made};`,
      "",
    );
  }
  ifaceLines.push("}", "");
}

if (problems.length) {
  console.error(`generate-resources: the spec cannot be turned into resource methods:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}

const resources = [...byResource.keys()];
const BANNER = [
  "// @generated by packages/client/scripts/generate-resources.ts from spec/peaka.yaml. DO NOT EDIT.",
  "// Change the spec and run `pnpm generate` at the repository root instead.",
  "/* eslint-disable */",
];
const resourcesText = [
  ...BANNER,
  `import type { components, operations } from "@peaka/api-types";`,
  `import type { OperationFunction, WithResponse } from "../internal/core.js";`,
  `import type { RequestOptions } from "../internal/transport.js";`,
  `import type { EmptyArgs, MultipartBody } from "../internal/args.js";`,
  ...(usesEvents ? [`import type { PeakaEventStream } from "../stream.js";`] : []),
  ...(pageLimits.length ? [`import type { PagePromise } from "../internal/paging.js";`] : []),
  ...(transforms.size ? [`import type { ${[...transforms].sort().join(", ")} } from "../normalize.js";`] : []),
  ...[...resultBy].map((b) => `import type { ${b.result} } from ${quote(b.from)};`),
  `import {`,
  ...ops.map((o) => `  ${o.operationId},`),
  `} from "./operations.js";`,
  "",
  ...(usesEvents ? [] : ["type _Unused = components;"]),
  `/** The number of operations in the spec. @internal */`,
  `export const OPERATION_COUNT = ${ops.length};`,
  "",
  ...typeLines,
  "",
  ...ifaceLines,
  `/** The resource namespaces of a client: \`peaka.${resources[0]}\`, ... */`,
  `export interface PeakaResources {`,
  ...resources.map((r) => `  readonly ${r}: ${pascal(r)}Resource;`),
  `}`,
  "",
  `/**`,
  ` * The operations of each resource namespace (\`peaka.cache.getStatus\` is getCacheStatus). A function, not a`,
  ` * constant: a bundle that never calls it keeps none of the operations. @internal`,
  ` */`,
  `export function resourceTable(): Record<keyof PeakaResources, Record<string, OperationFunction<any, any>>> {`,
  `  return {`,
  ...[...byResource].map(([r, ms]) => `    ${r}: { ${ms.map((m) => `${m.name}: ${m.op.operationId}`).join(", ")} },`),
  `  };`,
  `}`,
  "",
  `/** The POST operations marked \`x-peaka-safe-to-repeat\` (pure reads): retried like GETs. @internal */`,
  `export const SAFE_TO_REPEAT: readonly string[] = [${safeToRepeat.map(quote).join(", ")}];`,
  "",
  `/** The operations whose JSON answer keeps integers beyond 2^53 - 1 as their text (\`j: 1\`), for the low-level calls. @internal */`,
  `export const EXACT_NUMBERS: readonly string[] = [${exactNumbers.map(quote).join(", ")}];`,
  "",
].join("\n");
const operationsText = [
  ...BANNER,
  "// One function per operation, named by its operationId, called with a core from createPeakaCore():",
  "// `await getCacheStatus(core, { projectId, cacheId })`. A bundler keeps only the ones a program imports.",
  `import { operation, type OperationFunction, type OptionalArgsOperationFunction } from "../internal/core.js";`,
  `import type * as R from "./resources.js";`,
  `import type { components, operations } from "@peaka/api-types";`,
  ...(ops.some((o) => bodyOfOp(o).kind === "multipart") ? [`import { toFormData } from "../internal/multipart.js";`] : []),
  ...(usesEvents ? [`import { eventStream } from "../stream.js";`] : []),
  ...(exactNumbers.length ? [`import { parseExactJson } from "../internal/json.js";`] : []),
  ...(pageLimits.length
    ? [`import { ${[...pageStyles].sort().join(", ")}, paged, type OptionalArgsPagedOperationFunction, type PagedOperationFunction } from "../internal/paging.js";`]
    : []),
  ...(transforms.size ? [`import { ${[...transforms].sort().join(", ")} } from "../normalize.js";`] : []),
  ...[...resultBy].map((b) => `import type { ${b.fn} } from ${quote(b.from)};`),
  "",
  ...specLines,
].join("\n");

// The public types of resources.ts, as an explicit type-only list: `export type *` would let the
// declaration bundle re-export resources.ts's values too (and publish them as if they existed).
typeNames.push("PeakaResources");
const typesText = [
  ...BANNER,
  "// The public types of the resource methods, re-exported by src/index.ts. Types only.",
  `export type {`,
  ...[...typeNames].sort().map((n) => `  ${n},`),
  `} from "./resources.js";`,
  "",
].join("\n");

// The page limits of the paged operations, public as PAGE_LIMITS (src/paginate.ts).
const pagingText = [
  ...BANNER,
  "/**",
  " * The page sizes each paged operation (`x-peaka-paging`) accepts, as the spec states them: `minimum`/`maximum`",
  " * of its `limit` parameter or body field (no minimum: 1; no maximum: none).",
  " */",
  `export const PAGE_LIMITS = {`,
  ...pageLimits.map(([id, limits]) => `  ${id}: ${limits},`),
  `} as const satisfies Record<string, { min: number; max?: number }>;`,
  "",
].join("\n");

const outputs: Array<[string, string]> = [
  [outResources, resourcesText],
  [outOperations, operationsText],
  [outTypes, typesText],
  [outPaging, pagingText],
];
if (process.argv.includes("--check")) {
  for (const [file, text] of outputs) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {}
    if (current !== text) {
      console.error(`${file} is out of date with spec/: run \`pnpm generate\` and commit the result.`);
      process.exit(1);
    }
  }
  console.log(`resource methods and operation functions are up to date with spec/ (${ops.length} operations)`);
} else {
  mkdirSync(dirname(outResources), { recursive: true });
  for (const [file, text] of outputs) writeFileSync(file, text);
  console.log(`wrote src/generated/resources.ts, operations.ts and types.ts (${ops.length} operations in ${resources.length} resources)`);
}
