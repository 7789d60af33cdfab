import { PeakaConfigError } from "./errors.js";
import { MIN_KEY_LENGTH } from "./internal/redact.js";
import { readEnv, type EnvName } from "./internal/env.js";
import { LOG_LEVELS, stderrLogger, type Logger, type LogLevel } from "./internal/log.js";
import { DEFAULT_BACKOFF, type BackoffOptions } from "./internal/retry.js";
import { checkBoolean, checkCount, checkHeaders, checkTimeout, showValue } from "./internal/validate.js";

function checkLogger(logger: unknown): Logger | undefined {
  if (logger === undefined) return undefined;
  if (typeof logger !== "object" || logger === null) {
    throw new PeakaConfigError(`\`logger\` must be an object with console-like methods (e.g. console); got ${showValue(logger)}.`);
  }
  return logger as Logger;
}

/** The Peaka regions and the base URL each one is served from. */
export const REGIONS = {
  us: "https://partner.peaka.studio/api/v1",
  eu: "https://partner.eu.peaka.studio/api/v1",
} as const;

export type Region = keyof typeof REGIONS;

/** What a credential function is told when it is called. */
export interface ApiKeyContext {
  /**
   * True when Peaka refused the previous value with a 401: return a fresh one (renew an expired
   * OAuth access token, say), not the one kept in a cache.
   */
  refresh: boolean;
}

/**
 * A credential (partner key, project key or a user's OAuth access token), or a function that returns
 * one. The function is called for every request; after a 401 it is called once more with
 * `{ refresh: true }` and the request is repeated with the fresh value.
 */
export type ApiKeySource = string | ((context?: ApiKeyContext) => string | Promise<string>);

/** Options of `createPeakaClient`. */
export interface PeakaClientOptions {
  /**
   * Partner or project API key, or a user's Peaka OAuth access token, sent as
   * `Authorization: Bearer <value>`. A function is called before every request (and every retry), so
   * rotated keys are picked up; when Peaka answers 401 it is called once with `{ refresh: true }` and
   * the request is sent again with the new value (concurrent 401s share that one call). A key shorter
   * than 8 characters is refused (`PeakaConfigError` here, `PeakaInvalidArgumentError` per request,
   * `PeakaConfigError` from the call whose key function returned it): it could not be redacted safely.
   * Default: the `PEAKA_API_KEY` environment variable, where the runtime has one.
   */
  apiKey?: ApiKeySource | undefined;
  /**
   * Which Peaka region to talk to: `"us"` (https://partner.peaka.studio/api/v1) or `"eu"`
   * (https://partner.eu.peaka.studio/api/v1). Ignored when `baseUrl` is given. Default: the
   * `PEAKA_REGION` environment variable (ignored when `PEAKA_BASE_URL` is set), else `"us"`.
   */
  region?: Region | undefined;
  /**
   * Base URL of the API, including the `/api/v1` prefix, e.g. a mock server or a proxy.
   * Overrides `region`. Default: the `PEAKA_BASE_URL` environment variable (unless `region` is
   * passed), else the region's URL.
   */
  baseUrl?: string | undefined;
  /**
   * The fetch implementation to send requests with; it is called as `fetch(url, init)`. Default: the
   * runtime's `globalThis.fetch`, looked up at every call, so a stub installed later (`vi.stubGlobal`,
   * fetch-mock) and, on Node.js, undici's global dispatcher (`setGlobalDispatcher` with a `MockAgent`,
   * `ProxyAgent` or `EnvHttpProxyAgent`) are honoured. `nodeHttpFetch` from `@peaka/api/node-http` is a
   * faster transport on node:http/https for Node.js that honours none of these.
   */
  fetch?: typeof fetch | undefined;
  /** Headers added to every request; a request's own headers win. Default: none. */
  headers?: Record<string, string> | undefined;
  /**
   * How many times a failed request is retried (so at most `maxRetries + 1` attempts). Only
   * idempotent methods (GET, HEAD, PUT, DELETE) are retried unless a request opts in.
   * Default: the `PEAKA_MAX_RETRIES` environment variable, else 2.
   */
  maxRetries?: number | undefined;
  /**
   * Time limit of one attempt, in milliseconds, from sending the request until its answer's body has
   * been read. For an event stream (`peaka.agent.stream`) it is an idle limit instead: the longest wait
   * for the headers and then for each next chunk, so a stream may last longer as long as data keeps
   * coming (time your loop spends between events does not count). With the low-level
   * `parseAs: "stream"` the limit ends at the headers. A timed-out attempt (headers or body) is retried
   * like a connection error where the request may be repeated. `Infinity` means no limit; limits
   * above 2^31-1 ms (about 24.8 days, the most one timer holds) are kept exactly by chaining timers.
   * Default: the `PEAKA_TIMEOUT_MS` environment variable, else 60000 (60 s).
   */
  timeout?: number | undefined;
  /**
   * How long to wait between retries, in milliseconds. The wait before retry `n` (from 0) is a random
   * time in [0, min(`maxDelayMs`, `initialDelayMs` * 2^n)) ("full jitter"). When the answer carries a
   * `Retry-After` header (seconds or an HTTP date), that wait is used instead, cut to `maxRetryAfterMs`.
   * Defaults: `initialDelayMs` 500, `maxDelayMs` 8000, `maxRetryAfterMs` 60000.
   */
  retryBackoff?: { initialDelayMs?: number | undefined; maxDelayMs?: number | undefined; maxRetryAfterMs?: number | undefined } | undefined;
  /**
   * Receives one line per attempt (method, path, status, attempt, duration). Default: none, or, when
   * the `PEAKA_LOG` environment variable names a level, one line per entry on stderr.
   */
  logger?: Logger | undefined;
  /**
   * The least severe level passed to `logger`. Default: the `PEAKA_LOG` environment variable (`"off"`
   * turns logging off), else `"info"`.
   */
  logLevel?: LogLevel | undefined;
  /** Also log request and response bodies (at `"debug"`). Secrets in headers are still redacted. Default: false. */
  logBodies?: boolean | undefined;
}

