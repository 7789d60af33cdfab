// The one error hierarchy of @peaka/api, built in one place (`createApiError`). No error ever holds
// the API key: requests are described by method and URL path only, never by their headers.
//
//   PeakaError
//   ├── PeakaConfigError            bad client options (missing key, unknown region, ...)
//   ├── PeakaApiError               the API answered with a non-2xx status
//   │   ├── PeakaBadRequestError        400
//   │   ├── PeakaAuthenticationError    401
//   │   ├── PeakaPermissionDeniedError  403
//   │   ├── PeakaNotFoundError          404
//   │   ├── PeakaConflictError          409
//   │   ├── PeakaRateLimitError         429
//   │   └── PeakaServerError            5xx
//   ├── PeakaConnectionError        no answer: refused, reset, DNS, TLS (cause: the original failure)
//   ├── PeakaRedirectError          the answers redirected more times than fetch follows (a loop): final
//   ├── PeakaTimeoutError           an attempt or a wait ran out of time
//   ├── PeakaAbortError             the caller's AbortSignal fired
//   ├── PeakaResponseError          a 2xx answer whose body could not be read as promised
//   ├── PeakaStreamError            an event stream reported an error mid-way
//   ├── PeakaInvalidArgumentError   an argument cannot be sent as given (e.g. a path parameter "..")
//   └── PeakaJobFailedError         a job being waited on ended in a failed state

/** Base class of every error @peaka/api throws. */
export class PeakaError extends Error {
  override name = "PeakaError";
}

/** The options passed to `createPeakaClient` are unusable. */
export class PeakaConfigError extends PeakaError {
  override name = "PeakaConfigError";
}

/** An argument cannot be sent as given. */
export class PeakaInvalidArgumentError extends PeakaError {
  override name = "PeakaInvalidArgumentError";
}

/** Where a request went: enough to find it in logs, never its headers. */
export interface RequestInfo {
  /** HTTP method, upper case. */
  method: string;
  /** URL path and query of the request, without origin. Query values of key-like names are redacted. */
  path: string;
}

const EXCERPT = 500;
const SECRET_QUERY = /^(api[-_]?key|key|token|access[-_]?token|secret|password|authorization)$/i;

/**
 * Method and path of a request, with key-like query values replaced by `[redacted]`. With `base` (the
 * client's base URL), the base URL's own path (`/api/v1`) is left out: the path is the operation's, as
 * in the spec (`/data/projects/p1/catalogs`).
 */
export function describeRequest(method: string, url: string, base?: string): RequestInfo {
  let path = url;
  try {
    const u = new URL(url);
    for (const name of [...u.searchParams.keys()]) {
      if (SECRET_QUERY.test(name)) u.searchParams.set(name, "[redacted]");
    }
    path = u.pathname + u.search;
    // A base URL is kept without a trailing slash (options.ts): its path is "/api/v1", or "/" for none.
    if (base && url.startsWith(base)) path = path.slice(new URL(base).pathname.replace(/\/$/, "").length);
  } catch {
    // not an absolute URL: keep what we were given
  }
  return { method: method.toUpperCase(), path };
}

/** What an error knows of the operation that failed (from the spec, through the generated operation). */
export interface OperationInfo {
  /** The operation's operationId, e.g. `getCacheStatus`. */
  operationId?: string | undefined;
  /** The operation's path template, e.g. `/data/projects/{projectId}/cache/{cacheId}/status`. */
  pathTemplate?: string | undefined;
}

interface ApiErrorInit extends OperationInfo {
  status: number;
  method: string;
  url: string;
  /** The client's base URL, whose own path is left out of `path`. */
  base?: string | undefined;
  headers?: Headers;
  bodyText: string;
  /** The operation accepts only a partner key (`x-peaka-key-types: [partner]` in the spec). */
  partnerKeyOnly?: boolean | undefined;
}

