// Pure retry policy: which failures are retried, how long to wait, and a sleep that stops on abort.
import { PeakaAbortError } from "../errors.js";
import { setTimer } from "./validate.js";

/** Methods that may be repeated without changing the outcome; others retry only when a request opts in. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** Statuses worth retrying. 409 is not among them: Peaka uses it for "already exists". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export interface BackoffOptions {
  /** Upper bound of the first wait, in ms. */
  initialDelayMs: number;
  /** Upper bound of any computed wait, in ms. */
  maxDelayMs: number;
  /** Longest `Retry-After` that is honoured, in ms; longer ones are cut to this. */
  maxRetryAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(max, initial * 2^retry)).
 * `retry` counts from 0 for the first retry.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delay-seconds or an HTTP date. `undefined` when
 * absent or unreadable; never negative; capped at `cap`.
 */
export function parseRetryAfter(value: string | null, cap: number, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // An HTTP date always starts with a day name ("Sun, 06 Nov 1994 08:49:37 GMT" and the two obsolete
    // forms). Date.parse alone is too lenient: it reads "-1" or "x 2" as dates in 2001.
    if (!/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i.test(text)) return undefined;
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(0, Math.ceil(ms)), cap);
}

/**
 * Waits `ms`, or rejects with PeakaAbortError as soon as `signal` fires. The listener goes on a
 * signal derived with `AbortSignal.any`, never on the caller's own, so a signal shared by many
 * requests collects no listeners. Delays above the timer limit are chained (see setTimer).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PeakaAbortError("Aborted while waiting to retry", { cause: signal.reason }));
      return;
    }
    const local = signal ? AbortSignal.any([signal]) : undefined;
    const onAbort = () => {
      cancel();
      reject(new PeakaAbortError("Aborted while waiting to retry", { cause: signal?.reason }));
    };
    const cancel = setTimer(() => {
      local?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    local?.addEventListener("abort", onAbort, { once: true });
  });
}