export interface ResolvedOptions {
  apiKey: ApiKeySource;
  baseUrl: string;
  fetch: typeof fetch;
  headers: Record<string, string>;
  maxRetries: number;
  timeout: number;
  retryBackoff: BackoffOptions;
  logger: Logger | undefined;
  logLevel: LogLevel;
  logBodies: boolean;
}

/**
 * The default fetch: `globalThis.fetch` as it is when the call is made, so that a stub or a dispatcher
 * installed after the client was created is honoured. Called unbound (browsers throw "Illegal
 * invocation" when fetch has another `this`).
 */
const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/** Base URLs already checked, so that one client per tenant key does not parse the same URL again. */
const CHECKED_URLS = new Map<string, string>();

export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_TIMEOUT_MS = 60_000;


/**
 * A variable's value, or undefined when it is unset; a value `ok` refuses throws, naming the variable and
 * showing the value only when it is short (a long one could be a key pasted in the wrong place).
 */
function envValue(name: EnvName, ok: (value: string) => boolean, expected: string): string | undefined {
  const value = readEnv(name);
  if (value === undefined || ok(value)) return value;
  throw new PeakaConfigError(`${name} must be ${expected}; got ${value.length > 32 ? `a value of ${value.length} characters` : JSON.stringify(value)}.`);
}

/** A whole number of `min` or more from a variable (at most 15 digits), or undefined when it is unset. */
const envCount = (name: EnvName, min: number, unit: string): number | undefined => {
  const text = envValue(name, (v) => /^\d{1,15}$/.test(v) && +v >= min, `a whole number${unit}, ${min} or more`);
  return text === undefined ? undefined : +text;
};

/** A base URL, checked; `from` names where it came from. The value is never shown (it could hold a secret). */
function checkBaseUrl(value: string, from: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PeakaConfigError(
      `${from} is not a valid absolute URL. Example: "https://partner.peaka.studio/api/v1".`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PeakaConfigError(`${from} must use http or https; got ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new PeakaConfigError(`${from} may not contain a query, a fragment or credentials.`);
  }
  return url.href.replace(/\/+$/, "");
}

function regionUrl(region: unknown): string {
  if (!Object.hasOwn(REGIONS, region as string)) {
    throw new PeakaConfigError(
      `Unknown region ${JSON.stringify(region)}: use one of ${Object.keys(REGIONS).map((r) => `"${r}"`).join(", ")}, or pass \`baseUrl\`.`,
    );
  }
  return REGIONS[region as Region];
}

/** Printable ASCII (or tabs), at least MIN_KEY_LENGTH (8) characters. */
const PRINTABLE = /^[\t\x20-\x7e]{8,}$/;

/** Checks an API key's characters; the message never contains the key. `name`: what the message calls it. */
export function checkApiKey(key: unknown, name = "The API key"): string {
  // The common case in one test: printable ASCII (or tabs), not blank. The checks below name the problem.
  if (typeof key === "string" && PRINTABLE.test(key) && key.trim() !== "") return key;
  if (typeof key !== "string" || key.trim() === "") {
    throw new PeakaConfigError("The API key is empty: pass a non-empty `apiKey` or set PEAKA_API_KEY.");
  }
  if (/[\r\n]/.test(key)) {
    throw new PeakaConfigError(
      `${name} contains a line break (CR or LF), which cannot be sent in a header; check how it was read (a trailing newline from a file?).`,
    );
  }
  if (/[^\t\x20-\x7e]/.test(key)) {
    throw new PeakaConfigError(`${name} contains a character that cannot be sent in a header.`);
  }
  if (key.length < MIN_KEY_LENGTH) {
    throw new PeakaConfigError(
      `${name} has ${key.length} characters, fewer than ${MIN_KEY_LENGTH}: too short to redact safely.`,
    );
  }
  return key;
}

