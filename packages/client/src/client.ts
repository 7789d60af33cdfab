import createClient, { type Client } from "openapi-fetch";
import type { paths } from "@peaka/types";
import { resolveOptions, type PeakaClientOptions, type ResolvedOptions } from "./options.js";
import { serializePath } from "./internal/path.js";
import { createTransport, type RequestOptions, type Transport } from "./internal/transport.js";
import { createResources, type PeakaResources } from "./generated/resources.js";

/**
 * The low-level client: openapi-fetch's `GET`/`POST`/`PUT`/`DELETE`/`PATCH` over every path of the spec.
 * Its calls do not throw for API errors; they return `{ data, error, response }`. Connection failures,
 * timeouts and aborts do throw (`PeakaConnectionError`, `PeakaTimeoutError`, `PeakaAbortError`).
 */
export type PeakaLowLevelClient = Client<paths, `${string}/${string}`>;

/**
 * A Peaka client: one namespace per API domain with a method per operation (`peaka.cache.getStatus`,
 * `peaka.catalogs.list`), which return the data and throw typed errors; plus the low-level
 * openapi-fetch calls (`peaka.GET(path, ...)`) for anything else, which return `{ data, error }`.
 */
export interface PeakaClient extends PeakaLowLevelClient, PeakaResources {
  /** The base URL requests go to (region URL or `baseUrl`). */
  readonly baseUrl: string;
  /**
   * A fetch function with per-request options, for the low-level calls:
   * `peaka.GET(path, { params, fetch: peaka.withOptions({ signal, maxRetries: 0 }) })`.
   */
  withOptions(options: RequestOptions): (input: Request) => Promise<Response>;
}

/** Internals shared by the helpers built on a client (job waiters, streams, files). */
export interface ClientInternals {
  options: ResolvedOptions;
  transport: Transport;
}

const INTERNALS = new WeakMap<object, ClientInternals>();

/** @internal */
export function internalsOf(client: PeakaClient): ClientInternals {
  const internals = INTERNALS.get(client);
  if (!internals) throw new TypeError("Not a client made by createPeakaClient");
  return internals;
}

/**
 * Creates a Peaka client. Options are checked at once: a missing key, a key with a line break, an
 * unknown region or a malformed `baseUrl` throws `PeakaConfigError` here, not at the first request.
 *
 * @example
 * const peaka = createPeakaClient({ apiKey: process.env.PEAKA_API_KEY, region: "eu" });
 * const { data } = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
 *   params: { path: { projectId, cacheId }, query: { excludeLogs: true } },
 * });
 */
export function createPeakaClient(options: PeakaClientOptions = {}): PeakaClient {
  const resolved = resolveOptions(options);
  const transport = createTransport(resolved, resolved.retryBackoff);
  const core = { baseUrl: resolved.baseUrl, transport };
  const low = createClient<paths>({
    baseUrl: resolved.baseUrl,
    fetch: transport.fetch,
    pathSerializer: serializePath,
  });
  const client: PeakaClient = Object.assign(low, createResources(core), {
    baseUrl: resolved.baseUrl,
    withOptions: (per: RequestOptions) => transport.fetchWith(per),
    toJSON: () => ({ baseUrl: resolved.baseUrl }),
  });
  INTERNALS.set(client, { options: resolved, transport });
  return client;
}
