// The one polling primitive behind every job waiter: read a status, classify it, wait with backoff,
// stop at a deadline or when the caller aborts.
import { PeakaAbortError, PeakaJobFailedError, PeakaTimeoutError } from "./errors.js";
import { sleep } from "./internal/retry.js";
import { normalizeStatus } from "./normalize.js";

/** Where a job stands, as far as waiting on it is concerned. */
export type JobVerdict = "pending" | "succeeded" | "failed";

/** Options of every job waiter. */
export interface PollOptions<S> {
  /** Wait before the second read, in ms; later waits grow by `backoff`. Default: 1000. */
  interval?: number;
  /** Factor each wait is multiplied by. Default: 1.5. */
  backoff?: number;
  /** Longest wait between two reads, in ms. Default: 15000. */
  maxInterval?: number;
  /** Overall deadline from the first read, in ms; then `PeakaTimeoutError`. Default: 600000 (10 min). */
  timeout?: number;
  /** Stops waiting (and the read under way) with `PeakaAbortError`. Default: none. */
  signal?: AbortSignal;
  /** Called with every status read and its normalized state (`RUNNING`, `COMPLETED`, ...). Default: none. */
  onProgress?: (status: S, state: string) => void;
}

/** A job to wait on: how to read its status and how to judge it. */
export interface Job<S> {
  /** Used in error messages, e.g. "cache sync 3f9d…". */
  name: string;
  /** Reads the current status; must honour `signal`. */
  read(signal: AbortSignal): Promise<S>;
  /** The raw state of a status (before normalization). */
  stateOf(status: S): string;
  /** Judges a normalized state. Unknown states should be "pending". */
  verdict(state: string): JobVerdict;
}

export const POLL_DEFAULTS = { interval: 1000, backoff: 1.5, maxInterval: 15_000, timeout: 600_000 } as const;

/** The successive waits of a poll: interval, interval*backoff, ... capped at maxInterval. */
export function pollDelays(options: Pick<PollOptions<unknown>, "interval" | "backoff" | "maxInterval">, count: number): number[] {
  const { interval = POLL_DEFAULTS.interval, backoff = POLL_DEFAULTS.backoff, maxInterval = POLL_DEFAULTS.maxInterval } = options;
  const out: number[] = [];
  for (let i = 0, wait = interval; i < count; i++, wait *= backoff) out.push(Math.min(Math.round(wait), maxInterval));
  return out;
}

/**
 * Polls a job until it succeeds (resolves with the final status), fails (rejects with
 * `PeakaJobFailedError` carrying the last status), the deadline passes (`PeakaTimeoutError`) or the
 * caller aborts (`PeakaAbortError`).
 */
export async function poll<S>(job: Job<S>, options: PollOptions<S> = {}): Promise<S> {
  const timeout = options.timeout ?? POLL_DEFAULTS.timeout;
  const controller = new AbortController();
  const outer = options.signal;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) throw new PeakaAbortError(`Stopped waiting for ${job.name}`, { cause: outer.reason });
  outer?.addEventListener("abort", onAbort, { once: true });
  let last: { status: S; state: string } | undefined;
  let deadlinePassed = false;
  const deadline = setTimeout(() => {
    deadlinePassed = true;
    controller.abort();
  }, timeout);
  const timedOut = (cause?: unknown) =>
    new PeakaTimeoutError(
      `Gave up waiting for ${job.name} after ${timeout} ms${last ? `; it was still ${last.state}` : ""}`,
      timeout,
      { cause, lastStatus: last?.status },
    );
  try {
    for (let attempt = 0; ; attempt++) {
      let status: S;
      try {
        status = await job.read(controller.signal);
      } catch (error) {
        if (deadlinePassed) throw timedOut(error);
        if (outer?.aborted) throw new PeakaAbortError(`Stopped waiting for ${job.name}`, { cause: outer.reason });
        throw error;
      }
      const state = normalizeStatus(job.stateOf(status));
      last = { status, state };
      options.onProgress?.(status, state);
      const verdict = job.verdict(state);
      if (verdict === "succeeded") return status;
      if (verdict === "failed") throw new PeakaJobFailedError(job.name, state, status);
      try {
        await sleep(pollDelays(options, attempt + 1)[attempt] as number, controller.signal);
      } catch (error) {
        if (deadlinePassed) throw timedOut();
        throw new PeakaAbortError(`Stopped waiting for ${job.name}`, { cause: outer?.reason ?? error });
      }
    }
  } finally {
    clearTimeout(deadline);
    outer?.removeEventListener("abort", onAbort);
  }
}
