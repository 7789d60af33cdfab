// The one SQL lexer of the project (entry `@peaka/api/internal/sql`: internal, for @peaka/api's
// `sql` template and @peaka/mcp's read-only check; not covered by semver).
//
// One left-to-right pass over Trino's lexical rules (io/trino/grammar/sql/SqlBase.g4):
//   'text'            a string; '' is a quote inside it; a backslash is an ordinary character
//   U&'text'          a Unicode string (same quoting; `UESCAPE 'c'` after it is an ordinary word and string)
//   X'0f'             a binary string: ends at the first quote (X'a''b' is X'a' followed by 'b')
//   "name"            a quoted name; "" is a quote inside it (`name` with `` likewise: Trino lexes, then rejects it)
//   -- text           a comment to the end of the line (only CR or LF end it)
//   /* text */        a comment; NOT nested: the first */ ends it
//   ?  ;              a parameter marker, the statement separator
//   words, numbers, punctuation, whitespace (space, tab, CR, LF) and, as `unknown`, any other character.
// Prefixes are case-insensitive (u&'..', x'..'). There are no E'..' strings and no $$ quoting in Trino:
// E'x' is the word E followed by the string 'x'.
//
// Where Trino would fall back to single characters (an unterminated string, quoted name or comment),
// this lexer returns one `error` token to the end of the text instead: text that cannot be lexed is
// never mistaken for something harmless.
import { PeakaInvalidArgumentError } from "@peaka/api";
import { createSecrets } from "./redact.js";

/** What a token is. */
export type SqlTokenKind =
  | "whitespace"
  | "line-comment"
  | "block-comment"
  | "string"
  | "unicode-string"
  | "binary-string"
  | "quoted-identifier"
  | "backquoted-identifier"
  | "number"
  | "word"
  | "parameter"
  | "semicolon"
  | "punctuation"
  | "unknown"
  | "error";

/** The constructs that can be left open at the end of a chunk (and continued by the next one). */
export type SqlOpenKind =
  | "string"
  | "unicode-string"
  | "binary-string"
  | "quoted-identifier"
  | "backquoted-identifier"
  | "line-comment"
  | "block-comment";

/** One token: its kind, its text and where it is in the input (`text === input.slice(start, end)`). */
export interface SqlToken {
  readonly kind: SqlTokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Set on the last token when it is a construct the text did not close (then `kind` is `error` in `lexSql`). */
  readonly open?: SqlOpenKind;
}

/** What `lexSqlChunk` returns: the chunk's tokens and the construct left open at its end, if any. */
export interface SqlChunkLex {
  readonly tokens: SqlToken[];
  /** The string, quoted name or comment the chunk ends inside; undefined when it ends in plain SQL. */
  readonly open: SqlOpenKind | undefined;
}

// Character codes.
const C = {
  Tab: 9,
  Lf: 10,
  Cr: 13,
  Space: 32,
  Quote: 39, // '
  DoubleQuote: 34, // "
  Backquote: 96, // `
  Minus: 45,
  Slash: 47,
  Star: 42,
  Dot: 46,
  Amp: 38,
  Question: 63,
  Semicolon: 59,
} as const;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 95;
const isSpace = (c: number) => c === C.Space || c === C.Tab || c === C.Lf || c === C.Cr;
const isAsciiPunct = (c: number) => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);

