// The keys a client has sent, so that text the server sends back (an error message echoing
// "Invalid API key sk-...", a body kept on an error, a stream's error event) can be cleaned of them
// before it reaches an error, a log line or the caller.

export const REDACTED = "[redacted]";
/** How many distinct keys a client remembers (a key function may rotate keys forever). */
const MAX_KEYS = 64;

export interface Secrets {
  /** Remembers a key that is about to be sent. */
  add(key: string): void;
  /** `text` with every remembered key (and its URL-encoded form) replaced by `[redacted]`. */
  redact(text: string): string;
  /** Whether `text` contains a remembered key. */
  has(text: string): boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Methods on a prototype, so a client allocates little; `redact` is an own arrow function so that it can
 * be handed out on its own. The keys live in private fields, which util.inspect does not show.
 */
class KeySet implements Secrets {
  readonly #keys: string[] = [];
  #pattern: RegExp | undefined;
  add(key: string): void {
    if (key.length < 4 || this.#keys.includes(key)) return;
    this.#keys.push(key);
    if (this.#keys.length > MAX_KEYS) this.#keys.shift();
    this.#pattern = undefined; // rebuilt when text is next cleaned: making a client stays cheap
  }
  #build(): RegExp {
    const forms = new Set<string>();
    for (const key of this.#keys) {
      forms.add(key);
      forms.add(encodeURIComponent(key));
      forms.add(JSON.stringify(key).slice(1, -1));
    }
    // Longest first, so that a key that contains another is replaced whole.
    return (this.#pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escape).join("|"), "g"));
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
