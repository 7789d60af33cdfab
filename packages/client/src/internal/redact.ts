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
const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
/** A hex digit in either case: `F` -> `[Ff]`. */
const anyCase = (digits: string) => digits.replace(/[A-F]/g, (d) => `[${d}${d.toLowerCase()}]`);

/** One character as sent, %-escaped (its UTF-8 bytes, hex in either case) or JSON-escaped. */
function charPattern(char: string): string {
  const code = char.codePointAt(0) as number;
  const forms = [escape(char)];
  forms.push([...new TextEncoder().encode(char)].map((b) => `%${anyCase(hex(b))}`).join(""));
  if (code <= 0xffff) forms.push(`\\\\u${anyCase(code.toString(16).toUpperCase().padStart(4, "0"))}`);
  if (char === "/" || char === '"' || char === "\\") forms.push(`\\\\${escape(char)}`);
  return `(?:${forms.join("|")})`;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.ceil(((Math.min(3, bytes.length - i)) * 8) / 6);
    for (let c = 0; c < chars; c++) out += B64[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/**
 * The base64 text that the key's bytes alone decide, for each of the 3 offsets (mod 3) at which the key
 * can start in the encoded bytes: `offset` zero bytes go before the key, the characters that mix in
 * those bytes (at the start) or the bytes after the key (at the end) are cut off.
 */
export function base64Cores(key: string): string[] {
  const bytes = new TextEncoder().encode(key);
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const text = base64(padded);
    const total = padded.length;
    // Characters of whole 3-byte groups, then those of the last partial group that use no later byte.
    const end = Math.floor(total / 3) * 4 + [0, 1, 2][total % 3]!;
    const start = [0, 2, 3][offset]!;
    out.push(text.slice(start, end));
  }
  return out;
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
    return (this.#pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).join("|"), "g"));
  }
  redact = (text: string): string => {
    if (!text || !this.#keys.length) return text;
    return text.replace(this.#pattern ?? this.#build(), REDACTED);
  };
  has(text: string): boolean {
    if (!text || !this.#keys.length) return false;
    const pattern = this.#pattern ?? this.#build();
    pattern.lastIndex = 0;
    const found = pattern.test(text);
    pattern.lastIndex = 0;
    return found;
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