const TWO_CHAR_OPERATORS = new Set(["<>", "!=", "<=", ">=", "||", "->", "=>"]);
// Trino's numeric literals: integers (with _ between digits), decimals, doubles with an exponent.
const NUMBER = /(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?/y;

/** Where a quoted construct that starts at `from` (after its opening) ends: the index after its closing quote, or -1. */
function closeQuoted(s: string, from: number, quote: number, doubled: boolean): number {
  let i = from;
  for (;;) {
    const j = s.indexOf(String.fromCharCode(quote), i);
    if (j < 0) return -1;
    if (doubled && s.charCodeAt(j + 1) === quote) {
      i = j + 2;
      continue;
    }
    return j + 1;
  }
}

function closeOf(kind: SqlOpenKind, s: string, from: number): number {
  switch (kind) {
    case "string":
    case "unicode-string":
      return closeQuoted(s, from, C.Quote, true);
    case "binary-string":
      return closeQuoted(s, from, C.Quote, false);
    case "quoted-identifier":
      return closeQuoted(s, from, C.DoubleQuote, true);
    case "backquoted-identifier":
      return closeQuoted(s, from, C.Backquote, true);
    case "block-comment": {
      const j = s.indexOf("*/", from);
      return j < 0 ? -1 : j + 2;
    }
    case "line-comment": {
      // Trino: '--' ~[\r\n]* '\r'? '\n'? — the line ending belongs to the comment.
      let i = from;
      while (i < s.length && s.charCodeAt(i) !== C.Cr && s.charCodeAt(i) !== C.Lf) i++;
      if (i >= s.length) return -1;
      if (s.charCodeAt(i) === C.Cr) i++;
      if (s.charCodeAt(i) === C.Lf) i++;
      return i;
    }
  }
}

/** The construct that opens at `i`, and the length of its opening. */
function openerAt(s: string, i: number): [SqlOpenKind, number] | undefined {
  const c = s.charCodeAt(i);
  const next = s.charCodeAt(i + 1);
  if (c === C.Quote) return ["string", 1];
  if (c === C.DoubleQuote) return ["quoted-identifier", 1];
  if (c === C.Backquote) return ["backquoted-identifier", 1];
  if (c === C.Minus && next === C.Minus) return ["line-comment", 2];
  if (c === C.Slash && next === C.Star) return ["block-comment", 2];
  if ((c === 85 || c === 117) && next === C.Amp && s.charCodeAt(i + 2) === C.Quote) return ["unicode-string", 3]; // U&'
  if ((c === 88 || c === 120) && next === C.Quote) return ["binary-string", 2]; // X'
  return undefined;
}

function scan(s: string, continueFrom: SqlOpenKind | undefined): SqlChunkLex {
  if (typeof s !== "string") {
    throw new PeakaInvalidArgumentError(`The SQL lexer takes a string; got ${s === null ? "null" : typeof s}.`);
  }
  const tokens: SqlToken[] = [];
  const push = (kind: SqlTokenKind, start: number, end: number, open?: SqlOpenKind) => {
    tokens.push(open ? { kind, text: s.slice(start, end), start, end, open } : { kind, text: s.slice(start, end), start, end });
  };
  let i = 0;
  if (continueFrom) {
    const end = closeOf(continueFrom, s, 0);
    if (end < 0) {
      if (s.length) push(continueFrom, 0, s.length, continueFrom);
      return { tokens, open: continueFrom };
    }
    if (end > 0) push(continueFrom, 0, end);
    i = end;
  }
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    const opener = openerAt(s, i);
    if (opener) {
      const [kind, length] = opener;
      const end = closeOf(kind, s, i + length);
      if (end < 0) {
        // A -- comment may end at the end of the text; only a chunk leaves it open for the next one.
        push(kind, i, n, kind);
        return { tokens, open: kind };
      }
      push(kind, i, end);
      i = end;
      continue;
    }
    if (isSpace(c)) {
      let j = i + 1;
      while (j < n && isSpace(s.charCodeAt(j))) j++;
      push("whitespace", i, j);
      i = j;
      continue;
    }
    if (isLetter(c) || c === 95) {
      let j = i + 1;
      while (j < n && isWordChar(s.charCodeAt(j))) j++;
      push("word", i, j);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === C.Dot && isDigit(s.charCodeAt(i + 1)))) {
      // The longest of a numeric literal and a digit identifier (Trino's DIGIT_IDENTIFIER, e.g. 1abc); a tie is a number.
      NUMBER.lastIndex = i;
      const number = NUMBER.exec(s) ? NUMBER.lastIndex : i + 1;
      let word = i;
      if (isDigit(c)) while (word < n && isWordChar(s.charCodeAt(word))) word++;
      if (word > number) push("word", i, word);
      else push("number", i, number);
      i = Math.max(word, number);
      continue;
    }
    if (c === C.Question) {
      push("parameter", i, i + 1);
      i++;
      continue;
    }
    if (c === C.Semicolon) {
      push("semicolon", i, i + 1);
      i++;
      continue;
    }
    if (isAsciiPunct(c)) {
      const two = TWO_CHAR_OPERATORS.has(s.slice(i, i + 2)) ? 2 : 1;
      push("punctuation", i, i + two);
      i += two;
      continue;
    }
    // Anything else (other whitespace, control characters, letters outside ASCII) is not Trino SQL outside quotes.
    const cp = s.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    push("unknown", i, i + width);
    i += width;
  }
  return { tokens, open: undefined };
}

