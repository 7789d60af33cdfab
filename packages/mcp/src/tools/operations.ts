// Calling any operation of the spec through @peaka/api's operation functions: the per-operation
// tools of `--tools=all` and the `call_operation` meta-tool share this.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { OPERATIONS, type OperationEntry } from "../catalog.js";
import { OPERATION_FUNCTIONS } from "../generated/operations.js";
import { failure, json, limitText, text } from "../format.js";
import { modeAnnotations, refusal, sqlRefusal } from "../safety.js";
import type { ToolContext, ToolDefinition } from "./types.js";

const EXPORT_HINT = "narrow the request (filters, limit, a page) or, for query results, use an export";

/** The refusal for this call of this operation, if any: its safety class, then its per-call guard. */
export function operationRefusal(entry: OperationEntry, args: Record<string, any>, context: ToolContext): string | undefined {
  return refusal(entry.operationId, entry.safety, context.flags) ?? guardRefusal(entry, args, context);
}

/**
 * The per-call guard: executeQuery runs a SQL `statement` only when the flags allow what it does, and a
 * saved query (`id`, `qualifiedName`), whose SQL this server does not see, only when everything is allowed.
 */
export function guardRefusal(entry: OperationEntry, args: Record<string, any>, context: ToolContext): string | undefined {
  if (entry.guard !== "sql") return undefined;
  const body = args["body"];
  if (body === null || typeof body !== "object") return undefined;
  if (typeof body.statement === "string") {
    const refused = sqlRefusal(entry.operationId, body.statement, context.flags);
    if (refused) return refused;
  }
  if (("id" in body || "qualifiedName" in body) && !context.flags.allowDestructive) {
    const needs = context.flags.allowWrites ? "--allow-destructive" : "--allow-writes and --allow-destructive";
    return `Refused: ${entry.operationId} of a saved query (id or qualifiedName) runs SQL this server cannot see, so it cannot prove what it does, and this server ${context.flags.allowWrites ? "may not delete" : "is read-only"}. Run its SQL with run_sql, or start peaka-mcp with ${needs} to allow it.`;
  }
  return undefined;
}

/** Calls one operation with its flat arguments and renders the answer by its kind. */
export async function callOperation(entry: OperationEntry, args: Record<string, any>, context: ToolContext, structured: boolean): Promise<CallToolResult> {
  const refused = operationRefusal(entry, args, context);
  if (refused) return failure(refused);
  const fn = OPERATION_FUNCTIONS[entry.operationId];
  if (!fn) return failure(`${entry.operationId} is in the spec but not in @peaka/api: rebuild the server.`);
  const data = await fn(context.core, args, { signal: context.signal });
  const max = context.limits.maxResultChars;
  switch (entry.result) {
    case "none":
      return text(`${entry.operationId}: done (${entry.http} ${entry.path} answered without content).`, structured && entry.outputSchema ? {} : undefined);
    case "text": {
      const cut = limitText(String(data ?? ""), max, EXPORT_HINT);
      return text(cut.text);
    }
    case "blob": {
      const blob = data as Blob;
      if (blob.type.startsWith("image/") && blob.size * 1.37 <= max) {
        const base64 = Buffer.from(await blob.arrayBuffer()).toString("base64");
        return { content: [{ type: "image", data: base64, mimeType: blob.type }] };
      }
      return text(`${entry.operationId}: a ${blob.type || "binary"} file of ${blob.size} bytes, too large or not an image to return here (limit ${max} characters).`);
    }
    case "stream": {
      const events: unknown[] = [];
      let size = 2;
      let more = 0;
      for await (const event of data as AsyncIterable<{ event?: string; data: unknown }>) {
        const item = event.event ? { event: event.event, data: event.data } : { data: event.data };
        const itemSize = json(item).length + 1;
        if (size + itemSize > max) more++;
        else {
          events.push(item);
          size += itemSize;
        }
      }
      const note = more ? `\n… [truncated: ${more} more events left out — ${EXPORT_HINT}]` : "";
      return text(`${json(events)}${note}`);
    }
    default: {
      if (data === undefined) return text(`${entry.operationId}: done (the answer had no content).`, structured && entry.outputSchema ? {} : undefined);
      const full = json(data ?? null);
      const cut = limitText(full, max, EXPORT_HINT);
      if (!structured || !entry.outputSchema) return text(cut.text);
      if (!cut.cut) return text(full, { data: data ?? null });
      return text(cut.text, { truncated: `The answer had ${full.length} characters, more than the ${max} this server returns; its start is in the text content. To get it whole, ${EXPORT_HINT}.` });
    }
  }
}

/** Which per-operation tools a `--tools` selection turns on: `all`, or resource names. */
export function selectOperations(selection: readonly string[]): OperationEntry[] {
  if (selection.includes("all")) return [...OPERATIONS];
  const wanted = new Set(selection);
  return OPERATIONS.filter((op) => wanted.has(op.resource));
}

/** The per-operation tool of one operation. */
export function operationTool(entry: OperationEntry): ToolDefinition {
  return {
    name: entry.tool,
    title: entry.summary,
    description: entry.description,
    inputSchema: entry.inputSchema,
    ...(entry.outputSchema ? { outputSchema: entry.outputSchema } : {}),
    annotations: entry.annotations,
    // A guarded operation (executeQuery) does what its SQL does: its hints follow the flags.
    ...(entry.guard ? { forMode: (flags) => ({ annotations: modeAnnotations(entry.annotations, flags) }) } : {}),
    // Refused before its arguments are checked; callOperation checks the class again, with the per-call guard.
    safety: entry.safety,
    run: (args, context) => callOperation(entry, args, context, true),
  };
}
