// The low-level surface (openapi-fetch's `peaka.GET/POST/...`) over the one transport. openapi-fetch
// builds the request (types, path, query and body serialization, middleware) and hands it to our
// fetch, which sends it through the transport like any resource method: same auth, timeouts, retries,
// signals, redaction. Two things are added around openapi-fetch's calls:
// - `LowLevelRequest`, the Request class openapi-fetch is given: it keeps the caller's `signal` aside
//   (a platform Request built with it would put a listener on the caller's signal) and the serialized
//   body as it was (so it is not read back out of a stream); the transport combines the signal with
//   AbortSignal.any.
// - the body of a 2xx answer is read inside the transport's attempt (so `timeout` bounds it, and a
//   read that times out or is cut off is retried where the call may be repeated), then served from
//   memory to openapi-fetch: a body cut off throws PeakaConnectionError (or PeakaTimeoutError,
//   PeakaAbortError), JSON that does not parse throws PeakaResponseError, never a SyntaxError. With
//   `parseAs: "stream"` the body is handed on as it comes: the time limit ends at the headers.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "@peaka/api-types";
import { describeRequest, PeakaAbortError, PeakaConnectionError, PeakaError, PeakaResponseError } from "../errors.js";
import { EXACT_NUMBERS } from "../generated/resources.js";
import { hasRoundedInteger, jsonFailure, parseExactJson } from "./json.js";
import { serializePath } from "./path.js";
import { checkRequestOptions, type PreparedRequest, type RequestOptions, type Transport } from "./transport.js";

const CTX: unique symbol = Symbol("peaka.lowlevel");

/** What one low-level call learns on its way: whether its operation is safe to repeat, its answer. */
interface CallContext {
  repeatable: boolean;
  /** The answer keeps integers beyond 2^53 - 1 as their text (internal/json.ts), as the operation function's does. */
  exact?: boolean;
  /** How openapi-fetch reads the body (`parseAs`, default "json"); "stream" hands it to the caller unread. */
  parseAs: string;
  request?: PreparedRequest;
  response?: Response;
  text?: string;
}

type Init = RequestInit & { [CTX]?: CallContext };
const BaseRequest: typeof Request = globalThis.Request;

/** The Request class openapi-fetch builds its requests with (see the top of this file). */
export class LowLevelRequest extends BaseRequest {
  readonly #signal: AbortSignal | undefined;
  readonly #body: unknown;
  readonly #ctx: CallContext | undefined;
  constructor(input: RequestInfo | URL, init: Init = {}) {
    const { signal, ...rest } = init;
    super(input, rest);
    this.#signal = signal ?? undefined;
    this.#body = init.body;
    this.#ctx = init[CTX];
  }
  /** A middleware may return a platform Request in place of ours (openapi-fetch checks with instanceof). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof BaseRequest;
  }
  /** Whether `value` was built by this class (not merely a Request). */
  static is(value: unknown): value is LowLevelRequest {
    return typeof value === "object" && value !== null && #ctx in value;
  }
  override get signal(): AbortSignal {
    return this.#signal ?? super.signal;
  }
  static prepare(request: LowLevelRequest): [PreparedRequest, CallContext | undefined] | undefined {
    const body = request.#body;
    if (!(body == null || typeof body === "string" || body instanceof FormData || body instanceof ArrayBuffer || ArrayBuffer.isView(body))) {
      return undefined; // another body type (a Blob, a stream): read it from the request
    }
    const ctx = request.#ctx;
    const prepared: PreparedRequest = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: (body ?? undefined) as PreparedRequest["body"],
      signal: request.#signal,
      repeatable: ctx?.repeatable,
    };
    return [prepared, ctx];
  }
}

/** Sends what openapi-fetch (or a middleware) built through the transport. */
async function lowFetch(transport: Transport, input: Request | string | URL, init: RequestInit | undefined, per: RequestOptions | undefined): Promise<Response> {
  let found = LowLevelRequest.is(input) ? LowLevelRequest.prepare(input) : undefined;
  if (!found) {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const body = request.body === null ? undefined : await request.arrayBuffer();
    found = [{ method: request.method, url: request.url, headers: request.headers, body, signal: request.signal }, undefined];
  }
  const [prepared, ctx] = found;
  prepared.base = transport.baseUrl;
  const redact = transport.secrets.redact;
  const response = await transport.send(prepared, per, async (answer) => {
    if (!answer.ok || answer.status === 204 || prepared.method === "HEAD") return answer;
    // Read here, under the attempt's time limit; openapi-fetch then reads it from memory.
    if (ctx && ctx.parseAs !== "stream") {
      if (ctx.parseAs === "json" || ctx.parseAs === "text") serveText(answer, await answer.text(), prepared, ctx, redact);
      else serveBody(answer, await answer.arrayBuffer(), prepared, ctx, redact);
    }
    return answer;
  });
  if (ctx) {
    ctx.request = prepared;
    ctx.response = response;
  }
  if (response.ok && !(ctx && ctx.parseAs !== "stream")) guardBody(response, prepared, ctx, per?.signal, redact);
  return response;
}

