// The runtime behind the resource methods: turns a flat argument object into a request (path
// parameters encoded as single segments, query and header parameters, a JSON, multipart or text
// body), sends it through the transport and reads the answer as the operation promises. Non-2xx
// answers throw the typed errors of errors.ts.
import { apiErrorFromResponse, PeakaInvalidArgumentError, PeakaResponseError } from "../errors.js";
import { jsonFailure, type parseExactJson } from "./json.js";
import { serializePath } from "./path.js";
import type { PreparedRequest, RequestOptions, Transport } from "./transport.js";
import type { toFormData } from "./multipart.js";
import type { eventStream } from "../stream.js";

/** How an operation's request body is sent. */
export type BodyKind = "json" | "multipart" | "text";
/** How an operation's success answer is read. */
export type ResultKind = "json" | "text" | "blob" | "stream" | "none";

/** A compact description of one operation, emitted by the resource generator. */
export interface OperationSpec {
  /** Where the operation lives on the client: "resource.method". */
  readonly n: string;
  /** HTTP method. */
  readonly m: string;
  /** Path template, e.g. /data/projects/{projectId}/cache/{cacheId}/status */
  readonly p: string;
  /** Names of the query parameters. */
  readonly q?: readonly string[];
  /** Names of the header parameters. */
  readonly h?: readonly string[];
  /** Request body kind, when there is a body. */
  readonly b?: BodyKind;
  /** Names of the multipart parts that are files. */
  readonly f?: readonly string[];
  /** How to read the success answer. */
  readonly r: ResultKind;
  /** Accept header to send; JSON and event-stream answers imply theirs. */
  readonly a?: string;
  /**
   * The multipart encoder, for multipart operations only. Passed in by the generated operation so
   * that bundles without such an operation do not carry it.
   */
  readonly e?: typeof toFormData;
  /** The event-stream reader, for streaming operations only (same reason). */
  readonly s?: typeof eventStream;
  /** The spec allows an empty success answer (a 204): the result may be `undefined`. */
  readonly o?: true;
  /** Safe to repeat although the method is POST (`x-peaka-safe-to-repeat` in the spec): retried like a GET. */
  readonly x?: true;
  /**
   * The JSON reader that keeps a number JSON.parse would round (an integer beyond 2^53 - 1) as its text
   * (internal/json.ts), for the operations whose answers may hold one. Passed in by the generated
   * operation, as `e` and `s` are, so that other bundles do not carry it.
   */
  readonly j?: typeof parseExactJson;
  /** 1 when the operation accepts only a partner key: a 403 then says so (see errors.ts). */
  readonly k?: 1;
  /** The operationId, which an API error of this operation carries (and names in its message). */
  readonly i?: string;
}

/** Where a core keeps its transport: a symbol, so that it is not part of the public surface. */
export const TRANSPORT: unique symbol = Symbol("peaka.transport");
/** Where an operation function keeps its OperationSpec. */
export const SPEC: unique symbol = Symbol("peaka.operation");

export interface Core {
  readonly baseUrl: string;
  /** @internal */
  readonly [TRANSPORT]: Transport;
}

export interface WithResponse<R> {
  data: R;
  /** The HTTP response; its body has already been read into `data` (except for streams). */
  response: Response;
}