/**
 * The tokens of a complete statement (or several): every character of `text` belongs to exactly one
 * token, in order. An unterminated string, quoted name or block comment is one `error` token from its
 * opening to the end of the text (its `open` says which construct); a `--` comment may end the text.
 */
export function lexSql(text: string): SqlToken[] {
  const { tokens, open } = scan(text, undefined);
  if (open && open !== "line-comment") {
    const last = tokens[tokens.length - 1]!;
    tokens[tokens.length - 1] = { ...last, kind: "error" };
  } else if (open === "line-comment") {
    const last = tokens[tokens.length - 1]!;
    tokens[tokens.length - 1] = { kind: "line-comment", text: last.text, start: last.start, end: last.end };
  }
  return tokens;
}

/**
 * The tokens of one chunk of a statement whose pieces are separated by something else (the values of
 * a `sql` template): `continueFrom` is the construct the previous chunk left open (its `open`), and a
 * construct still open at the end of this chunk is returned as `open` (its token carries `open` too)
 * instead of an error. A `--` comment at the end of a chunk is open: it goes on in the next chunk up to
 * its line end. So a value sits in plain SQL exactly when the chunk before it returns `open: undefined`,
 * and a `parameter` token is a `?` written in plain SQL.
 *
 * @example
 * let open: SqlOpenKind | undefined;
 * for (const chunk of ["SELECT '", "' AS s WHERE a = ", ""]) ({ open } = lexSqlChunk(chunk, open));
 */
export function lexSqlChunk(text: string, continueFrom?: SqlOpenKind): SqlChunkLex {
  return scan(text, continueFrom);
}

/** Whether a token is neither whitespace nor a comment. */
export function isSignificant(token: SqlToken): boolean {
  return token.kind !== "whitespace" && token.kind !== "line-comment" && token.kind !== "block-comment";
}

/** One statement of a text: where it is and its tokens (the `;` that ends it is not included). */
export interface SqlStatementSlice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** All its tokens, whitespace and comments included. */
  readonly tokens: SqlToken[];
}

/**
 * The statements of a text, split at `;` tokens (never at a `;` inside a string, quoted name or comment).
 * Statements made only of whitespace and comments are left out: `"SELECT 1;"` is one statement.
 */
export function statementsOf(text: string): SqlStatementSlice[] {
  const statements: SqlStatementSlice[] = [];
  let current: SqlToken[] = [];
  const flush = () => {
    if (current.some(isSignificant)) {
      const start = current[0]!.start;
      const end = current[current.length - 1]!.end;
      statements.push({ start, end, text: text.slice(start, end), tokens: current });
    }
    current = [];
  };
  for (const token of lexSql(text)) {
    if (token.kind === "semicolon") flush();
    else current.push(token);
  }
  flush();
  return statements;
}

// ---- the read-only classifier ----------------------------------------------------------------------

/** What `classifySql` concluded, and why (a sentence for a refusal message). */
export interface SqlClassification {
  readonly kind: "read" | "write";
  readonly reason: string;
}

/**
 * Words that start or are part of a statement that changes something (in Trino or a common dialect).
 * A read containing one of them unquoted is treated as a write: quote a column so named ("update").
 */
