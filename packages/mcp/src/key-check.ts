// Which bearer keys Peaka accepted, and until when. HTTP mode asks Peaka (getKeyInfo) about a key
// before it serves any request with it, and remembers a yes for `ttlMs`: a key Peaka stops accepting
// (revoked, expired) stops working here at most `ttlMs` later. Entries are keyed by a SHA-256 hash of
// the key; the key itself is never stored.
import { createHash } from "node:crypto";

/** How long a key Peaka accepted is trusted without asking again, in milliseconds. */
export const DEFAULT_KEY_CHECK_TTL_MS = 60_000;

/** What Peaka said about a key. */
export type KeyVerdict =
  /** Peaka accepted the key. */
  | { ok: true }
  /** Peaka refused the key (401 or 403): the caller gets 401. */
  | { ok: false; refused: true; reason: string }
  /** Peaka could not be asked (network, 429, 5xx): the caller gets 503 and may try again. */
  | { ok: false; refused: false; reason: string };

export interface KeyCheckCacheOptions {
  /** How long an accepted key is trusted, in milliseconds; 0 asks Peaka on every request. Default: 60000. */
  ttlMs?: number;
  /** Most keys remembered; the oldest goes first. Default: 1000. */
  maxEntries?: number;
  /** The clock, in milliseconds (tests pass their own). Default: `Date.now`. */
  now?: () => number;
}

/** The hash a key is remembered by: SHA-256, hex. */
export function keyHash(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Remembers which keys Peaka accepted, by hash, for a short time. */
export class KeyCheckCache {
  readonly ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** hash → the time (ms) until which the key is trusted. */
  readonly #accepted = new Map<string, number>();
  /** hash → the check under way, so that concurrent requests with one key ask Peaka once. */
  readonly #pending = new Map<string, Promise<KeyVerdict>>();

  constructor(options: KeyCheckCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_KEY_CHECK_TTL_MS;
    if (!Number.isFinite(this.ttlMs) || this.ttlMs < 0) throw new RangeError(`ttlMs must be a finite number of at least 0; got ${this.ttlMs}.`);
    this.#max = options.maxEntries ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The verdict on `key`: from memory while an earlier yes is fresh, else from `ask(key)`. Only a yes
   * is remembered; a refusal or a failed check is asked again next time.
   */
  async check(key: string, ask: (key: string) => Promise<KeyVerdict>): Promise<KeyVerdict> {
    const hash = keyHash(key);
    const until = this.#accepted.get(hash);
    if (until !== undefined && this.#now() < until) return { ok: true };
    this.#accepted.delete(hash);
    let pending = this.#pending.get(hash);
    if (!pending) {
      pending = ask(key).finally(() => this.#pending.delete(hash));
      this.#pending.set(hash, pending);
    }
    const verdict = await pending;
    if (verdict.ok && this.ttlMs > 0) {
      if (!this.#accepted.has(hash) && this.#accepted.size >= this.#max) this.#accepted.delete(this.#accepted.keys().next().value!);
      this.#accepted.set(hash, this.#now() + this.ttlMs);
    }
    return verdict;
  }

  /** What the cache holds, for inspection: hashes only. */
  keys(): string[] {
    return [...this.#accepted.keys(), ...this.#pending.keys()];
  }
}
