// The runtime behind the resource methods: turns a flat argument object into a request (path
// parameters encoded as single segments, query and header parameters, a JSON, multipart or text
// body), sends it through the transport and reads the answer as the operation promises. Non-2xx
// answers throw the typed errors of errors.ts.
import {
  apiErrorFromResponse,
  describeRequest,
  PeakaAbortError,
  PeakaConnectionError,
  PeakaError,
  PeakaInvalidArgumentError,
  PeakaResponseError,
} from "../errors.js";
import { serializePath } from "./path.js";
import { releaseResponse, type RequestOptions, type Transport } from "./transport.js";
import { toFormData } from "./multipart.js";
import { eventStream } from "../stream.js";

/** How an operation's request body is sent. */
export type BodyKind = "json" | "multipart" | "text";
/** How an operation's success answer is read. */
export type ResultKind = "json" | "text" | "blob" | "stream" | "none";

/** A compact description of one operation, emitted by the resource generator. */
export interface OperationSpec {
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
  /** Accept header to send. */
  readonly a?: string;
}

export interface Core {
  readonly baseUrl: string;
  readonly transport: Transport;
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

export function buildRequest(core: Core, op: OperationSpec, args: Record<string, unknown> = {}): Request {
  if (typeof args !== "object" || args === null) {
    throw new PeakaInvalidArgumentError(`${op.m} ${op.p} expects an object of arguments; got ${String(args)}.`);
  }
  const url = core.baseUrl + serializePath(op.p, args) + serializeQuery(args, op.q);
  const headers = new Headers();
  if (op.a) headers.set("Accept", op.a);
  for (const name of op.h ?? []) {
    const value = args[name];
    if (value !== undefined && value !== null) headers.set(name, String(value));
  }
  let body: BodyInit | undefined;
  if (op.b && args["body"] !== undefined) {
    const value = args["body"];
    if (op.b === "multipart") {
      body = toFormData(value, op.f);
    } else if (op.b === "text") {
      headers.set("Content-Type", "text/plain");
      body = String(value);
    } else {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(value);
    }
  }
  return new Request(url, { method: op.m, headers, ...(body !== undefined ? { body } : {}) });
}

/** Reads a success body; a connection that drops mid-body becomes a typed error, never a raw TypeError. */
async function readBody<T>(request: Request, read: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (signal?.aborted) {
      throw new PeakaAbortError(`${request.method} ${describeRequest(request.method, request.url).path} was aborted`, {
        cause: signal.reason,
      });
    }
    if (error instanceof PeakaError) throw error;
    throw new PeakaConnectionError(describeRequest(request.method, request.url), { cause: error });
  }
}

async function readResult(op: OperationSpec, request: Request, response: Response, signal?: AbortSignal): Promise<unknown> {
  if (op.r === "none" || response.status === 204 || request.method === "HEAD") {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (op.r === "blob") return readBody(request, () => response.blob(), signal);
  const text = await readBody(request, () => response.text(), signal);
  if (op.r === "text") return text;
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PeakaResponseError({ status: response.status, method: request.method, url: request.url, bodyText: text }, { cause: error });
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
  if (op.r === "stream") {
    // The stream's own controller: leaving the loop aborts the request, and so does the caller's signal.
    const controller = new AbortController();
    const outer = options?.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    const release = () => outer?.removeEventListener("abort", onOuterAbort);
    if (outer?.aborted) controller.abort(outer.reason);
    outer?.addEventListener("abort", onOuterAbort, { once: true });
    let response: Response;
    try {
      response = await core.transport.send(request, { ...options, signal: controller.signal });
      if (!response.ok) throw await apiErrorFromResponse(response, request.method, request.url);
    } catch (error) {
      release();
      throw error;
    }
    const data = eventStream(response, request, () => controller.abort(), { signal: outer, onEnd: release });
    return { data, response };
  }
  const response = await core.transport.send(request, options);
  try {
    if (!response.ok) throw await apiErrorFromResponse(response, request.method, request.url);
    return { data: await readResult(op, request, response, options?.signal), response };
  } finally {
    releaseResponse(response);
  }
}

/** A resource method: call it for the data, or use `.withResponse` for the HTTP response too. */
export interface Operation<A, R, Optional extends boolean = false> {
  (...args: Optional extends true ? [args?: A, options?: RequestOptions] : [args: A, options?: RequestOptions]): Promise<R>;
  /** Like calling the method, but resolves with `{ data, response }`. */
  withResponse(
    ...args: Optional extends true ? [args?: A, options?: RequestOptions] : [args: A, options?: RequestOptions]
  ): Promise<WithResponse<R>>;
}

/** Binds an operation to a client; `transform` reshapes the data (e.g. normalizes a status). */
export function bind(core: Core, op: OperationSpec, transform?: (data: any) => unknown): Operation<any, any, boolean> {
  const withResponse = async (args?: Record<string, unknown>, options?: RequestOptions) => {
    const result = await callWithResponse(core, op, args, options);
    return transform ? { data: transform(result.data), response: result.response } : result;
  };
  const method = async (args?: Record<string, unknown>, options?: RequestOptions) =>
    (await withResponse(args, options)).data;
  return Object.assign(method, { withResponse }) as Operation<any, any, boolean>;
}
