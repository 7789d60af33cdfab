// The fetch wrapper beneath openapi-fetch (whose middleware cannot re-send a request): authentication,
// SDK headers, a timeout per attempt combined with the caller's signal, retries with backoff, logging,
// and typed errors for failures that never produced a response. Non-2xx answers are returned as they
// are; the layer above decides whether they throw.
import {
  describeRequest,
  PeakaAbortError,
  PeakaConnectionError,
  PeakaError,
  PeakaTimeoutError,
} from "../errors.js";
import { checkApiKey, type ApiKeySource, type ResolvedOptions } from "../options.js";
import { VERSION } from "../version.js";
import { createLogSink, redactHeaders } from "./log.js";
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  IDEMPOTENT_METHODS,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  sleep,
  type BackoffOptions,
} from "./retry.js";

/** Options that apply to one request. */
export interface RequestOptions {
  /** Aborts the request (and any wait between retries). Default: none. */
  signal?: AbortSignal;
  /** Time limit of each attempt in milliseconds. Default: the client's `timeout`. */
  timeout?: number;
  /** Retries for this request. Default: the client's `maxRetries`. */
  maxRetries?: number;
  /**
   * Retry this request even though its method (POST, PATCH) is not idempotent. Only set it when
   * repeating the request is harmless. Default: false.
   */
  retryNonIdempotent?: boolean;
  /** API key for this request only (e.g. a project key instead of the partner key). Default: the client's. */
  apiKey?: ApiKeySource;
  /** Headers for this request only; they win over the client's. Default: none. */
  headers?: Record<string, string>;
}

export const SDK_HEADER = "X-Peaka-Client";
export const SDK_AGENT = `peaka-api-typescript/${VERSION}`;

/** Browsers refuse a script-set User-Agent; everywhere else we send one. */
const CAN_SET_USER_AGENT = typeof (globalThis as { document?: unknown }).document === "undefined";

export interface Transport {
  /** Sends a request with the client's options merged with `perRequest`. */
  send(request: Request | PreparedRequest, perRequest?: RequestOptions): Promise<Response>;
  /** A fetch function that sends through this transport with fixed per-request options. */
  fetchWith(perRequest?: RequestOptions): (input: Request) => Promise<Response>;
  /** The fetch function for the client as a whole. */
  readonly fetch: (input: Request) => Promise<Response>;
}

// The caller's signal stays connected to a returned response so that aborting stops its body too;
// whoever reads the body calls `releaseResponse` afterwards, so that a signal shared by many requests
// (a job waiter's) does not collect one listener per request.
const RELEASE = new WeakMap<Response, () => void>();

/**
 * A request not yet built into a `Request`: what the resource methods hand over, so that a call
 * builds one `Request` per attempt and not one more. Its body must be re-sendable as it is.
 */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Headers;
  body?: string | FormData | ArrayBuffer | undefined;
}

/** Disconnects the caller's signal from a response whose body has been read or dropped. */
export function releaseResponse(response: Response): void {
  RELEASE.get(response)?.();
  RELEASE.delete(response);
}

function describeBody(body: string | FormData | ArrayBuffer): string {
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  return `[multipart: ${[...body.keys()].join(", ")}]`;
}

async function resolveKey(source: ApiKeySource): Promise<string> {
  const key = typeof source === "function" ? await source() : source;
  return checkApiKey(key);
}

