// Paging a query stably: the statement is read with the project's SQL lexer, then either wrapped
// (`SELECT * FROM (<statement>) AS peaka_page ORDER BY 1, 2, ... OFFSET n ROWS LIMIT m`) or, when it
// ends with its own ORDER BY, continued (`<statement>, 1, 2, ... OFFSET n ROWS LIMIT m`: the column
// positions break its ties). The text built here is classified again before it runs (sql.ts): paging
// never decides on its own that something is a read.
import { isSignificant, lexSql, type SqlToken } from "@peaka/api/internal/sql";

/** What paging needs to know about a statement. */
export interface PageableQuery {
  /** The statement without a trailing `;` and without whitespace or comments after its last token. */
  body: string;
  /** Whether the statement ends with its own ORDER BY (at the outermost level). */
  ordered: boolean;
}

const QUERY_STARTS = new Set(["SELECT", "WITH", "VALUES", "TABLE"]);
const OWN_LIMITS = new Set(["LIMIT", "OFFSET", "FETCH"]);
/** SQL types Trino cannot sort by: left out of the ORDER BY that paging adds. */
const UNORDERABLE = /^(map\b|json\b|hyperloglog|p4hyperloglog|qdigest|tdigest|setdigest)|\bmap\(/i;

const word = (t: SqlToken | undefined) => (t?.kind === "word" ? t.text.toUpperCase() : undefined);

/** Reads a statement for paging; a string says why it cannot be paged. */
export function pageableQuery(statement: string): PageableQuery | string {
  const tokens = lexSql(statement);
  if (tokens.some((t) => t.kind === "error")) return "it has a string, quoted name or comment that is not closed";
  let sig = tokens.filter(isSignificant);
  if (sig[sig.length - 1]?.kind === "semicolon") sig = sig.slice(0, -1);
  if (!sig.length) return "it is empty";
  if (sig.some((t) => t.kind === "semicolon")) return "it has more than one statement";
  const first = word(sig[0]);
  const parenthesized = sig[0]!.kind === "punctuation" && sig[0]!.text === "(";
  if (!parenthesized && (!first || !QUERY_STARTS.has(first))) return "only a query (SELECT, WITH, VALUES or TABLE) can be paged";
  let depth = 0;
  let ordered = false;
  for (let i = 0; i < sig.length; i++) {
    const t = sig[i]!;
    if (t.kind === "punctuation" && t.text === "(") depth++;
    else if (t.kind === "punctuation" && t.text === ")") {
      depth--;
      if (depth < 0) return `its parentheses do not balance (a ")" at offset ${t.start} closes nothing)`;
    } else if (depth === 0) {
      const w = word(t);
      if (w && OWN_LIMITS.has(w)) return `it has its own ${w} (at offset ${t.start}); leave it out and page with offset and maxRows`;
      if (w === "ORDER" && word(sig[i + 1]) === "BY") ordered = true;
      // An ORDER BY is only the last clause when it is not followed by another query (a set operation after a parenthesized part).
      if (w === "UNION" || w === "INTERSECT" || w === "EXCEPT") ordered = false;
    }
  }
  if (depth !== 0) return "its parentheses do not balance (one is not closed)";
  return { body: statement.slice(0, sig[sig.length - 1]!.end), ordered };
}

/** The 1-based positions of the columns paging sorts by: all of them but the types Trino cannot sort. */
export function sortablePositions(types: ReadonlyArray<string | undefined>): number[] {
  return types.flatMap((type, i) => (type && UNORDERABLE.test(type) ? [] : [i + 1]));
}

/**
 * The statement that reads one page: rows `offset + 1` to `offset + limit`, in an order that is the
 * same on every call (the statement's own ORDER BY, then the given column positions).
 */
export function pageStatement(query: PageableQuery, positions: readonly number[], offset: number, limit: number): string {
  const tail = `\nOFFSET ${offset} ROWS\nLIMIT ${limit}`;
  if (query.ordered) return `${query.body}${positions.length ? `, ${positions.join(", ")}` : ""}${tail}`;
  return `SELECT * FROM (\n${query.body}\n) AS peaka_page${positions.length ? `\nORDER BY ${positions.join(", ")}` : ""}${tail}`;
}

/** The statement that reads one row of the result, to learn its columns and their types. */
export function probeStatement(query: PageableQuery): string {
  return `SELECT * FROM (\n${query.body}\n) AS peaka_page\nLIMIT 1`;
}
