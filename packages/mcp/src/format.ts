// Turning answers and failures into MCP tool results: text within a size limit (cut with a note,
// never silently), typed errors as readable messages, and the API key scrubbed from everything.
import { createRedactor } from "@peaka/api/internal/sql";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { PeakaApiError, PeakaError, PeakaJobFailedError } from "@peaka/api";

/** A text result. */
export function text(value: string, structuredContent?: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: value }], ...(structuredContent ? { structuredContent } : {}) };
}

/** A failed call: the model sees the message and can correct itself. */
export function failure(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** Cuts `value` to `max` characters, saying how much was left out and what to do instead. */
export function limitText(value: string, max: number, hint = "narrow the request (filters, limit, a smaller page)"): { text: string; cut: boolean } {
  if (value.length <= max) return { text: value, cut: false };
  const left = value.length - max;
  return {
    text: `${value.slice(0, max)}\n… [truncated: ${left} more characters of ${value.length} left out — ${hint}]`,
    cut: true,
  };
}

/** JSON in its compact form (no indentation: it costs the model fewer tokens). */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v)) ?? "null";
}

/** A thrown error as a tool result: its type, status, Peaka's code and message, never a key or a stack. */
export function errorResult(error: unknown): CallToolResult {
  if (error instanceof PeakaApiError) {
    const parts = [`${error.name} (HTTP ${error.status}`];
    if (error.errorCode !== undefined) parts.push(`, errorCode ${String(error.errorCode)}`);
    parts.push(`) on ${error.method} ${error.path}: ${error.detail ?? error.message}`);
    if (error.requestId) parts.push(` [request id ${error.requestId}]`);
    return failure(parts.join(""));
  }
  if (error instanceof PeakaJobFailedError) {
    return failure(`${error.name}: ${error.message}\nlast status: ${json(error.lastStatus)}`);
  }
  if (error instanceof PeakaError) return failure(`${error.name}: ${error.message}`);
  if (error instanceof Error) return failure(`Error: ${error.message}`);
  return failure(`Error: ${String(error)}`);
}

/**
 * A function that replaces the given secrets in a string with `[redacted]`, in every form @peaka/api
 * finds (as sent, %-escaped, JSON-escaped, base64, base64url).
 * The last line of defence: answers and errors are built without the key, and this makes sure.
 */
export function redactor(secrets: readonly (string | undefined)[]): (value: string) => string {
  return createRedactor(secrets);
}

/** Applies `scrub` to every text of a tool result, structured content included. */
export function scrubResult(result: CallToolResult, scrub: (value: string) => string): CallToolResult {
  const content = result.content.map((item) => (item.type === "text" ? { ...item, text: scrub(item.text) } : item));
  const out: CallToolResult = { ...result, content };
  if (result.structuredContent) {
    const raw = json(result.structuredContent);
    const clean = scrub(raw);
    if (clean !== raw) out.structuredContent = JSON.parse(clean);
  }
  return out;
}