const WRITE_WORDS = new Set([
  "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "TRUNCATE", "GRANT", "REVOKE", "DENY",
  "CALL", "EXECUTE", "PREPARE", "DEALLOCATE", "REFRESH", "COMMIT", "ROLLBACK", "SET", "RESET", "ANALYZE", "INTO",
]);
/** Table functions known to only read (system.builtin); any other `TABLE(f(...))` may hand text to a data source. */
const READ_TABLE_FUNCTIONS = new Set(["SEQUENCE", "EXCLUDE_COLUMNS"]);
const EXPLAIN_OPTIONS: Record<string, ReadonlySet<string>> = {
  FORMAT: new Set(["TEXT", "GRAPHVIZ", "JSON"]),
  TYPE: new Set(["LOGICAL", "DISTRIBUTED", "VALIDATE", "IO"]),
};

const read = (reason: string): SqlClassification => ({ kind: "read", reason });
const write = (reason: string): SqlClassification => ({ kind: "write", reason });
const upper = (t: SqlToken | undefined) => (t?.kind === "word" ? t.text.toUpperCase() : undefined);
const isPunct = (t: SqlToken | undefined, p: string) => t?.kind === "punctuation" && t.text === p;

const QUOTE_OF: Partial<Record<SqlTokenKind, string>> = {
  string: "'",
  "unicode-string": "'",
  "binary-string": "'",
  "quoted-identifier": '"',
  "backquoted-identifier": "`",
};

/** Text that another SQL dialect would lex differently from Trino (a backslash before a quote, a nested comment opener). */
function ambiguity(tokens: readonly SqlToken[]): string | undefined {
  for (const t of tokens) {
    const quote = QUOTE_OF[t.kind];
    if (quote && t.text.includes(`\\${quote}`)) {
      return `a backslash before a quote at offset ${t.start} (dialects that escape with backslashes would end the quoting elsewhere)`;
    }
    if (t.kind === "block-comment" && t.text.indexOf("/*", 2) >= 0) {
      return `a /* inside a comment at offset ${t.start} (dialects that nest comments would end it elsewhere)`;
    }
  }
  return undefined;
}

/** Where `sig` calls a table function other than the built-in readers (`sequence`, `exclude_columns`): its TABLE token. */
function tableFunctionCall(sig: readonly SqlToken[], from: number): SqlToken | undefined {
  for (let i = from; i < sig.length; i++) {
    if (upper(sig[i]) !== "TABLE" || !isPunct(sig[i + 1], "(")) continue;
    // TABLE(f(...)), TABLE(system.builtin.f(...)): only the built-in table functions that read.
    let j = i + 2;
    const parts: string[] = [];
    while (sig[j]?.kind === "word" || sig[j]?.kind === "quoted-identifier") {
      parts.push(sig[j]!.kind === "word" ? sig[j]!.text.toUpperCase() : "\0");
      if (!isPunct(sig[j + 1], ".")) break;
      j += 2;
    }
    // TABLE(t) and TABLE(SELECT ...) are table arguments, not calls; a call has ( after its name.
    if (parts.length && !isPunct(sig[j + 1], "(")) continue;
    const name = parts[parts.length - 1] ?? "";
    const qualifier = parts.slice(0, -1).join(".");
    if (!READ_TABLE_FUNCTIONS.has(name) || (qualifier !== "" && qualifier !== "SYSTEM.BUILTIN")) return sig[i];
  }
  return undefined;
}

const TABLE_FUNCTION = "a table function that may pass a statement to a data source";

/** Checks that hold for every read: no write word, no table function that may run text elsewhere. */
function checkBody(sig: readonly SqlToken[], from: number): SqlClassification | undefined {
  for (let i = from; i < sig.length; i++) {
    const word = upper(sig[i]);
    if (word && WRITE_WORDS.has(word)) return write(`it contains ${word} (at offset ${sig[i]!.start}); a read never does (quote a name that is spelled so)`);
  }
  const call = tableFunctionCall(sig, from);
  return call ? write(`it calls ${TABLE_FUNCTION} (at offset ${call.start})`) : undefined;
}