export function createTransport(options: ResolvedOptions, backoff: BackoffOptions = DEFAULT_BACKOFF): Transport {
  const sink = createLogSink(options.logger, options.logLevel);

  async function send(request: Request | PreparedRequest, per: RequestOptions = {}): Promise<Response> {
    const method = request.method.toUpperCase();
    const info = describeRequest(method, request.url);
    const maxRetries = per.maxRetries ?? options.maxRetries;
    const timeout = per.timeout ?? options.timeout;
    const canRetry = IDEMPOTENT_METHODS.has(method) || per.retryNonIdempotent === true;
    const callerSignal = per.signal ?? undefined;
    // Every attempt must send the body intact: a Request's body is a stream that can be read only
    // once, so it is read into memory first; a prepared request's body can be sent again as it is.
    const prepared = !(request instanceof Request);
    let body = prepared ? request.body : request.body === null ? undefined : await request.arrayBuffer();
    // A form is encoded once, so that every attempt sends the same bytes with the same boundary.
    let formType: string | null = null;
    if (body instanceof FormData) {
      const encoded = new Response(body);
      formType = encoded.headers.get("content-type");
      body = await encoded.arrayBuffer();
    }

    for (let attempt = 1; ; attempt++) {
      if (callerSignal?.aborted) throw new PeakaAbortError(`${method} ${info.path} was aborted`, { cause: callerSignal.reason });
      const headers = new Headers(options.headers);
      request.headers.forEach((value, name) => headers.set(name, value));
      for (const [name, value] of Object.entries(per.headers ?? {})) headers.set(name, value);
      if (formType) headers.set("content-type", formType);
      if (!headers.has("authorization") || per.apiKey !== undefined) {
        headers.set("Authorization", `Bearer ${await resolveKey(per.apiKey ?? options.apiKey)}`);
      }
      headers.set(SDK_HEADER, SDK_AGENT);
      if (CAN_SET_USER_AGENT && !headers.has("user-agent")) headers.set("User-Agent", SDK_AGENT);

      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new PeakaTimeoutError(`${method} ${info.path} timed out after ${timeout} ms`, timeout));
      }, timeout);
      const onCallerAbort = () => controller.abort(callerSignal?.reason);
      callerSignal?.addEventListener("abort", onCallerAbort, { once: true });

      const started = Date.now();
      let response: Response | undefined;
      let failure: PeakaError | undefined;
      try {
        const init: RequestInit & { duplex?: string } = {
          method,
          headers,
          signal: controller.signal,
          redirect: prepared ? "follow" : request.redirect,
        };
        if (body !== undefined) init.body = body;
        if (sink.enabled("debug")) {
          sink.log("debug", "peaka request", {
            method,
            path: info.path,
            attempt,
            headers: redactHeaders(headers),
            ...(options.logBodies && body !== undefined ? { body: describeBody(body) } : {}),
          });
        }
        // Called unbound: browsers throw "Illegal invocation" when fetch gets `options` as its `this`.
        const fetchImpl = options.fetch;
        response = await fetchImpl(new Request(request.url, init));
      } catch (error) {
        if (callerSignal?.aborted) {
          failure = new PeakaAbortError(`${method} ${info.path} was aborted`, { cause: callerSignal.reason });
        } else if (timedOut) {
          failure = new PeakaTimeoutError(`${method} ${info.path} timed out after ${timeout} ms`, timeout, { cause: error });
        } else if (error instanceof PeakaError) {
          failure = error;
        } else {
          failure = new PeakaConnectionError(info, { cause: error });
        }
      } finally {
        clearTimeout(timer);
        if (!response) callerSignal?.removeEventListener("abort", onCallerAbort);
      }

      const durationMs = Date.now() - started;
      const retryable =
        canRetry &&
        attempt <= maxRetries &&
        (response ? RETRYABLE_STATUSES.has(response.status) : failure instanceof PeakaConnectionError || failure instanceof PeakaTimeoutError);
      const fields = {
        method,
        path: info.path,
        status: response?.status,
        attempt,
        durationMs,
        ...(failure ? { error: failure.name } : {}),
      };
      if (!retryable) {
        sink.log(failure || (response && response.status >= 400) ? "warn" : "info", "peaka request", fields);
        if (failure) throw failure;
        if (callerSignal) RELEASE.set(response as Response, () => callerSignal.removeEventListener("abort", onCallerAbort));
        return response as Response;
      }
      callerSignal?.removeEventListener("abort", onCallerAbort);
      const wait =
        parseRetryAfter(response?.headers.get("retry-after") ?? null, backoff.maxRetryAfterMs) ??
        backoffDelay(attempt - 1, backoff);
      sink.log("warn", "peaka request, retrying", { ...fields, retryInMs: wait });
      await response?.body?.cancel().catch(() => undefined);
      await sleep(wait, callerSignal);
    }
  }

  const fetchWith = (per?: RequestOptions) => (input: Request) => send(input, per);
  return { send, fetchWith, fetch: fetchWith() };
}