/** Peaka answered with a non-2xx status. */
export class PeakaApiError extends PeakaError {
  override name = "PeakaApiError";
  /** HTTP status of the answer. */
  readonly status: number;
  /**
   * Peaka's error code as sent, a number or a string (`errorCode` of the body, else its `code`);
   * undefined when the body carried neither. It is not always the HTTP status.
   */
  readonly errorCode: string | number | undefined;
  /**
   * The name of the exception Peaka reported (the body's `error`, e.g. `WrongRequestException`), when
   * sent. Some answers carry it with `errorCode: null` and nothing else to branch on.
   */
  readonly exception: string | undefined;
  /**
   * The operation that failed, by its operationId in the spec (e.g. `getCacheStatus`); also in the
   * message. Undefined only for an error made by hand with `createApiError` without one.
   */
  readonly operationId: string | undefined;
  /**
   * The operation's path template from the spec (e.g. `/data/projects/{projectId}/cache/{cacheId}/status`):
   * the same for every call of the operation, so errors can be grouped by it. `path` is the concrete one.
   */
  readonly pathTemplate: string | undefined;
  /** HTTP method of the request. */
  readonly method: string;
  /**
   * URL path (and query) of the request as the operation's (e.g. `/data/projects/p1/catalogs`): without
   * the origin and without the base URL's own path (`/api/v1`).
   */
  readonly path: string;
  /** The request id of the answer (`x-request-id` or a similar header), when there is one. */
  readonly requestId: string | undefined;
  /** The raw body text of the answer (at most 64 kB), for bodies that are not Peaka's error JSON. */
  readonly body: string;
  /** Response headers. */
  readonly headers: Headers;

  constructor(init: ApiErrorInit, message?: string) {
    const info = describeRequest(init.method, init.url, init.base);
    const parsed = parseErrorBody(init.bodyText);
    const detail = parsed.message ?? excerpt(init.bodyText);
    // A 403 from an operation only a partner key may call: the likely cause, not a claim about the key sent.
    const hint = init.partnerKeyOnly && init.status === 403 ? "this operation needs a partner key; a project key gets 403" : "";
    super(
      message ??
        `${init.status} ${info.method} ${info.path}${init.operationId ? ` (${init.operationId})` : ""}${hint ? `: ${hint}` : ""}${
          detail ? (hint ? ` (${detail})` : `: ${detail}`) : ""
        }`,
    );
    this.status = init.status;
    this.operationId = init.operationId;
    this.pathTemplate = init.pathTemplate;
    this.errorCode = parsed.errorCode;
    this.exception = parsed.exception;
    this.method = info.method;
    this.path = info.path;
    this.headers = init.headers ?? new Headers();
    this.requestId = requestIdOf(this.headers);
    this.body = init.bodyText.slice(0, 65_536);
  }

  /** Peaka's error message, or an excerpt of the body when it was not Peaka's error JSON. */
  get detail(): string {
    return parseErrorBody(this.body).message ?? excerpt(this.body);
  }

  toJSON() {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      errorCode: this.errorCode,
      exception: this.exception,
      operationId: this.operationId,
      pathTemplate: this.pathTemplate,
      method: this.method,
      path: this.path,
      requestId: this.requestId,
    };
  }
}

export class PeakaBadRequestError extends PeakaApiError {
  override name = "PeakaBadRequestError";
}
export class PeakaAuthenticationError extends PeakaApiError {
  override name = "PeakaAuthenticationError";
}
export class PeakaPermissionDeniedError extends PeakaApiError {
  override name = "PeakaPermissionDeniedError";
  /** True when the operation accepts only a partner key, so a project key can never pass it. */
  readonly partnerKeyOnly: boolean;
  constructor(init: ApiErrorInit, message?: string) {
    super(init, message);
    this.partnerKeyOnly = init.partnerKeyOnly === true;
  }
}
export class PeakaNotFoundError extends PeakaApiError {
  override name = "PeakaNotFoundError";
}
export class PeakaConflictError extends PeakaApiError {
  override name = "PeakaConflictError";
}
export class PeakaRateLimitError extends PeakaApiError {
  override name = "PeakaRateLimitError";
}
export class PeakaServerError extends PeakaApiError {
  override name = "PeakaServerError";
}