/** Classifies one statement's significant tokens (no `;`). */
function classifyTokens(sig: readonly SqlToken[], depth: number): SqlClassification {
  let i = 0;
  while (isPunct(sig[i], "(")) i++;
  const first = sig[i];
  const keyword = upper(first);
  if (!first) return write("there is no statement");
  if (!keyword) return write(`it starts with ${JSON.stringify(first.text)}, not with a keyword of a read`);
  if (i > 0 && !["SELECT", "VALUES", "TABLE", "WITH"].includes(keyword)) return write(`${keyword} in parentheses is not a query`);
  switch (keyword) {
    case "SELECT":
    case "VALUES":
    case "TABLE":
      return checkBody(sig, i) ?? read(`a query (${keyword})`);
    case "WITH": {
      // WITH [RECURSIVE] name ...: a query. WITH FUNCTION / WITH SESSION (Trino's query-scoped routines and
      // session properties) are not proven reads.
      let j = i + 1;
      if (upper(sig[j]) === "RECURSIVE") j++;
      const after = upper(sig[j]);
      if (after === "FUNCTION" || after === "SESSION") return write(`WITH ${after} is not proven to only read`);
      if (sig[j]?.kind !== "word" && sig[j]?.kind !== "quoted-identifier") return write("WITH is not followed by a named query");
      return checkBody(sig, j) ?? read("a query (WITH)");
    }
    case "SHOW": {
      // SHOW CREATE TABLE|SCHEMA|VIEW|MATERIALIZED VIEW prints a definition; the word CREATE is allowed there only.
      const j = upper(sig[i + 1]) === "CREATE" ? i + 2 : i + 1;
      return checkBody(sig, j) ?? read("a SHOW statement");
    }
    case "DESCRIBE":
    case "DESC":
      return checkBody(sig, i + 1) ?? read(`a ${keyword} statement`);
    case "EXPLAIN": {
      if (depth > 8) return write("EXPLAIN is nested too deeply");
      let j = i + 1;
      if (upper(sig[j]) === "ANALYZE") {
        j++;
        if (upper(sig[j]) === "VERBOSE") j++;
      } else if (isPunct(sig[j], "(")) {
        // EXPLAIN (FORMAT x, TYPE y) statement: known options only.
        j++;
        for (;;) {
          const option = upper(sig[j]);
          const values = option ? EXPLAIN_OPTIONS[option] : undefined;
          const value = upper(sig[j + 1]);
          if (!values || !value || !values.has(value)) return write(`EXPLAIN has an option that is not known to only plan (at offset ${sig[j]?.start ?? sig[j - 1]!.end})`);
          j += 2;
          if (isPunct(sig[j], ",")) j++;
          else if (isPunct(sig[j], ")")) {
            j++;
            break;
          } else return write("EXPLAIN's options are not closed");
        }
      }
      // What EXPLAIN (ANALYZE runs it) explains must itself be a read.
      const inner = classifyTokens(sig.slice(j), depth + 1);
      return inner.kind === "read" ? read(`EXPLAIN of ${inner.reason}`) : write(`EXPLAIN of a statement that is not a read: ${inner.reason}`);
    }
    default:
      return write(`${keyword} is not a statement that only reads (SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE, EXPLAIN)`);
  }
}

/**
 * Whether `text` is, provably, one statement that only reads. It admits exactly one statement (a final
 * `;` allowed) that is a query (SELECT, WITH, VALUES, TABLE; in parentheses too), SHOW, DESCRIBE/DESC,
 * or EXPLAIN [ANALYZE [VERBOSE]] / EXPLAIN (FORMAT .., TYPE ..) of such a statement; a read may not
 * contain a write word (INSERT, UPDATE, DELETE, MERGE, CREATE, DROP, ALTER, TRUNCATE, GRANT, REVOKE,
 * DENY, CALL, EXECUTE, PREPARE, DEALLOCATE, REFRESH, COMMIT, ROLLBACK, SET, RESET, ANALYZE, INTO)
 * outside strings, quoted names and comments, nor call a table function other than the built-in
 * `sequence` and `exclude_columns`. Everything else is a write, with the reason: several statements,
 * an unterminated string, quoted name or comment, an unknown first word, WITH FUNCTION/SESSION, and text
 * other dialects would read differently (a backslash before a closing quote, `/*` inside a comment).
 */
