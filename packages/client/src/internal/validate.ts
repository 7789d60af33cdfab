// Option checks, in one place: client options (PeakaConfigError), per-request, waiter, poll and iterator
// options (PeakaInvalidArgumentError). Every message names the option and shows the bad value.
//
// Time limits: a number of milliseconds greater than 0, or Infinity for "no limit". JavaScript timers
// hold at most 2^31-1 ms (about 24.8 days): a longer limit is kept exactly by `setTimer`, which chains
// timers of that length, so `timeout: 2 ** 31` or a 30-day waiter deadline fire when they say, never
// after 1 ms.
import { PeakaConfigError, PeakaInvalidArgumentError } from "../errors.js";

/** The longest delay one `setTimeout` can hold, in ms (2^31-1, about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

type ErrorClass = typeof PeakaConfigError | typeof PeakaInvalidArgumentError;

/** Describes a bad value for a message: strings quoted, objects by kind, never more than 100 characters. */
export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value == null) return String(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  return `an object`;
}

/**
 * A time limit in ms: a number > 0 (fractions allowed) or Infinity (no limit). `undefined` gives
 * `fallback`. Throws `error` (PeakaConfigError for client options, PeakaInvalidArgumentError otherwise).
 */
export function checkTimeout(name: string, value: unknown, fallback: number, error: ErrorClass = PeakaInvalidArgumentError): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
    throw new error(`\`${name}\` must be a number of milliseconds greater than 0 (or Infinity for no limit); got ${showValue(value)}.`);
  }
  return value;
}

/** A delay in ms: a finite number >= 0. */
export function checkDelay(name: string, value: unknown, fallback: number, error: ErrorClass = PeakaInvalidArgumentError): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new error(`\`${name}\` must be a finite number of milliseconds, 0 or more; got ${showValue(value)}.`);
  }
  return value;
}

/** A count: a whole number >= `min` (0 for retries, 1 for page sizes). */
export function checkCount(name: string, value: unknown, fallback: number, min = 0, error: ErrorClass = PeakaInvalidArgumentError): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new error(`\`${name}\` must be a whole number of ${min} or more; got ${showValue(value)}.`);
  }
  return value;
}

/** A factor (e.g. a poll backoff): a finite number >= `min`. */
export function checkFactor(name: string, value: unknown, fallback: number, min = 1, error: ErrorClass = PeakaInvalidArgumentError): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new error(`\`${name}\` must be a finite number of ${min} or more; got ${showValue(value)}.`);
  }
  return value;
}

/** An AbortSignal or nothing. */
export function checkSignal(name: string, value: unknown, error: ErrorClass = PeakaInvalidArgumentError): AbortSignal | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || typeof (value as AbortSignal).aborted !== "boolean" || typeof (value as AbortSignal).addEventListener !== "function") {
    throw new error(`\`${name}\` must be an AbortSignal; got ${showValue(value)}.`);
  }
  return value as AbortSignal;
}

/** A function or nothing. */
export function checkFunction<F>(name: string, value: unknown, error: ErrorClass = PeakaInvalidArgumentError): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw new error(`\`${name}\` must be a function; got ${showValue(value)}.`);
  return value as F;
}

/** A boolean or nothing. */
export function checkBoolean(name: string, value: unknown, fallback: boolean, error: ErrorClass = PeakaInvalidArgumentError): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new error(`\`${name}\` must be true or false; got ${showValue(value)}.`);
  return value;
}

/** Header names and values: strings without line breaks. */
export function checkHeaders(name: string, value: unknown, error: ErrorClass = PeakaInvalidArgumentError): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new error(`\`${name}\` must be an object of header names and string values; got ${showValue(value)}.`);
  }
  for (const [header, text] of Object.entries(value)) {
    if (typeof text !== "string" || /[\r\n]/.test(text) || /[\r\n]/.test(header)) {
      throw new error(`\`${name}\`: header ${JSON.stringify(header)} must be a string without line breaks.`);
    }
  }
  return value as Record<string, string>;
}

/**
 * Runs `fn` after `ms` milliseconds and returns a function that cancels it. Infinity never fires;
 * delays above MAX_TIMER_MS are chained, so they fire on time instead of at once.
 */
export function setTimer(fn: () => void, ms: number): () => void {
  if (ms === Infinity) return noop;
  if (ms <= MAX_TIMER_MS) {
    const one = setTimeout(fn, ms);
    return () => clearTimeout(one);
  }
  let handle: ReturnType<typeof setTimeout>;
  const end = Date.now() + ms;
  const arm = (left: number) => {
    handle = setTimeout(left > MAX_TIMER_MS ? () => arm(end - Date.now()) : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(handle);
}

function noop(): void {}
