// The one transport every entry point sends through (resource methods, operation functions, the
// low-level openapi-fetch calls, iterators, waiters, the event stream): authentication, SDK headers, a
// timeout per attempt, the caller's signal and the request's own signal combined with
// `AbortSignal.any` (no listener is ever added to a caller's signal), retries with backoff and
// Retry-After, logging with redaction, and typed errors for failures that never produced a response.
// Non-2xx answers are returned (their body cleaned of the API key); the layer above decides whether
// they throw.
import {
  describeRequest,
  PeakaAbortError,
  PeakaConnectionError,
  PeakaError,
  PeakaRedirectError,
  PeakaTimeoutError,
  type RequestInfo,
} from "../errors.js";
import { checkApiKey, type ApiKeySource, type ResolvedOptions } from "../options.js";
import { VERSION } from "../version.js";
import { AttemptTimer, type Attempt } from "./attempt.js";
import { createLogSink, redactHeaders } from "./log.js";
import { createSecrets, redactFields, type Secrets } from "./redact.js";
import { refreshKey } from "./refresh.js";
import { backoffDelay, IDEMPOTENT_METHODS, parseRetryAfter, RETRYABLE_STATUSES, sleep } from "./retry.js";
import { checkBoolean, checkCount, checkHeaders, checkSignal, checkTimeout, showValue } from "./validate.js";
import { PeakaInvalidArgumentError } from "../errors.js";

/** Options that apply to one request. */
export interface RequestOptions {
  /** Aborts the request, the reading of its body and any wait between retries. Default: none. */
  signal?: AbortSignal | undefined;
  /**
   * Time limit of each attempt in milliseconds, from sending until the answer's body has been read;
   * for an event stream, the longest wait for the headers and then for each next chunk. `Infinity` for
   * none. Default: the client's `timeout`.
   */
  timeout?: number | undefined;
  /** Retries for this request (a whole number, 0 or more). Default: the client's `maxRetries`. */
  maxRetries?: number | undefined;
  /**
   * Retry this request even though its method (POST, PATCH) is not idempotent and the operation is not
   * marked safe to repeat. Only set it when repeating the request is harmless. Default: false.
   */
  retryNonIdempotent?: boolean | undefined;
  /** API key for this request only (e.g. a project key instead of the partner key). Default: the client's. */
  apiKey?: ApiKeySource | undefined;
  /** Headers for this request only; they win over the client's. Default: none. */
  headers?: Record<string, string> | undefined;
}

export type { Attempt } from "./attempt.js";

export const SDK_HEADER = "X-Peaka-Client";
export const SDK_AGENT = `peaka-api-typescript/${VERSION}`;

/** What a Response accepts as its status text (HTTP's reason-phrase). */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Browsers refuse a script-set User-Agent; everywhere else we send one. */
const CAN_SET_USER_AGENT = typeof (globalThis as { document?: unknown }).document === "undefined";

/** A request as the entry points hand it over: built once, sent once per attempt. */
export interface PreparedRequest {
  method: string;
  url: string;
  /** The client's base URL (`url` starts with it): messages show the path after the base URL's own path. */
  base?: string | undefined;
  /** A Headers (from openapi-fetch's request) or a record of header names and values. */
  headers: Headers | Record<string, string>;
  /** Sent as it is on every attempt (a form is encoded once first). */
  body?: string | FormData | ArrayBuffer | ArrayBufferView | undefined;
  /** The request's own signal (the openapi-fetch `Request`'s), combined with the caller's. */
  signal?: AbortSignal | null | undefined;
  /** The operation is marked `x-peaka-safe-to-repeat`: retried like a GET although it is a POST. */
  repeatable?: boolean | undefined;
  /**
   * The answer is read as a stream after `send` returns (an event stream): once the headers are in,
   * the time limit becomes an idle limit per chunk, counted from each `Attempt.touch` (the reader waits)
   * to the next `Attempt.pause` (a chunk came), and ends with `Attempt.done`.
   */
  stream?: boolean | undefined;
}

/**
 * Reads a final answer (a 2xx or 3xx as it came, a 4xx/5xx with its body already read and cleaned)
 * under the attempt's time limit. A read that fails with a timeout or a connection error is retried
 * like a failed request, where the request may be repeated.
 */
