// JSON whose integers are exact. JSON.parse reads every number as a double, so an integer beyond
// ±(2^53 − 1) comes back with other digits that look exact (9007199254740993 -> 9007199254740992).
// `parseExactJson` parses with JSON.parse and, only when the result holds such a number, parses the text
// again keeping each of those numbers as its text (or a bigint). Node 20's JSON.parse gives a reviver no
// source text, and lossless-json refuses duplicate keys (a SIMPLE row of `SELECT a, a` has them), so this
// is a targeted scan: every number token of the text that JSON.parse would round is turned into a
// marked string before JSON.parse, then unmarked. Strings are matched whole, so digits inside a string
// are never touched; a real string that begins with the marker is escaped the same way.

/** What a number JSON.parse would round becomes: its text (default), or a bigint when it is an integer literal. */
export type ExactNumbers = "string" | "bigint";

const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
// A marked number is `"\u0000n<token>"`; a real string starting with `\u0000` becomes `"\u0000s\u0000..."`.
const INTEGER_LITERAL = /^-?\d+$/;

/** Whether a number read by JSON.parse is an integer outside the range a double holds exactly. */
export function isRoundedInteger(n: number): boolean {
  return Number.isInteger(n) && !Number.isSafeInteger(n);
}

/** Whether a parsed JSON value holds, at any depth, a number JSON.parse may have rounded. */
export function hasRoundedInteger(value: unknown): boolean {
  if (typeof value === "number") return isRoundedInteger(value);
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasRoundedInteger(item)) return true;
    return false;
  }
  for (const key in value) if (hasRoundedInteger((value as Record<string, unknown>)[key])) return true;
  return false;
}

function unmark(value: unknown, numbers: ExactNumbers): unknown {
  if (typeof value === "string") {
    if (value.charCodeAt(0) !== 0) return value;
    const token = value.slice(2);
    if (value[1] === "s") return token;
    return numbers === "bigint" && INTEGER_LITERAL.test(token) ? BigInt(token) : token;
  }
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = unmark(value[i], numbers);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) record[key] = unmark(record[key], numbers);
  return record;
}

/**
 * Parses JSON text so that no number is rounded silently: a number that JSON.parse would read as an
 * integer beyond ±(2^53 − 1) (`9007199254740993`, `1e20`) comes as its text as sent, or as a bigint
 * with `numbers: "bigint"` when it is written as an integer. Every other value is what JSON.parse
 * gives. Throws JSON.parse's SyntaxError on text that is not JSON.
 */
export function parseExactJson(text: string, numbers: ExactNumbers = "string"): unknown {
  const value: unknown = JSON.parse(text);
  if (!hasRoundedInteger(value)) return value;
  const marked = text.replace(TOKEN, (token) => {
    if (token.charCodeAt(0) === 34) return token.startsWith('"\\u0000') ? `"\\u0000s${token.slice(1)}` : token;
    return isRoundedInteger(Number(token)) ? `"\\u0000n${token}"` : token;
  });
  return unmark(JSON.parse(marked), numbers);
}

/**
 * The cause to keep for a JSON text that did not parse: where it failed, without the text. JSON.parse's
 * own SyntaxError quotes the text (`Unexpected token 'h', "{"a": hello…" is not valid JSON`), and a body
 * can echo a key or carry data that must not reach a log through `error.cause`.
 */
export function jsonFailure(error: unknown, length: number): SyntaxError {
  const at = /position (\d+)/.exec(String((error as Error | undefined)?.message))?.[1];
  return new SyntaxError(`JSON.parse failed on ${length} characters${at ? ` at position ${at}` : ""} (the text is left out)`);
}