/** Validates `createPeakaClient` options and fills in defaults. Fails at once with a PeakaConfigError. */
export function resolveOptions(options: PeakaClientOptions = {}): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new PeakaConfigError("createPeakaClient expects an options object, e.g. { apiKey }.");
  }
  // The environment: each variable read once, and only where no option in code stands for it.
  const apiKey = options.apiKey ?? readEnv("PEAKA_API_KEY");
  if (apiKey === undefined) {
    throw new PeakaConfigError("No API key: pass `apiKey` to createPeakaClient or set PEAKA_API_KEY.");
  }
  if (typeof apiKey === "string") checkApiKey(apiKey, options.apiKey === undefined ? "PEAKA_API_KEY" : undefined);
  else if (typeof apiKey !== "function") {
    throw new PeakaConfigError("`apiKey` must be a string or a function that returns one.");
  }

  let baseUrl: string;
  const known = options.baseUrl === undefined ? undefined : CHECKED_URLS.get(options.baseUrl);
  if (known !== undefined) {
    baseUrl = known;
  } else if (options.baseUrl !== undefined) {
    baseUrl = checkBaseUrl(options.baseUrl, "`baseUrl`");
    if (CHECKED_URLS.size < 64) CHECKED_URLS.set(options.baseUrl, baseUrl);
  } else if (options.region !== undefined) {
    baseUrl = regionUrl(options.region);
  } else if ((baseUrl = readEnv("PEAKA_BASE_URL") as string)) {
    // PEAKA_BASE_URL wins over PEAKA_REGION, as `baseUrl` wins over `region`.
    baseUrl = checkBaseUrl(baseUrl, "PEAKA_BASE_URL");
  } else {
    baseUrl = REGIONS[(envValue("PEAKA_REGION", (v) => Object.hasOwn(REGIONS, v), '"us" or "eu"') ?? "us") as Region];
  }

  const fetchImpl = options.fetch ?? globalFetch;
  if (typeof fetchImpl !== "function" || (fetchImpl === globalFetch && typeof globalThis.fetch !== "function")) {
    throw new PeakaConfigError("No fetch implementation: pass `fetch`, or run on a runtime that has globalThis.fetch.");
  }
  const headers: Record<string, string> = { ...checkHeaders("headers", options.headers, PeakaConfigError) };
  const timeout = checkTimeout(
    "timeout",
    options.timeout ?? envCount("PEAKA_TIMEOUT_MS", 1, " of milliseconds"),
    DEFAULT_TIMEOUT_MS,
    PeakaConfigError,
  );
  const backoff = options.retryBackoff ?? {};
  if (typeof backoff !== "object" || backoff === null) {
    throw new PeakaConfigError("`retryBackoff` must be an object, e.g. { initialDelayMs: 500 }.");
  }
  const retryBackoff: BackoffOptions = {
    initialDelayMs: checkCount("retryBackoff.initialDelayMs", backoff.initialDelayMs, DEFAULT_BACKOFF.initialDelayMs, 0, PeakaConfigError),
    maxDelayMs: checkCount("retryBackoff.maxDelayMs", backoff.maxDelayMs, DEFAULT_BACKOFF.maxDelayMs, 0, PeakaConfigError),
    maxRetryAfterMs: checkCount("retryBackoff.maxRetryAfterMs", backoff.maxRetryAfterMs, DEFAULT_BACKOFF.maxRetryAfterMs, 0, PeakaConfigError),
  };
  // PEAKA_LOG stands for `logLevel` ("off": none) and, without a `logger`, logs to stderr.
  const envLog = envValue("PEAKA_LOG", (v) => [...LOG_LEVELS, "off"].includes(v.toLowerCase()), '"debug", "info", "warn", "error" or "off"')?.toLowerCase();
  const logLevel = options.logLevel ?? (envLog === "off" ? undefined : (envLog as LogLevel | undefined)) ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel as string)) {
    throw new PeakaConfigError(`Unknown logLevel ${JSON.stringify(logLevel)}: use "debug", "info", "warn" or "error".`);
  }
  const given = checkLogger(options.logger);
  const logger =
    options.logLevel === undefined && envLog === "off" ? undefined : (given ?? (envLog !== undefined && envLog !== "off" ? stderrLogger : undefined));
  return {
    apiKey,
    baseUrl,
    fetch: fetchImpl,
    headers,
    maxRetries: checkCount("maxRetries", options.maxRetries ?? envCount("PEAKA_MAX_RETRIES", 0, ""), DEFAULT_MAX_RETRIES, 0, PeakaConfigError),
    timeout,
    retryBackoff,
    logger,
    logLevel,
    logBodies: checkBoolean("logBodies", options.logBodies, false, PeakaConfigError),
  };
}