export function classifySql(text: string): SqlClassification {
  const tokens = lexSql(text);
  const error = tokens.find((t) => t.kind === "error");
  if (error) return write(`the ${(error.open ?? "text").replace("-", " ")} at offset ${error.start} is not closed`);
  const odd = ambiguity(tokens);
  if (odd) return write(`it has ${odd}`);
  const sig = tokens.filter(isSignificant);
  const semicolons = sig.filter((t) => t.kind === "semicolon");
  if (semicolons.length > 1 || (semicolons.length === 1 && sig[sig.length - 1]!.kind !== "semicolon")) {
    return write("it has more than one statement");
  }
  return classifyTokens(semicolons.length ? sig.slice(0, -1) : sig, 0);
}

/** `classifySql(text).kind === "read"`. */
export function isReadOnlySql(text: string): boolean {
  return classifySql(text).kind === "read";
}

/** What `classifySqlEffect` concluded: a read, a write proven not to delete, or anything else. */
export interface SqlEffect {
  readonly kind: "read" | "write" | "destructive";
  readonly reason: string;
}

/** First words of writes that add or describe, never remove (when no word of DESTRUCTIVE_WORDS follows). */
const ADDING_STARTS = new Set(["INSERT", "CREATE", "COMMENT", "ANALYZE", "REFRESH", "GRANT"]);
/** Words of statements that remove or overwrite data, definitions or rights, or run what we cannot see. */
const DESTRUCTIVE_WORDS = new Set([
  "DELETE", "DROP", "TRUNCATE", "MERGE", "UPDATE", "ALTER", "CALL", "EXECUTE", "REVOKE", "DENY", "OVERWRITE", "ROLLBACK",
]);

/**
 * Like `classifySql`, with writes split in two: `write` only for one statement proven to add or describe
 * without removing anything — INSERT, CREATE (not OR REPLACE), COMMENT, ANALYZE, REFRESH or GRANT, with
 * no DELETE, DROP, TRUNCATE, MERGE, UPDATE, ALTER, CALL, EXECUTE, REVOKE, DENY, OVERWRITE or ROLLBACK word
 * and no table function outside strings, quoted names and comments — and `destructive` for everything
 * else that is not a read (session statements and text that cannot be classified included).
 */
export function classifySqlEffect(text: string): SqlEffect {
  const asRead = classifySql(text);
  if (asRead.kind === "read") return asRead;
  const tokens = lexSql(text);
  const sig = tokens.filter(isSignificant);
  const last = sig[sig.length - 1];
  const body = last?.kind === "semicolon" ? sig.slice(0, -1) : sig;
  const destructive = (reason: string): SqlEffect => ({ kind: "destructive", reason });
  if (tokens.some((t) => t.kind === "error") || ambiguity(tokens) || body.some((t) => t.kind === "semicolon")) return destructive(asRead.reason);
  const first = upper(body[0]);
  if (!first || !ADDING_STARTS.has(first)) return destructive(`${first ?? "it"} is not a statement that only adds (INSERT, CREATE, COMMENT, ANALYZE, REFRESH, GRANT)`);
  for (let i = 0; i < body.length; i++) {
    const word = upper(body[i]);
    if (word && DESTRUCTIVE_WORDS.has(word)) return destructive(`it contains ${word} (at offset ${body[i]!.start})`);
    if (word === "OR" && upper(body[i + 1]) === "REPLACE") return destructive(`it has OR REPLACE (at offset ${body[i]!.start}), which drops what it replaces`);
  }
  const call = tableFunctionCall(body, 0);
  if (call) return destructive(`it calls ${TABLE_FUNCTION} (at offset ${call.start})`);
  return { kind: "write", reason: `one ${first} statement that removes nothing` };
}

/**
 * The project's one redaction of keys, shared through this internal entry with @peaka/mcp (which scrubs
 * tool results with it): a function that replaces each of `keys` (8 characters or more) in a text, in
 * every form a key takes there (as sent, %-escaped, JSON-escaped, base64, base64url), by `[redacted]`.
 */
export function createRedactor(keys: readonly (string | undefined)[]): (text: string) => string {
  const secrets = createSecrets();
  for (const key of keys) if (key) secrets.add(key);
  return secrets.redact;
}
