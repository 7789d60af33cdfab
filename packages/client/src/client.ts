import createClient, { type Client } from "openapi-fetch";
import type { paths } from "@peaka/api-types";
import { createPeakaCore } from "./core.js";
import type { PeakaClientOptions } from "./options.js";
import { serializePath } from "./internal/path.js";
import type { RequestOptions } from "./internal/transport.js";
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
  const core = createPeakaCore(options);
  const { baseUrl, transport } = core;
  const low = createClient<paths>({
    baseUrl,
    fetch: transport.fetch,
    pathSerializer: serializePath,
  });
  const client: PeakaClient = Object.assign(low, createResources(core), {
    baseUrl,
    withOptions: (per: RequestOptions) => transport.fetchWith(per),
    toJSON: () => ({ baseUrl }),
  });
  return client;
}
