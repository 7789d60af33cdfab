// Safe by default: what a call may do without flags, and the message of a refused call.
import type { Safety } from "./catalog.js";

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

/** Statement keywords that only read. */
const READ_KEYWORDS = new Set(["SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "VALUES", "TABLE"]);

/** Removes comments and the contents of quoted strings and identifiers, keeping the statement's shape. */
function skeleton(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, " ")
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/`[^`]*`/g, "``");
}

/**
 * Whether a SQL statement only reads: one statement whose first keyword is SELECT, WITH, SHOW,
 * DESCRIBE, EXPLAIN (not EXPLAIN ANALYZE of a write), VALUES or TABLE. Anything else (INSERT,
 * CREATE, DROP, DELETE, several statements, text that cannot be read) counts as a write.
 */
export function isReadOnlySql(statement: string): boolean {
  const text = skeleton(statement).trim().replace(/;\s*$/, "");
  if (!text || text.includes(";")) return false;
  const words = text.replace(/^\(+/, "").split(/[\s(]+/).filter(Boolean).map((w) => w.toUpperCase());
  const first = words[0] ?? "";
  if (!READ_KEYWORDS.has(first)) return false;
  if (first === "EXPLAIN") {
    const rest = words.slice(1);
    while (rest[0] === "ANALYZE" || rest[0] === "VERBOSE") rest.shift();
    // EXPLAIN (TYPE ...) options are dropped with the parenthesis split; EXPLAIN ANALYZE runs its statement.
    return words[1] !== "ANALYZE" || READ_KEYWORDS.has(rest[0] ?? "");
  }
  // WITH ... must end in a query, not in an INSERT/UPDATE/DELETE/MERGE.
  if (first === "WITH") return !words.some((w) => ["INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "TRUNCATE"].includes(w));
  return true;
}
