// The one polling primitive behind every job waiter: read a status, tell whether it belongs to the run
// being waited for, judge it, wait with backoff, stop at a deadline or when the caller aborts.
import { PeakaAbortError, PeakaInvalidArgumentError, PeakaJobFailedError, PeakaTimeoutError } from "./errors.js";
import { sleep } from "./internal/retry.js";
import { checkDelay, checkFactor, checkFunction, checkSignal, checkTimeout, setTimer, showValue } from "./internal/validate.js";
import { normalizeStatus } from "./normalize.js";

/** Where a job stands, as far as waiting on it is concerned. */
export type JobVerdict = "pending" | "succeeded" | "failed";

/** Options of every job waiter. */
export interface PollOptions<S> {
  /** Wait before the second read, in ms; later waits grow by `backoff`. Default: 1000. */
  interval?: number | undefined;
  /** Factor each wait is multiplied by (1 or more). Default: 1.5. */
  backoff?: number | undefined;
  /** Longest wait between two reads, in ms. Default: 15000. */
  maxInterval?: number | undefined;
  /**
   * Overall deadline from the first status read, in ms (`Infinity`: none); then `PeakaTimeoutError`.
   * For the `...AndWait` helpers it starts after the trigger; the baseline read and the trigger
   * have the client's per-request timeout. Default: 600000 (10 min).
   */
  timeout?: number | undefined;
  /** Stops waiting (and the read under way) with `PeakaAbortError`. Default: none. */
  signal?: AbortSignal | undefined;
  /**
   * Called with every status read of the run waited for and its normalized state (`RUNNING`,
   * `COMPLETED`, ...). Statuses that still show an earlier run are not reported. Default: none.
   */
  onProgress?: ((status: S, state: string) => void) | undefined;
}

/** A job to wait on: how to read its status, which run to follow and how to judge it. */
export interface Job<S> {
  /** Used in error messages, e.g. "cache sync 3f9d…". */
  name: string;
  /** Reads the current status; must honour `signal`. */
  read(signal: AbortSignal): Promise<S>;
  /** The raw state of a status (before normalization). */
  stateOf(status: S): string;
  /**
   * Judges a status of the run waited for, given its normalized state and the whole status.
   * Unknown states should be "pending".
   */
  verdict(state: string, status: S): JobVerdict;
  /**
   * Whether a status shows the run waited for. Right after a trigger Peaka may still serve the
   * previous run's final status; statuses for which this returns false are neither judged nor
   * reported, and a run that never shows up ends at the deadline with a `PeakaTimeoutError` saying
   * so. Default: every status shows it.
   */
  isRun?(status: S): boolean;
}

export const POLL_DEFAULTS = { interval: 1000, backoff: 1.5, maxInterval: 15_000, timeout: 600_000 } as const;

type Delays = Pick<PollOptions<unknown>, "interval" | "backoff" | "maxInterval">;
type CheckedDelays = { interval: number; backoff: number; maxInterval: number };

/** The successive waits of a poll: interval, interval*backoff, ... capped at maxInterval. */
export function pollDelays(options: Delays, count: number): number[] {
  const { interval, backoff, maxInterval } = checkDelays(options);
  const out: number[] = [];
  for (let i = 0, wait = interval; i < count; i++, wait *= backoff) out.push(Math.min(Math.round(wait), maxInterval));
  return out;
}

function checkDelays(options: Delays): CheckedDelays {
  return {
    interval: checkDelay("interval", options.interval, POLL_DEFAULTS.interval),
    backoff: checkFactor("backoff", options.backoff, POLL_DEFAULTS.backoff),
    maxInterval: checkDelay("maxInterval", options.maxInterval, POLL_DEFAULTS.maxInterval),
  };
}

/** Checks every poll option; bad values throw `PeakaInvalidArgumentError` naming the option. */
export function checkPollOptions<S>(options: PollOptions<S> | undefined): PollOptions<S> & CheckedDelays & { timeout: number } {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new PeakaInvalidArgumentError(`Waiter options must be an object; got ${showValue(options)}.`);
  }
  const o = options ?? {};
  const signal = checkSignal("signal", o.signal);
  const onProgress = checkFunction<PollOptions<S>["onProgress"]>("onProgress", o.onProgress);
  return {
    ...checkDelays(o),
    timeout: checkTimeout("timeout", o.timeout, POLL_DEFAULTS.timeout),
    ...(signal ? { signal } : {}),
    ...(onProgress ? { onProgress } : {}),
  };
}

/**
 * Polls a job until its run succeeds (resolves with the final status), fails (rejects with
 * `PeakaJobFailedError` carrying the last status), the deadline passes (`PeakaTimeoutError`, whose
 * message says whether the run was ever seen) or the caller aborts (`PeakaAbortError`).
 */
export async function poll<S>(job: Job<S>, options?: PollOptions<S>): Promise<S> {
  const o = checkPollOptions(options);
  const timeout = o.timeout;
  const controller = new AbortController();
  const outer = o.signal;
  if (outer?.aborted) throw new PeakaAbortError(`Stopped waiting for ${job.name}`, { cause: outer.reason });
  // The caller's signal and the deadline as one signal (AbortSignal.any): no listener on the caller's
  // signal, so one signal shared by many waiters collects none.
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  let last: { status: S; state: string } | undefined;
  let seen = false;
  let deadlinePassed = false;
  const cancelDeadline = setTimer(() => {
    deadlinePassed = true;
    controller.abort();
  }, timeout);
  const timedOut = (cause?: unknown) => {
    const where = !last
      ? ""
      : seen
        ? `; it was still ${last.state}`
        : `: the new run never started (the status still showed the previous run, ${last.state})`;
    return new PeakaTimeoutError(`Gave up waiting for ${job.name} after ${timeout} ms${where}`, timeout, { cause, lastStatus: last?.status });
  };
  try {
    for (let wait = o.interval; ; wait = Math.min(wait * o.backoff, o.maxInterval)) {
      let status: S;
      try {
        status = await job.read(signal);
      } catch (error) {
        if (deadlinePassed) throw timedOut(error);
        if (outer?.aborted) throw new PeakaAbortError(`Stopped waiting for ${job.name}`, { cause: outer.reason });
        throw error;
      }
      const state = normalizeStatus(job.stateOf(status));
      last = { status, state };
      if (!job.isRun || job.isRun(status)) {
        seen = true;
        o.onProgress?.(status, state);
        const verdict = job.verdict(state, status);
        if (verdict === "succeeded") return status;
        if (verdict === "failed") throw new PeakaJobFailedError(job.name, state, status);
      }
      try {
        await sleep(Math.min(Math.round(wait), o.maxInterval), signal);
      } catch (error) {
        if (deadlinePassed) throw timedOut();
        throw new PeakaAbortError(`Stopped waiting for ${job.name}`, { cause: outer?.reason ?? error });
      }
    }
  } finally {
    cancelDeadline();
  }
}