/** The error factory: maps a status to its subclass. */
export function createApiError(init: ApiErrorInit): PeakaApiError {
  const s = init.status;
  if (s === 400) return new PeakaBadRequestError(init);
  if (s === 401) return new PeakaAuthenticationError(init);
  if (s === 403) return new PeakaPermissionDeniedError(init);
  if (s === 404) return new PeakaNotFoundError(init);
  if (s === 409) return new PeakaConflictError(init);
  if (s === 429) return new PeakaRateLimitError(init);
  if (s >= 500 && s <= 599) return new PeakaServerError(init);
  return new PeakaApiError(init);
}

/** Reads the body of a non-2xx answer into a typed error; never throws a SyntaxError. */
export async function apiErrorFromResponse(
  response: Response,
  request: Omit<ApiErrorInit, "status" | "headers" | "bodyText">,
): Promise<PeakaApiError> {
  let bodyText = "";
  try {
    bodyText = await response.text();
  } catch {
    // the connection dropped mid-body: keep what we have (nothing)
  }
  return createApiError({ ...request, status: response.status, headers: response.headers, bodyText });
}

/** No answer came: the connection was refused, reset or dropped. */
export class PeakaConnectionError extends PeakaError {
  override name = "PeakaConnectionError";
  readonly method: string;
  readonly path: string;
  constructor(request: RequestInfo, options: { cause: unknown }) {
    super(`${request.method} ${request.path}: connection failed (${causeText(options.cause)})`, options);
    this.method = request.method;
    this.path = request.path;
  }
}

/**
 * The server redirected more times than fetch follows (20 on Node.js), usually a redirect loop. Final:
 * never retried, since the same request would loop again.
 */
export class PeakaRedirectError extends PeakaError {
  override name = "PeakaRedirectError";
  readonly method: string;
  readonly path: string;
  constructor(request: RequestInfo, options: { cause: unknown }) {
    super(`${request.method} ${request.path}: too many redirects (${causeText(options.cause)})`, options);
    this.method = request.method;
    this.path = request.path;
  }
}

/** An attempt, or a wait for a job, took longer than allowed. */
export class PeakaTimeoutError extends PeakaError {
  override name = "PeakaTimeoutError";
  /** The limit that was reached, in milliseconds. */
  readonly timeoutMs: number;
  /** For a job wait that reached its deadline: the last status the API returned. */
  readonly lastStatus: unknown;
  constructor(message: string, timeoutMs: number, options?: { cause?: unknown; lastStatus?: unknown }) {
    super(message, options);
    this.timeoutMs = timeoutMs;
    this.lastStatus = options?.lastStatus;
  }
}

/**
 * The caller's AbortSignal fired. `cause` holds the signal's reason, and the message ends with it
 * (`GET /info was aborted: shutting down`) when it is an Error or a string.
 */
export class PeakaAbortError extends PeakaError {
  override name = "PeakaAbortError";
  constructor(message = "The operation was aborted", options?: { cause?: unknown }) {
    // The reason's text: an Error's message (a DOMException's too), a string as it is.
    const reason = options?.cause;
    const text = reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "";
    super(text ? `${message}: ${text}` : message, options);
  }
}

