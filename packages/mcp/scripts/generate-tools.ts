// Generates src/generated/operations.ts from spec/peaka.yaml: one entry per operation with its MCP tool
// name, safety class, annotations, and input/output JSON Schemas (OpenAPI 3.0 schemas turned into JSON
// Schema 2020-12, every `$ref` inlined), plus the map from operationId to @peaka/api's operation
// function. Adding an operation to the spec adds its tool. `--check` fails if the committed output
// differs from what the spec gives.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deref, listOperations, loadSpec, type SpecOperation } from "@peaka/mock/spec";

// ---- generator settings: the one place they live ----------------------------------------------
/**
 * POST operations that change no data or configuration of the project, so they run without
 * `--allow-writes` (every other POST, PUT and PATCH needs it; DELETE also needs
 * `--allow-destructive`). executeQuery is still checked per call: a statement that is not a read
 * (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN, VALUES) needs `--allow-writes`.
 */
const READ_POSTS: Record<string, string> = {
  searchCatalogs: "searches names",
  executeQuery: "runs a query; statements other than reads are refused without --allow-writes",
  transpileSql: "translates SQL text",
  chatWithAgent: "asks the AI agent (it keeps the conversation as a thread)",
  streamAgentChat: "asks the AI agent (it keeps the conversation as a thread)",
  exportQuery: "writes a query's result to download files",
  exportTable: "writes a table's rows to download files",
};
/** Operations whose read-only safety depends on their arguments (checked at call time). */
const GUARDED: Record<string, "sql"> = { executeQuery: "sql" };
/** The longest tool name MCP clients accept. */
const MAX_TOOL_NAME = 64;
/** Task and meta tool names (src/tools/*.ts) that per-operation tools may not take. */
const RESERVED = new Set(["run_sql", "browse", "describe_table", "cache_status", "refresh_cache", "search_metadata", "ask_agent", "export_result", "search_operations", "describe_operation", "call_operation"]);
/** Formats JSON Schema validators know; OpenAPI's own (int32, int64, double, binary...) are dropped. */
const JSON_SCHEMA_FORMATS = new Set(["date-time", "date", "time", "duration", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "uuid", "regex"]);
/** Schema keywords of OpenAPI 3.0 that JSON Schema does not have. */
const OPENAPI_ONLY = new Set(["example", "xml", "externalDocs", "discriminator", "nullable", "deprecated"]);
/** Longest tool description, in characters. */
const MAX_DESCRIPTION = 900;
// ------------------------------------------------------------------------------------------------

type Schema = Record<string, any>;
const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../src/generated/operations.ts");
const spec = loadSpec();
const ops = listOperations(spec);
const problems: string[] = [];

const resourceOfTag = new Map<string, string>();
for (const tag of spec["tags"] ?? []) resourceOfTag.set(tag.name, tag["x-sdk-resource"]);

/** OpenAPI 3.0 schema -> JSON Schema 2020-12, references inlined; a recursive reference becomes `{}`. */
function toJsonSchema(node: unknown, stack: string[] = []): Schema {
  if (!node || typeof node !== "object") return {};
  const ref = (node as Schema)["$ref"];
  if (typeof ref === "string") {
    if (stack.includes(ref)) return { description: `(recursive: ${ref.split("/").pop()}, any JSON value here)` };
    return toJsonSchema(deref(spec, node), [...stack, ref]);
  }
  const src = node as Schema;
  const schema: Schema = {};
  for (const [key, value] of Object.entries(src)) {
    if (key.startsWith("x-") || OPENAPI_ONLY.has(key)) continue;
    if (key === "format" && !JSON_SCHEMA_FORMATS.has(value)) continue;
    if (key === "properties" || key === "patternProperties") {
      schema[key] = Object.fromEntries(Object.entries<unknown>(value ?? {}).map(([k, v]) => [k, toJsonSchema(v, stack)]));
    } else if (key === "items" || key === "not" || (key === "additionalProperties" && typeof value === "object")) {
      schema[key] = toJsonSchema(value, stack);
    } else if (key === "oneOf" || key === "anyOf" || key === "allOf") {
      schema[key] = (value as unknown[]).map((v) => toJsonSchema(v, stack));
    } else {
      schema[key] = value;
    }
  }
  if (src["nullable"] === true) {
    if (typeof schema["type"] === "string") {
      schema["type"] = [schema["type"], "null"];
      if (Array.isArray(schema["enum"]) && !schema["enum"].includes(null)) schema["enum"] = [...schema["enum"], null];
    } else if (schema["oneOf"] || schema["anyOf"] || schema["allOf"]) {
      const { description, ...rest } = schema;
      return { ...(description ? { description } : {}), anyOf: [rest, { type: "null" }] };
    }
  }
  return schema;
}

function firstParagraph(text: unknown): string {
  return String(text ?? "").trim().split(/\n\s*\n/)[0]!.replace(/\s*\n\s*/g, " ");
}

function successOf(op: SpecOperation): Schema | undefined {
  const code = Object.keys(op.operation.responses ?? {}).filter((c) => /^2\d\d$/.test(c)).sort()[0];
  return code ? deref(spec, op.operation.responses[code]) : undefined;
}

/** How the success answer is read, as @peaka/api reads it. */
function resultOf(op: SpecOperation): "json" | "text" | "blob" | "stream" | "none" {
  const media = Object.keys(successOf(op)?.content ?? {});
  if (!media.length) return "none";
  if (media.includes("application/json")) return "json";
  if (media.includes("text/event-stream")) return "stream";
  return media[0]!.startsWith("text/") ? "text" : "blob";
}

