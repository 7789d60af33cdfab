// The time limit of one attempt: armed when the request is sent, kept until its answer's body has
// been read (`done`), or, for a stream, turned into an idle limit per chunk (`touch` when the reader
// starts waiting, `pause` when a chunk came). Its firing aborts the attempt's signal, which fetch
// passes on to the request and to the body being read.
import type { PeakaError } from "../errors.js";
import { setTimer } from "./validate.js";

/** The attempt an answer belongs to, for whoever reads its body. */
export interface Attempt {
  /** A stream's reader waits for the next chunk: the idle limit starts from now. */
  touch(): void;
  /** A stream's reader got its chunk and hands it on: the limit stops until the next `touch`. */
  pause(): void;
  /** The body has been read, or will not be: the attempt's time limit stops for good. */
  done(): void;
  /** The typed error for a failed body read: PeakaTimeoutError, PeakaAbortError or PeakaConnectionError. */
  failure(error: unknown): PeakaError;
}

export class AttemptTimer implements Attempt {
  /** Set when the limit was reached (and the signal aborted). */
  timedOut = false;
  /** Aborted when the limit is reached; undefined for no limit (`Infinity`). */
  readonly signal: AbortSignal | undefined;
  readonly #controller: AbortController | undefined;
  readonly #ms: number;
  readonly #message: () => string;
  readonly #failure: (error: unknown, timedOut: boolean) => PeakaError;
  readonly #fire = () => this.#onFire();
  #cancel: (() => void) | undefined;
  #last = 0;
  #over = false;

  constructor(ms: number, message: () => string, failure: (error: unknown, timedOut: boolean) => PeakaError) {
    this.#ms = ms;
    this.#message = message;
    this.#failure = failure;
    if (ms !== Infinity) {
      this.#controller = new AbortController();
      this.signal = this.#controller.signal;
      this.#cancel = setTimer(this.#fire, ms);
    }
  }

  #onFire(): void {
    // Restarted by a `touch` while the timer was pending: wait for what is left of the idle limit.
    const left = this.#last === 0 ? 0 : this.#last + this.#ms - Date.now();
    if (left > 0) {
      this.#cancel = setTimer(this.#fire, left);
      return;
    }
    this.#cancel = undefined;
    this.timedOut = true;
    this.#controller?.abort(new DOMException(this.#message(), "TimeoutError"));
  }

  touch(): void {
    if (this.#over || !this.#controller) return;
    this.#last = Date.now();
    this.#cancel ??= setTimer(this.#fire, this.#ms);
  }

  pause(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  done(): void {
    this.#over = true;
    this.pause();
  }

  failure(error: unknown): PeakaError {
    return this.#failure(error, this.timedOut);
  }
}
