// The keys a client has sent, so that text the server sends back (an error message echoing
// "Invalid API key sk-...", a body kept on an error, a stream's error event) can be cleaned of them
// before it reaches an error, a log line or the caller.
//
// A key can come back in more than one form, and each is found:
// - as sent, and with any of its characters %-escaped (`%2F` or `%2f`, all or some of them) or
//   JSON-escaped (`\/`, `\"`, `\u0041`): one pattern per character;
// - base64 and base64url, alone or inside a longer encoded text such as `user:key` in a Basic header.
//   Where the key starts in the encoded bytes decides how it is encoded (3 alignments); for each, the
//   characters that depend on the key's bytes only are searched for (the one or two characters at
//   each end that mix in neighbouring bytes are left as they are).

export const REDACTED = "[redacted]";
/** How many distinct keys a client remembers (a key function may rotate keys forever). */
const MAX_KEYS = 64;
/**
 * The shortest key that is redacted safely: shorter text is too likely to be part of other text, and
 * its base64 too short to find. `checkApiKey` refuses shorter keys when a client is made.
 */
export const MIN_KEY_LENGTH = 8;

export interface Secrets {
  /** Remembers a key that is about to be sent. */
  add(key: string): void;
  /** `text` with every remembered key, in every form it is found in (see above), replaced by `[redacted]`. */
  redact(text: string): string;
  /** Whether `text` contains a remembered key. */
  has(text: string): boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const utf8 = (s: string) => new TextEncoder().encode(s);

/** One character as sent, %-escaped (its UTF-8 bytes) or JSON-escaped (`\u0041`, `\/`); the pattern ignores case. */
function charPattern(char: string): string {
  const code = char.codePointAt(0) as number;
  const percent = [...utf8(char)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  const unicode = code < 0x10000 ? `|\\\\u${code.toString(16).padStart(4, "0")}` : "";
  return `(?:${escape(char)}|${percent}${unicode}${'/"\\'.includes(char) ? `|\\\\${escape(char)}` : ""})`;
}

/**
 * The base64 text that the key's bytes alone decide, for each of the 3 offsets (mod 3) at which the key
 * can start in the encoded bytes: `offset` zero bytes go before the key, and the characters that mix in
 * those bytes (at the start) or the bytes after the key (at the end) are cut off.
 */
export function base64Cores(key: string): string[] {
  const bytes = utf8(key);
  return [0, 1, 2].map((offset) => {
    const n = offset + bytes.length;
    const text = btoa(String.fromCharCode(...new Uint8Array(offset), ...bytes));
    // whole 3-byte groups, then the characters of the last partial group that use no later byte
    return text.slice([0, 2, 3][offset], ((n - (n % 3)) / 3) * 4 + (n % 3));
  });
}

/**
 * Methods on a prototype, so a client allocates little; `redact` is an own arrow function so that it can
 * be handed out on its own. The keys live in private fields, which util.inspect does not show.
 */
class KeySet implements Secrets {
  readonly #keys: string[] = [];
  #pattern: RegExp | undefined;
  add(key: string): void {
    if (key.length < MIN_KEY_LENGTH || this.#keys.includes(key)) return;
    this.#keys.push(key);
    if (this.#keys.length > MAX_KEYS) this.#keys.shift();
    this.#pattern = undefined; // rebuilt when text is next cleaned: making a client stays cheap
  }
  #build(): RegExp {
    const forms = new Set<string>();
    for (const key of this.#keys) {
      forms.add([...key].map(charPattern).join(""));
      for (const core of base64Cores(key)) {
        forms.add(escape(core));
        forms.add(escape(core.replaceAll("+", "-").replaceAll("/", "_")));
      }
    }
    // Longest first, so that a key that contains another is replaced whole.
    // Case is ignored: %-escapes and \u escapes come in either case, and redacting a little more is safe.
    return (this.#pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).join("|"), "gi"));
  }
  redact = (text: string): string => {
    if (!text || !this.#keys.length) return text;
    return text.replace(this.#pattern ?? this.#build(), REDACTED);
  };
  has(text: string): boolean {
    return this.redact(text) !== text;
  }
}

export function createSecrets(): Secrets {
  return new KeySet();
}

/** Deep copy of log fields with every string redacted (fields are small: method, path, headers, body). */
export function redactFields(secrets: Secrets, fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] =
      typeof value === "string"
        ? secrets.redact(value)
        : value && typeof value === "object" && !Array.isArray(value)
          ? redactFields(secrets, value as Record<string, unknown>)
          : value;
  }
  return out;
}