/** A 2xx answer whose body was not what the operation promises (e.g. truncated JSON). */
export class PeakaResponseError extends PeakaError {
  override name = "PeakaResponseError";
  readonly status: number;
  readonly method: string;
  readonly path: string;
  /** An excerpt of the body that could not be read. */
  readonly body: string;
  constructor(init: { status: number; method: string; url: string; bodyText: string; base?: string | undefined }, options?: { cause?: unknown }) {
    const info = describeRequest(init.method, init.url, init.base);
    super(
      init.bodyText === ""
        ? `${init.status} ${info.method} ${info.path}: the answer is empty, but the operation promises JSON`
        : `${init.status} ${info.method} ${info.path}: the answer is not valid JSON: ${excerpt(init.bodyText)}`,
      options,
    );
    this.status = init.status;
    this.method = info.method;
    this.path = info.path;
    this.body = excerpt(init.bodyText);
  }
}

/** An event stream sent an `error` event. */
export class PeakaStreamError extends PeakaError {
  override name = "PeakaStreamError";
  readonly errorCode: string | number | undefined;
  readonly method: string;
  readonly path: string;
  constructor(request: RequestInfo, message: string, errorCode?: string | number) {
    super(`${request.method} ${request.path}: the stream reported an error: ${message}`);
    this.method = request.method;
    this.path = request.path;
    this.errorCode = errorCode;
  }

  static from(request: RequestInfo, data: unknown): PeakaStreamError {
    if (data && typeof data === "object") {
      // The same fields as an error body: `errorCode` else `code`, `message` else `reason`.
      const parsed = parseErrorBody(JSON.stringify(data));
      return new PeakaStreamError(request, parsed.message ?? JSON.stringify(data).slice(0, 500), parsed.errorCode);
    }
    return new PeakaStreamError(request, String(data).slice(0, 500));
  }
}

/** A job ended in a failed state. `lastStatus` is the final status object the API returned. */
export class PeakaJobFailedError<S = unknown> extends PeakaError {
  override name = "PeakaJobFailedError";
  /** The job's final state, normalized (e.g. `FAILED`, `CANCELLED`, `STUCK`). */
  readonly state: string;
  /** The last status body the API returned. */
  readonly lastStatus: S;
  constructor(job: string, state: string, lastStatus: S) {
    super(`${job} ended in state ${state}`);
    this.state = state;
    this.lastStatus = lastStatus;
  }
}

/**
 * A paged operation answered so that paging cannot go on safely: the same page or cursor came back
 * again (the server ignores the paging parameter) or the cursor for the next page is missing.
 * Thrown by the `iterate...` helpers instead of looping forever or stopping silently.
 */
export class PeakaPaginationError extends PeakaError {
  override name = "PeakaPaginationError";
  /** The paged operation, by operationId (e.g. `listExports`). */
  readonly operation: string;
  constructor(operation: string, message: string) {
    super(`${operation}: ${message}`);
    this.operation = operation;
  }
}

// No field of Peaka's error body is guaranteed: routes send `errorCode` (a number, a symbolic string
// such as "TABLE_NOT_CACHEABLE", or null) with `message` and sometimes `error` (an exception name),
// others `code` with `message` and/or `reason` (see spec/EVIDENCE.md). Read whichever came (a null
// code counts as absent); an empty or non-JSON body gives none.
function parseErrorBody(text: string): {
  errorCode?: string | number | undefined;
  message?: string | undefined;
  exception?: string | undefined;
} {
  if (!text) return {};
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object") {
      const { errorCode, code, message, reason, error } = body as Record<string, unknown>;
      const codeOf = (v: unknown) => (typeof v === "string" || typeof v === "number" ? v : undefined);
      const textOf = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
      return {
        errorCode: codeOf(errorCode) ?? codeOf(code),
        message: textOf(message) ?? textOf(reason),
        exception: textOf(error),
      };
    }
  } catch {
    // not JSON (an HTML page from a proxy, a truncated body): the caller uses an excerpt
  }
  return {};
}

function excerpt(text: string): string {
  const flat = text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}…` : flat;
}

function requestIdOf(headers: Headers): string | undefined {
  for (const name of ["x-request-id", "x-amzn-requestid", "x-correlation-id", "request-id", "cf-ray"]) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? `${cause.message}: ${code}` : cause.message;
  }
  return String(cause);
}
