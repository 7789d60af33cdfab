// Three tools that reach every operation of the spec without listing 137 tools: find operations by
// words, read one's input schema, call one.
import MiniSearch from "minisearch";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { OPERATIONS, findOperation, type OperationEntry } from "../catalog.js";
import { failure, json, text } from "../format.js";
import { allows, modeAnnotations, refusal, type SafetyFlags } from "../safety.js";
import { callOperation } from "./operations.js";
import type { ToolDefinition } from "./types.js";

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

let index: MiniSearch<OperationEntry> | undefined;
function searchIndex(): MiniSearch<OperationEntry> {
  if (!index) {
    index = new MiniSearch<OperationEntry>({
      idField: "operationId",
      fields: ["operationId", "words", "summary", "description", "path", "resource"],
      storeFields: ["operationId"],
      // operationIds and paths split into words: getCacheStatus -> get cache status.
      extractField: (doc, field) => {
        const value = String((doc as unknown as Record<string, unknown>)[field === "words" ? "operationId" : field] ?? "");
        return field === "words" || field === "path" ? value.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[/{}_-]+/g, " ") : value;
      },
      searchOptions: { boost: { words: 3, summary: 2, resource: 2 }, prefix: true, fuzzy: 0.2, combineWith: "OR" },
    });
    index.addAll(OPERATIONS);
  }
  return index;
}

/** Operations matching `query`, best first; with `flags`, only those the flags allow. */
export function searchOperations(query: string, limit: number, flags?: SafetyFlags): OperationEntry[] {
  return searchIndex()
    .search(query)
    .map((hit) => findOperation(String(hit.id))!)
    .filter((op) => op && (!flags || allows(flags, op.safety)))
    .slice(0, limit);
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** Checks arguments against a schema; returns the problems, or undefined when they fit. */
export function checkArguments(key: string, schema: object, args: unknown): string | undefined {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  if (validate(args)) return undefined;
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(arguments)"} ${e.message}${e.params && "additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : ""}`).join("; ");
}

function requiredFlags(entry: OperationEntry): string {
  return entry.safety === "read" ? "none" : entry.safety === "write" ? "--allow-writes" : "--allow-writes and --allow-destructive";
}

const SEARCH_DESCRIPTION = `Finds operations of the Peaka API (${OPERATIONS.length} in all) by words, e.g. "cache refresh" or "golden sql". Answers one line per match: operationId, method and path, summary, the flags it needs. Then describe_operation gives its arguments and call_operation runs it.`;
const CALL_HINTS = { title: "Call a Peaka API operation", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

export const metaTools: ToolDefinition[] = [
  {
    name: "search_operations",
    title: "Search Peaka API operations",
    description: SEARCH_DESCRIPTION,
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, description: "Words to look for in operation names, summaries, descriptions and paths." },
        limit: { type: "integer", minimum: 1, maximum: 50, default: 10, description: "Most results to return." },
      },
      required: ["query"],
      additionalProperties: false,
    },
    annotations: { title: "Search Peaka API operations", ...READ_ONLY },
    safety: "read",
    // Unless refused tools are listed, the search finds only what this server allows.
    forMode: (flags) => ({ description: `${SEARCH_DESCRIPTION} ${flags.allowDestructive ? "" : `It finds only the ${OPERATIONS.filter((op) => allows(flags, op.safety)).length} operations this server allows (${flags.allowWrites ? "no deletions" : "reads"}).`}`.trim() }),
    async run(args, context) {
      const hits = searchOperations(String(args["query"]), Number(args["limit"] ?? 10), context.listRefused ? undefined : context.flags);
      if (!hits.length) return text(`No operation ${context.listRefused ? "" : "that this server allows "}matches "${args["query"]}". Try other words (resource names: ${[...new Set(OPERATIONS.map((o) => o.resource))].join(", ")}).`);
      return text(hits.map((op) => `${op.operationId} — ${op.http} ${op.path} — ${op.summary}${op.safety === "read" ? "" : ` (needs ${requiredFlags(op)})`}`).join("\n"));
    },
  },
  {
    name: "describe_operation",
    title: "Describe a Peaka API operation",
    description: "Gives one operation's description, method and path, the flags it needs, and the JSON Schema of its arguments for call_operation (path, query and header parameters by name; the request body as `body`).",
    inputSchema: {
      type: "object",
      properties: { operationId: { type: "string", minLength: 1, description: "The operationId, as search_operations lists it." } },
      required: ["operationId"],
      additionalProperties: false,
    },
    annotations: { title: "Describe a Peaka API operation", ...READ_ONLY },
    safety: "read",
    async run(args) {
      const op = findOperation(String(args["operationId"]));
      if (!op) return failure(`Unknown operationId "${args["operationId"]}". Use search_operations to find one.`);
      return text(
        json({
          operationId: op.operationId,
          method: op.http,
          path: op.path,
          description: op.description,
          needs: requiredFlags(op),
          ...(op.guard === "sql" ? { note: "A SQL statement that is not a read also needs --allow-writes." } : {}),
          ...(op.keyTypes ? { keyTypes: op.keyTypes } : {}),
          arguments: op.inputSchema,
        }),
      );
    },
  },
  {
    name: "call_operation",
    title: "Call a Peaka API operation",
    description: "Calls one operation of the Peaka API by operationId with its arguments (as describe_operation gives them) and returns the answer. Read operations always run; writes need the server's --allow-writes flag, deletions also --allow-destructive.",
    inputSchema: {
      type: "object",
      properties: {
        operationId: { type: "string", minLength: 1, description: "The operationId to call." },
        arguments: { type: "object", description: "The operation's arguments: path, query and header parameters by name, the request body as `body`.", additionalProperties: true },
      },
      required: ["operationId"],
      additionalProperties: false,
    },
    annotations: CALL_HINTS,
    // What call_operation may do is what the flags let operations do.
    forMode: (flags) => ({ annotations: modeAnnotations(CALL_HINTS, flags) }),
    // Each call is checked against the operation's own safety class (before its arguments), then its guard.
    safety: "read",
    async run(args, context) {
      const op = findOperation(String(args["operationId"]));
      if (!op) return failure(`Unknown operationId "${args["operationId"]}". Use search_operations to find one.`);
      const refused = refusal(op.operationId, op.safety, context.flags);
      if (refused) return failure(refused);
      const callArgs = (args["arguments"] ?? {}) as Record<string, any>;
      const problems = checkArguments(`op:${op.operationId}`, op.inputSchema, callArgs);
      if (problems) return failure(`Invalid arguments for ${op.operationId}: ${problems}. describe_operation gives the schema.`);
      return callOperation(op, callArgs, context, false);
    },
  },
];