export type ReadAnswer<T> = (response: Response, attempt: Attempt) => Promise<T>;

export interface Transport {
  /**
   * Sends a request with the client's options merged with `perRequest`. Without `read` it resolves
   * with the answer once its headers are in (the time limit then ends); with `read`, with what `read`
   * makes of the answer, under the time limit.
   */
  send(request: PreparedRequest, perRequest?: RequestOptions): Promise<Response>;
  send<T>(request: PreparedRequest, perRequest: RequestOptions | undefined, read: ReadAnswer<T>): Promise<T>;
  /** Keys this client has sent, to clean server-supplied text of them. */
  readonly secrets: Secrets;
  /** The client's base URL. */
  readonly baseUrl: string;
  /** A transport with other defaults (key, headers, timeout, retries) sharing everything else. */
  derive(overrides: RequestOptions): Transport;
}

/** Checks per-request options; a bad one throws PeakaInvalidArgumentError naming it. */
export function checkRequestOptions(per: unknown): RequestOptions {
  if (typeof per !== "object" || per === null) {
    throw new PeakaInvalidArgumentError(`Request options must be an object, e.g. { signal, timeout }; got ${showValue(per)}.`);
  }
  const o = per as RequestOptions;
  checkSignal("signal", o.signal);
  checkTimeout("timeout", o.timeout, 1);
  checkCount("maxRetries", o.maxRetries, 0);
  checkBoolean("retryNonIdempotent", o.retryNonIdempotent, false);
  checkHeaders("headers", o.headers);
  if (o.apiKey !== undefined) {
    if (typeof o.apiKey === "string") {
      try {
        checkApiKey(o.apiKey);
      } catch (error) {
        throw new PeakaInvalidArgumentError(`\`apiKey\`: ${(error as Error).message}`);
      }
    } else if (typeof o.apiKey !== "function") {
      throw new PeakaInvalidArgumentError(`\`apiKey\` must be a string or a function that returns one; got ${showValue(o.apiKey)}.`);
    }
  }
  return o;
}

/**
 * Whether fetch gave up because the answers redirected too often (undici: "redirect count exceeded",
 * Bun: "redirected too many times", Deno: "maximum number of redirects"). Browsers do not say.
 */
function isRedirectLimit(error: unknown): boolean {
  const text = (e: unknown) => (e instanceof Error ? `${e.message} ${String((e as { code?: unknown }).code ?? "")}` : "");
  const cause = error instanceof Error ? error.cause : undefined;
  return /redirect count exceeded|too ?many ?redirects|redirected too many times|maximum number of redirects/i.test(`${text(error)} ${text(cause)}`);
}

function describeBody(body: NonNullable<PreparedRequest["body"]>): string {
  if (typeof body === "string") return body;
  if (body instanceof FormData) return `[multipart: ${[...body.keys()].join(", ")}]`;
  return new TextDecoder().decode(body);
}

/** Per-request settings with the client's defaults; shared by a client and the transports derived from it. */
interface Defaults {
  apiKey: ApiKeySource;
  headers: Record<string, string>;
  maxRetries: number;
  timeout: number;
}

