// Safe by default: what a call may do without flags, the message of a refused call, and how a SQL
// statement is classed (by @peaka/api's one SQL lexer: a statement is a read only when it is proven one).
import { classifySqlEffect } from "@peaka/api/internal/sql";
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { Safety } from "./catalog.js";

export { isReadOnlySql } from "@peaka/api/internal/sql";

/** The two switches of the server. Both default to off. */
export interface SafetyFlags {
  /** Allow calls that create or change data or configuration (`--allow-writes`). */
  allowWrites: boolean;
  /** Also allow deletions (`--allow-destructive`, only together with `--allow-writes`). */
  allowDestructive: boolean;
}

/** Why a call of this safety class is refused under these flags, naming the flag that allows it; undefined when allowed. */
export function refusal(what: string, safety: Safety, flags: SafetyFlags): string | undefined {
  if (safety === "read") return undefined;
  const needs: string[] = [];
  if (!flags.allowWrites) needs.push("--allow-writes");
  if (safety === "destructive" && !flags.allowDestructive) needs.push("--allow-destructive");
  if (!needs.length) return undefined;
  const verb = safety === "destructive" ? "deletes" : "changes data";
  return `Refused: ${what} ${verb}, and this server is ${flags.allowWrites ? "not allowed to delete" : "read-only"}. Start peaka-mcp with ${needs.join(" and ")} to allow it.`;
}

/** Whether these flags allow calls of this safety class. */
export function allows(flags: SafetyFlags, safety: Safety): boolean {
  return refusal("", safety, flags) === undefined;
}

/**
 * The refusal of a SQL statement under these flags, with the classifier's reason; undefined when
 * allowed. A read always runs; a write that only adds (INSERT, CREATE, ...) needs --allow-writes;
 * anything else that is not a proven read (deletions, updates, several statements, text that cannot be
 * classified) also needs --allow-destructive.
 */
export function sqlRefusal(what: string, statement: string, flags: SafetyFlags): string | undefined {
  const effect = classifySqlEffect(statement);
  if (allows(flags, effect.kind)) return undefined;
  const admits = flags.allowWrites ? "proven reads and writes that only add (INSERT, CREATE, ...)" : "proven reads";
  const needs = effect.kind === "write" ? "--allow-writes" : flags.allowWrites ? "--allow-destructive" : "--allow-writes and --allow-destructive";
  return `Refused: ${what} runs only ${admits} on this ${flags.allowWrites ? "server, which may not delete" : "read-only server"}, and this statement is not one: ${effect.kind === "write" ? `it writes (${effect.reason})` : effect.reason}. Start peaka-mcp with ${needs} to allow it.`;
}

/** The annotations of a tool that runs SQL (or any operation) under these flags: what the flags let it do. */
export function modeAnnotations(base: ToolAnnotations, flags: SafetyFlags): ToolAnnotations {
  if (!flags.allowWrites) return { ...base, readOnlyHint: true, destructiveHint: false };
  return { ...base, readOnlyHint: false, destructiveHint: flags.allowDestructive };
}

/** What SQL these flags let run, in one sentence for tool descriptions. */
export function sqlModeSentence(flags: SafetyFlags): string {
  if (!flags.allowWrites) return "This server is read-only: it runs only one statement it can prove is a read (SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE, EXPLAIN) and refuses anything else.";
  if (!flags.allowDestructive) return "This server runs reads and writes that only add (one INSERT, CREATE, COMMENT, ANALYZE, REFRESH or GRANT); it refuses deletions, updates and anything it cannot classify.";
  return "This server runs any statement, deletions included.";
}