/** `response.json` over `response.text`: JSON that does not parse is a PeakaResponseError, never a SyntaxError. */
function jsonReader(response: Response, request: PreparedRequest, redact: (text: string) => string): () => Promise<unknown> {
  return async () => {
    const value = await response.text();
    try {
      return JSON.parse(value);
    } catch (error) {
      throw new PeakaResponseError({ status: response.status, method: request.method, url: request.url, base: request.base, bodyText: redact(value) }, { cause: jsonFailure(error, value.length) });
    }
  };
}

/** Serves a text body already read to openapi-fetch's `text` and `json` (what parseAs "json" and "text" call). */
function serveText(response: Response, text: string, request: PreparedRequest, ctx: CallContext, redact: (text: string) => string): void {
  ctx.text = text;
  response.text = async () => text;
  response.json = jsonReader(response, request, redact);
}

/** Serves a body already read to openapi-fetch's readers; JSON that does not parse is a PeakaResponseError. */
function serveBody(response: Response, bytes: ArrayBuffer, request: PreparedRequest, ctx: CallContext, redact: (text: string) => string): void {
  let text: string | undefined;
  response.text = async () => (ctx.text = text ??= new TextDecoder().decode(bytes));
  response.json = jsonReader(response, request, redact);
  response.arrayBuffer = async () => bytes.slice(0);
  response.blob = async () => new Blob([bytes], { type: response.headers.get("content-type") ?? "" });
}

/** Makes the body readers of a 2xx answer throw typed errors. */
function guardBody(
  response: Response,
  request: PreparedRequest,
  ctx: CallContext | undefined,
  outer: AbortSignal | undefined,
  redact: (text: string) => string,
): void {
  const failed = (error: unknown) => {
    if (outer?.aborted || request.signal?.aborted) {
      const reason = outer?.aborted ? outer.reason : request.signal?.reason;
      return new PeakaAbortError(`${request.method} ${describeRequest(request.method, request.url, request.base).path} was aborted`, { cause: reason });
    }
    return error instanceof PeakaError ? error : new PeakaConnectionError(describeRequest(request.method, request.url, request.base), { cause: error });
  };
  const text = response.text.bind(response);
  const guard =
    <T>(read: () => Promise<T>) =>
    () =>
      read().catch((error: unknown) => {
        throw failed(error);
      });
  response.text = guard(async () => {
    const value = await text();
    if (ctx) ctx.text = value;
    return value;
  });
  response.json = jsonReader(response, request, redact);
  response.blob = guard(response.blob.bind(response));
  response.arrayBuffer = guard(response.arrayBuffer.bind(response));
}

/** The `x-peaka-safe-to-repeat` operations, as "METHOD /path/template" (generated from the spec). */
export type SafeTable = ReadonlySet<string>;

type AnyClient = Client<paths, `${string}/${string}`>;
const METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;

/**
 * The low-level surface of one client: openapi-fetch's client, with each call marked with what the
 * spec says of its operation and its SyntaxError (openapi-fetch's own JSON.parse) made typed.
 */
export function createLowLevel(baseUrl: string, transport: Transport, safe: SafeTable): AnyClient {
  const low = createClient<paths>({
    baseUrl,
    fetch: (input: Request) => lowFetch(transport, input, undefined, undefined),
    pathSerializer: serializePath,
    Request: LowLevelRequest,
  }) as AnyClient;
  const call = (method: string, url: string, init: Record<string | symbol, unknown> | undefined) => {
    const route = `${method} ${url}`;
    const ctx: CallContext = {
      repeatable: safe.has(route),
      exact: EXACT_NUMBERS.includes(route),
      parseAs: typeof init?.["parseAs"] === "string" ? init["parseAs"] : "json",
    };
    const run = (low as unknown as Record<string, (u: string, i: unknown) => Promise<unknown>>)[method] as (u: string, i: unknown) => Promise<unknown>;
    const result = run(url, { ...init, [CTX]: ctx });
    // openapi-fetch parses the JSON itself; where the operation keeps big integers exact, a result that
    // holds a rounded one is read again from the text (the body was read through the guarded text()).
    const exact = ctx.exact
      ? result.then((r) => {
          const answer = r as { data?: unknown };
          return ctx.text !== undefined && hasRoundedInteger(answer.data) ? { ...answer, data: parseExactJson(ctx.text) } : r;
        })
      : result;
    return exact.catch((error: unknown) => {
      if (error instanceof SyntaxError && ctx.response && ctx.request) {
        const { request, response } = ctx;
        throw new PeakaResponseError(
          { status: response.status, method: request.method, url: request.url, base: request.base, bodyText: transport.secrets.redact(ctx.text ?? "") },
          { cause: jsonFailure(error, ctx.text?.length ?? 0) },
        );
      }
      throw error;
    });
  };
  const out = { use: low.use, eject: low.eject } as Record<string, unknown>;
  for (const method of METHODS) out[method] = (url: string, init?: Record<string, unknown>) => call(method, url, init);
  out["request"] = (method: string, url: string, init?: Record<string, unknown>) => call(method.toUpperCase(), url, init);
  return out as unknown as AnyClient;
}

/** A fetch function for `peaka.GET(path, { fetch })` that sends with fixed per-request options. */
export function fetchWithOptions(transport: Transport, per: RequestOptions): (input: Request | string | URL, init?: RequestInit) => Promise<Response> {
  checkRequestOptions(per);
  return (input, init) => lowFetch(transport, input, init, per);
}