export function createTransport(options: ResolvedOptions, secrets: Secrets = createSecrets(), defaults?: Defaults): Transport {
  const sink = createLogSink(options.logger, options.logLevel);
  const base: Defaults = defaults ?? {
    apiKey: options.apiKey,
    headers: options.headers,
    maxRetries: options.maxRetries,
    timeout: options.timeout,
  };
  // The client's headers with lower-case names, merged once; a request's own headers win.
  const baseHeaders: Record<string, string> = {};
  for (const name in base.headers) baseHeaders[name.toLowerCase()] = base.headers[name] as string;
  // A string key was checked when the options were; it is remembered for redaction now.
  if (typeof base.apiKey === "string") secrets.add(base.apiKey);
  const backoff = options.retryBackoff;
  const fetchImpl = options.fetch;
  const log = (level: "debug" | "info" | "warn", message: string, fields: Record<string, unknown>) =>
    sink.log(level, message, redactFields(secrets, fields));

  async function resolveKey(source: ApiKeySource): Promise<string> {
    if (source === base.apiKey && typeof source === "string") return source;
    const key = typeof source === "function" ? await source() : source;
    secrets.add(checkApiKey(key));
    return key as string;
  }

  /** Sets `Authorization` for one attempt: the key is resolved per attempt, so a key function sees every retry. */
  async function send<T>(request: PreparedRequest, per?: RequestOptions, read?: ReadAnswer<T>): Promise<T | Response> {
    if (per !== undefined) checkRequestOptions(per);
    const method = request.method;
    // Method and path for messages and logs, worked out only when one is written.
    let described: RequestInfo | undefined;
    const info = () => (described ??= describeRequest(method, request.url, request.base ?? options.baseUrl));
    const maxRetries = per?.maxRetries ?? base.maxRetries;
    const timeout = per?.timeout ?? base.timeout;
    const canRetry = IDEMPOTENT_METHODS.has(method) || request.repeatable === true || per?.retryNonIdempotent === true;
    // The caller's signal and the request's own, as one signal; never a listener on either.
    const outer = per?.signal ?? undefined;
    const own = request.signal ?? undefined;
    const callerSignal = outer && own ? AbortSignal.any([outer, own]) : (outer ?? own);
    const aborted = () => new PeakaAbortError(`${method} ${info().path} was aborted`, { cause: callerSignal?.reason });
    const timeoutText = () => `${method} ${info().path} timed out after ${timeout} ms`;
    const timedOutError = (cause: unknown) => new PeakaTimeoutError(timeoutText(), timeout, { cause });
    // A body read that failed: the caller's abort, our own typed error, the attempt's timeout, or the connection.
    const readFailure = (error: unknown, timedOut: boolean): PeakaError =>
      callerSignal?.aborted
        ? aborted()
        : error instanceof PeakaError
          ? error
          : timedOut
            ? timedOutError(error)
            : new PeakaConnectionError(info(), { cause: error });

    // A form is encoded once, so that every attempt sends the same bytes with the same boundary.
    let body = request.body;
    let formType: string | null = null;
    if (body instanceof FormData) {
      const encoded = new Response(body);
      formType = encoded.headers.get("content-type");
      body = await encoded.arrayBuffer();
    }
    // Headers as one plain record with lower-case names: fetch builds its Headers from it once.
    const headers: Record<string, string> = { ...baseHeaders };
    if (request.headers instanceof Headers) request.headers.forEach((value, name) => (headers[name] = value));
    else for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name] as string;
    if (per?.headers) for (const name in per.headers) headers[name.toLowerCase()] = per.headers[name] as string;
    if (formType) headers["content-type"] = formType;
    const keySource = per?.apiKey !== undefined || headers["authorization"] === undefined ? (per?.apiKey ?? base.apiKey) : undefined;
    headers["x-peaka-client"] = SDK_AGENT;
    if (CAN_SET_USER_AGENT && headers["user-agent"] === undefined) headers["user-agent"] = SDK_AGENT;
    // After a 401, the fresh value a key function gave; used for the rest of this request's attempts.
    let refreshed: string | undefined;

    for (let attempt = 1; ; attempt++) {
      if (callerSignal?.aborted) throw aborted();
      // Resolved per attempt: a key function sees every retry (rotated keys are picked up).
      const key = keySource === undefined ? undefined : (refreshed ?? (await resolveKey(keySource)));
      if (key !== undefined) headers["authorization"] = `Bearer ${key}`;

      // The attempt's own timer: it runs until the body has been read (`done`), or, for a stream, as an
      // idle limit restarted by each chunk (`touch`). Its firing aborts the request and the body read.
      const clock = new AttemptTimer(timeout, timeoutText, readFailure);
      const timer = clock.signal;
      const signal = timer ? (callerSignal ? AbortSignal.any([callerSignal, timer]) : timer) : callerSignal;
      const init: RequestInit = { method, headers };
      if (signal) init.signal = signal;
      if (body !== undefined) init.body = body as BodyInit;
      if (sink.enabled("debug")) {
        log("debug", "peaka request", {
          method,
          path: info().path,
          attempt,
          headers: redactHeaders(headers),
          ...(options.logBodies && body !== undefined ? { body: describeBody(body) } : {}),
        });
      }

      const started = sink.enabled("info") ? Date.now() : 0;
      let response: Response | undefined;
      let failure: PeakaError | undefined;
      try {
        // (url, init), not a Request: fetch builds its one request from these, with no second copy
        // of the body. Called unbound: browsers throw "Illegal invocation" with `options` as `this`.
        response = await fetchImpl(request.url, init);
        // undici hands over any status its parser accepts (up to 999); HTTP and Response stop at 599.
        if (response.status > 599) {
          void response.body?.cancel().catch(() => undefined);
          throw new TypeError(`invalid response status ${response.status}`);
        }
      } catch (error) {
        failure = callerSignal?.aborted
          ? aborted()
          : clock.timedOut
            ? timedOutError(error)
            : error instanceof PeakaError
              ? error
              : isRedirectLimit(error)
                ? new PeakaRedirectError(info(), { cause: error })
                : new PeakaConnectionError(info(), { cause: error });
      }
      if (!read || failure) clock.pause();

      let retryable =
        canRetry &&
        attempt <= maxRetries &&
        (response ? RETRYABLE_STATUSES.has(response.status) : failure instanceof PeakaConnectionError || failure instanceof PeakaTimeoutError);
      const fields = () => ({
        method,
        path: info().path,
        status: response?.status,
        attempt,
        durationMs: Date.now() - started,
        ...(failure ? { error: failure.name } : {}),
      });
      if (!retryable) {
        if (sink.enabled("info")) log(failure || (response && response.status >= 400) ? "warn" : "info", "peaka request", fields());
        if (failure) throw failure;
        // A 401 with a key function: ask it once for a fresh value and send the request again (a
        // refused credential means nothing was done, so this holds for every method).
        if (response?.status === 401 && typeof keySource === "function" && refreshed === undefined && key !== undefined) {
          clock.done();
          await response.body?.cancel().catch(() => undefined);
          refreshed = await refreshKey(keySource, key);
          secrets.add(checkApiKey(refreshed));
          log("info", "peaka request, 401: sending again with a fresh credential", { method, path: info().path, attempt });
          attempt--; // the repeat is not a retry: it does not use up maxRetries
          continue;
        }
        let answer = response as Response;
        if (answer.status >= 400) answer = await cleanErrorResponse(answer);
        if (!read) return answer;
        // The body is read under the attempt's limit; a stream's reader takes the timer over.
        if (request.stream) clock.pause();
        try {
          const value = await read(answer, clock);
          if (!request.stream) clock.done();
          return value;
        } catch (error) {
          clock.done();
          failure = clock.failure(error);
          retryable = canRetry && attempt <= maxRetries && (failure instanceof PeakaConnectionError || failure instanceof PeakaTimeoutError);
          if (!retryable) throw failure;
          response = undefined;
        }
      }
      clock.done();
      const wait =
        parseRetryAfter(response?.headers.get("retry-after") ?? null, backoff.maxRetryAfterMs) ?? backoffDelay(attempt - 1, backoff);
      log("warn", "peaka request, retrying", { ...fields(), retryInMs: wait });
      await response?.body?.cancel().catch(() => undefined);
      try {
        await sleep(wait, callerSignal);
      } catch {
        throw aborted();
      }
    }
  }

  /** An error answer with the keys this client sent removed from its body, whatever the server echoed. */
  async function cleanErrorResponse(response: Response): Promise<Response> {
    let text = "";
    try {
      text = await response.text();
    } catch {
      // the connection dropped mid-body: keep what we have (nothing)
    }
    const headers = new Headers();
    response.headers.forEach((value, name) => {
      try {
        headers.append(name, secrets.redact(value));
      } catch {
        // a name or value fetch passed on but Headers refuses (undici does not check answers): dropped
      }
    });
    const statusText = REASON_PHRASE.test(response.statusText) ? response.statusText : "";
    return new Response(secrets.redact(text), { status: response.status, statusText, headers });
  }

  return {
    send: send as Transport["send"],
    secrets,
    baseUrl: options.baseUrl,
    derive(overrides) {
      checkRequestOptions(overrides);
      return createTransport(options, secrets, {
        apiKey: overrides.apiKey ?? base.apiKey,
        headers: overrides.headers ? { ...base.headers, ...overrides.headers } : base.headers,
        maxRetries: overrides.maxRetries ?? base.maxRetries,
        timeout: overrides.timeout ?? base.timeout,
      });
    },
  };
}
