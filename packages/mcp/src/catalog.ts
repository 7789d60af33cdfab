// The operation table's types, and look-ups over it. The table itself is generated from spec/
// (src/generated/operations.ts).
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { OPERATIONS } from "./generated/operations.js";

/** A JSON Schema (2020-12) object. */
export type JsonSchema = Record<string, unknown>;

/**
 * What the server allows without flags: `read` always; `write` with `--allow-writes`;
 * `destructive` with `--allow-writes` and `--allow-destructive`.
 */
export type Safety = "read" | "write" | "destructive";

/** One operation of the spec as the MCP server sees it. */
export interface OperationEntry {
  /** The spec's operationId, also the name of @peaka/api's operation function. */
  operationId: string;
  /** Name of its per-operation tool (`--tools=all`): the operationId in snake_case, at most 64 characters. */
  tool: string;
  /** The client namespace it belongs to (`cache`, `catalogs`, ...), as in `peaka.cache.getStatus`. */
  resource: string;
  http: string;
  path: string;
  summary: string;
  description: string;
  safety: Safety;
  /** How the success answer is read: JSON, text, a file (blob), an event stream, or no content. */
  result: "json" | "text" | "blob" | "stream" | "none";
  /** A per-call check on top of the safety class: `sql` refuses statements that are not reads. */
  guard?: "sql";
  annotations: ToolAnnotations;
  keyTypes?: string[];
  deprecated?: boolean;
  /** The flat argument object of @peaka/api: path, query and header parameters by name, `body` for the body. */
  inputSchema: JsonSchema & { type: "object" };
  /** `{ data, truncated }` around the answer's schema, for operations that answer JSON. */
  outputSchema?: JsonSchema & { type: "object" };
}

const byId = new Map(OPERATIONS.map((op) => [op.operationId, op]));
const byTool = new Map(OPERATIONS.map((op) => [op.tool, op]));

export { OPERATIONS };

/** Finds an operation by operationId or tool name (case-insensitive as a last resort). */
export function findOperation(name: string): OperationEntry | undefined {
  return byId.get(name) ?? byTool.get(name) ?? OPERATIONS.find((op) => op.operationId.toLowerCase() === name.toLowerCase());
}

/** The resource names of the spec, in order of first appearance. */
export function resources(): string[] {
  return [...new Set(OPERATIONS.map((op) => op.resource))];
}