export function serializeQuery(args: Record<string, unknown>, names: readonly string[] | undefined): string {
  if (!names?.length) return "";
  const search = new URLSearchParams();
  for (const name of names) {
    const value = args[name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      search.append(name, item instanceof Date ? item.toISOString() : String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function buildRequest(core: Core, op: OperationSpec, args: Record<string, unknown> = {}): PreparedRequest {
  if (typeof args !== "object" || args === null) {
    throw new PeakaInvalidArgumentError(`${op.m} ${op.p} expects an object of arguments; got ${String(args)}.`);
  }
  const url = core.baseUrl + serializePath(op.p, args) + serializeQuery(args, op.q);
  const headers: Record<string, string> = {};
  const accept = op.a ?? (op.r === "json" ? "application/json" : op.r === "stream" ? "text/event-stream" : undefined);
  if (accept) headers["accept"] = accept;
  for (const name of op.h ?? []) {
    const value = args[name];
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
  }
  let body: string | FormData | undefined;
  if (op.b && args["body"] !== undefined) {
    const value = args["body"];
    if (op.b === "multipart") {
      body = (op.e as typeof toFormData)(value, op.f);
    } else if (op.b === "text") {
      headers["content-type"] = "text/plain";
      body = String(value);
    } else {
      headers["content-type"] = "application/json";
      body = JSON.stringify(value);
    }
  }
  const base = core.baseUrl;
  return op.x ? { method: op.m, url, base, headers, body, repeatable: true } : { method: op.m, url, base, headers, body };
}

async function readResult(op: OperationSpec, request: PreparedRequest, response: Response, redact: (text: string) => string): Promise<unknown> {
  if (op.r === "none" || request.method === "HEAD" || (response.status === 204 && op.r !== "json")) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  // A body cut off, or read past the time limit: the transport makes the typed error (and retries).
  if (op.r === "blob") return response.blob();
  const text = await response.text();
  if (op.r === "text") return text;
  // An empty answer is `undefined` only where the spec allows one (its result type says `| undefined`).
  if (text === "" && op.o) return undefined;
  try {
    return op.j ? op.j(text) : JSON.parse(text);
  } catch (error) {
    throw new PeakaResponseError(
      { status: response.status, method: request.method, url: request.url, base: request.base, bodyText: redact(text) },
      { cause: jsonFailure(error, text.length) },
    );
  }
}

/** Sends one operation and returns its data and response; throws typed errors for non-2xx answers. */
export async function callWithResponse(
  core: Core,
  op: OperationSpec,
  args: Record<string, unknown> | undefined,
  options?: RequestOptions,
): Promise<WithResponse<unknown>> {
  const request = buildRequest(core, op, args);
  const transport = core[TRANSPORT];
  const failed = (response: Response) =>
    apiErrorFromResponse(response, { ...request, operationId: op.i, pathTemplate: op.p, partnerKeyOnly: op.k === 1 });
  if (op.r === "stream") {
    // The stream's own controller: leaving the loop aborts the request; the caller's signal is
    // combined with it by AbortSignal.any (no listener on the caller's signal).
    const local = new AbortController();
    request.signal = local.signal;
    request.stream = true;
    return transport.send(request, options, async (response, attempt) => {
      if (!response.ok) {
        attempt.done();
        throw await failed(response);
      }
      const data = (op.s as typeof eventStream)(response, request, () => local.abort(), {
        signal: options?.signal,
        redact: transport.secrets.redact,
        attempt,
      });
      return { data, response };
    });
  }
  return transport.send(request, options, async (response) => {
    if (!response.ok) throw await failed(response);
    return { data: await readResult(op, request, response, transport.secrets.redact), response };
  });
}

/** One operation as a standalone function of a core; tree-shaking drops the ones a program does not import. */
export interface OperationFunction<A, R> {
  (core: Core, args: A, options?: RequestOptions): Promise<R>;
  /** Like calling the function, but resolves with `{ data, response }`. */
  withResponse(core: Core, args: A, options?: RequestOptions): Promise<WithResponse<R>>;
}

/** An operation function whose argument may be left out (no required parameter or body). */
export interface OptionalArgsOperationFunction<A, R> extends OperationFunction<A, R> {
  (core: Core, args?: A, options?: RequestOptions): Promise<R>;
  withResponse(core: Core, args?: A, options?: RequestOptions): Promise<WithResponse<R>>;
}

/** Makes the function of one operation; `transform` reshapes its data (e.g. normalizes a status). */
export function operation(spec: OperationSpec, transform?: (data: any) => unknown): OperationFunction<any, any> {
  const withResponse = async (core: Core, args?: Record<string, unknown>, options?: RequestOptions) => {
    const result = await callWithResponse(core, spec, args, options);
    return transform ? { data: transform(result.data), response: result.response } : result;
  };
  const call = async (core: Core, args?: Record<string, unknown>, options?: RequestOptions) =>
    (await withResponse(core, args, options)).data;
  return Object.assign(call, { withResponse, [SPEC]: spec });
}

type Method = ((args?: unknown, options?: RequestOptions) => Promise<unknown>) & {
  withResponse(args?: unknown, options?: RequestOptions): Promise<WithResponse<unknown>>;
};

/** Binds the operation functions of one resource namespace (`peaka.cache`) to a core. */
export function bindNamespace(core: Core, operations: Record<string, OperationFunction<any, any>>): Record<string, Method> {
  const out: Record<string, Method> = {};
  for (const name in operations) {
    const fn = operations[name] as OperationFunction<any, any>;
    out[name] = Object.assign((args?: any, options?: RequestOptions) => fn(core, args, options), {
      withResponse: (args?: any, options?: RequestOptions) => fn.withResponse(core, args, options),
    });
  }
  return out;
}

/** The OperationSpec of an operation function. */
export function specOf(fn: OperationFunction<any, any>): OperationSpec {
  return (fn as unknown as { [SPEC]: OperationSpec })[SPEC];
}