function inputOf(op: SpecOperation): Schema {
  const properties: Schema = {};
  const required: string[] = [];
  for (const p of op.parameters) {
    const s = toJsonSchema(p["schema"]);
    const description = [p["description"] ? firstParagraph(p["description"]) : "", `(${p["in"]} parameter)`].filter(Boolean).join(" ");
    properties[p["name"]] = { ...s, description };
    if (p["required"]) required.push(p["name"]);
  }
  const body = deref(spec, op.operation.requestBody);
  if (body) {
    const content: Schema = body.content ?? {};
    const media = Object.keys(content).includes("application/json") ? "application/json" : Object.keys(content)[0]!;
    const s = toJsonSchema(content[media]?.schema);
    const note = media === "multipart/form-data" ? " Sent as multipart/form-data; file parts take the file's text." : "";
    properties["body"] = { ...s, description: `${firstParagraph(body.description) || "The request body."}${note}` };
    if (body.required) required.push("body");
  }
  return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

function outputOf(op: SpecOperation): Schema | undefined {
  const content: Schema = successOf(op)?.content ?? {};
  const schema = content["application/json"]?.schema;
  if (!schema) return undefined;
  return {
    type: "object",
    description: "`data` holds the answer; when the answer was too large to return, `truncated` says so instead.",
    properties: {
      data: toJsonSchema(schema),
      truncated: { type: "string", description: "Why `data` was left out, and how to get it." },
    },
  };
}

const snake = (id: string) => id.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2").toLowerCase();

const entries: Schema[] = [];
const names = new Map<string, string>();
for (const op of ops) {
  const id = op.operationId;
  const http = op.method.toUpperCase();
  const tool = snake(id);
  if (tool.length > MAX_TOOL_NAME) problems.push(`${id}: tool name ${tool} is longer than ${MAX_TOOL_NAME}`);
  if (!/^[a-z0-9_]+$/.test(tool)) problems.push(`${id}: tool name ${tool} has characters MCP clients refuse`);
  if (RESERVED.has(tool)) problems.push(`${id}: tool name ${tool} is taken by a task or meta tool`);
  if (names.has(tool)) problems.push(`${id}: tool name ${tool} is also ${names.get(tool)}'s`);
  names.set(tool, id);
  const resource = resourceOfTag.get(op.tag);
  if (!resource) problems.push(`${id}: its tag has no x-sdk-resource`);

  const safety = http === "DELETE" ? "destructive" : http === "GET" || http === "HEAD" || READ_POSTS[id] ? "read" : "write";
  const idempotent = ["GET", "HEAD", "PUT", "DELETE"].includes(http) || op.operation["x-sdk-idempotent"] === true;
  const keyTypes: string[] | undefined = op.operation["x-peaka-key-types"];
  const description = [
    op.operation.summary ?? id,
    firstParagraph(op.operation.description),
    `${http} ${op.path}.`,
    keyTypes ? `Accepts ${keyTypes.join(" or ")} keys only.` : "",
    op.operation.deprecated ? "Deprecated by Peaka." : "",
    safety === "write" ? "Changes data: needs --allow-writes." : safety === "destructive" ? "Deletes: needs --allow-writes and --allow-destructive." : "",
  ]
    .filter(Boolean)
    .join(" ");
  const output = outputOf(op);
  entries.push({
    operationId: id,
    tool,
    resource: resource ?? "",
    http,
    path: op.path,
    summary: op.operation.summary ?? id,
    description: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description,
    safety,
    result: resultOf(op),
    ...(GUARDED[id] ? { guard: GUARDED[id] } : {}),
    annotations: {
      title: op.operation.summary ?? id,
      readOnlyHint: safety === "read",
      destructiveHint: safety === "destructive",
      idempotentHint: idempotent,
      openWorldHint: true,
    },
    ...(keyTypes ? { keyTypes } : {}),
    ...(op.operation.deprecated ? { deprecated: true } : {}),
    inputSchema: inputOf(op),
    ...(output ? { outputSchema: output } : {}),
  });
}
for (const id of Object.keys(READ_POSTS)) if (!ops.some((o) => o.operationId === id && o.method === "post")) problems.push(`READ_POSTS names ${id}, which is not a POST of the spec`);

if (problems.length) {
  console.error(`generate-tools: the spec cannot be turned into MCP tools:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}

const text = [
  "// @generated by packages/mcp/scripts/generate-tools.ts from spec/peaka.yaml — generated, do not edit.",
  "// Change the spec (or the generator's settings) and run `pnpm generate` at the repository root instead.",
  "/* eslint-disable */",
  `import type { OperationEntry } from "../catalog.js";`,
  `import type { PeakaCore, RequestOptions } from "@peaka/api";`,
  `import {`,
  ...ops.map((o) => `  ${o.operationId},`),
  `} from "@peaka/api";`,
  "",
  `/** Every operation of the spec (${ops.length}), with its tool name, safety class and schemas. */`,
  `export const OPERATIONS: readonly OperationEntry[] = ${JSON.stringify(entries, null, 1)};`,
  "",
  `/** @peaka/api's operation function for each operationId. */`,
  `export const OPERATION_FUNCTIONS: Readonly<Record<string, (core: PeakaCore, args: any, options?: RequestOptions) => Promise<unknown>>> = {`,
  ...ops.map((o) => `  ${o.operationId},`),
  `};`,
  "",
].join("\n");

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(out, "utf8");
  } catch {}
  if (current !== text) {
    console.error(`${out} is out of date with spec/: run \`pnpm generate\` and commit the result.`);
    process.exit(1);
  }
  console.log(`MCP tool table is up to date with spec/ (${ops.length} operations)`);
} else {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`wrote src/generated/operations.ts (${ops.length} operations, ${(text.length / 1024).toFixed(0)} KiB)`);
}
