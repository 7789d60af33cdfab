import type { Client } from "openapi-fetch";
import type { paths } from "@peaka/api-types";
import { createPeakaCore, type PeakaCore } from "./core.js";
import type { PeakaClientOptions } from "./options.js";
import { bindNamespace, TRANSPORT } from "./internal/core.js";
import { createLowLevel, fetchWithOptions } from "./internal/lowlevel.js";
import type { RequestOptions } from "./internal/transport.js";
import { resourceTable, SAFE_TO_REPEAT, type PeakaResources } from "./generated/resources.js";

/**
 * The low-level client: openapi-fetch's `GET`/`POST`/`PUT`/`DELETE`/`PATCH` over every path of the spec.
 * Its calls do not throw for API errors; they return `{ data, error, response }`. Connection failures,
 * timeouts, aborts and 2xx bodies that are not valid JSON do throw (`PeakaConnectionError`,
 * `PeakaTimeoutError`, `PeakaAbortError`, `PeakaResponseError`).
 */
export type PeakaLowLevelClient = Client<paths, `${string}/${string}`>;

/** Defaults a derived client changes; everything else (base URL, fetch, logger, retries' backoff) is shared. */
export type PeakaClientOverrides = Pick<RequestOptions, "apiKey" | "headers" | "timeout" | "maxRetries">;

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
   * `peaka.GET(path, { params, fetch: peaka.withOptions({ timeout: 5_000, maxRetries: 0 }) })`.
   * Options are checked at once (`PeakaInvalidArgumentError`).
   */
  withOptions(options: RequestOptions): (input: Request) => Promise<Response>;
  /**
   * A client with another key (or headers, timeout, retries) that shares everything else with this one:
   * cheap enough to make one per tenant key. `peaka.derive({ apiKey: projectKey }).catalogs.list(...)`.
   */
  derive(overrides: PeakaClientOverrides): PeakaClient;
}

const STATE: unique symbol = Symbol("peaka.client");
interface State {
  core: PeakaCore;
  namespaces: Record<string, unknown>;
  low?: PeakaLowLevelClient;
}
type Instance = { [STATE]: State };
const LOW_LEVEL = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "request", "use", "eject"] as const;

let proto: object | undefined;
let safe: ReadonlySet<string> | undefined;

/**
 * The prototype every client shares: a getter per resource namespace, which binds that namespace's
 * operations to the client on first use (a client costs almost nothing until it is used), and a getter
 * per low-level method, which makes the openapi-fetch client on first use.
 */
function clientPrototype(): object {
  if (proto) return proto;
  const table = resourceTable();
  const p: PropertyDescriptorMap = {};
  for (const name in table) {
    p[name] = {
      enumerable: true,
      get(this: Instance) {
        const state = this[STATE];
        return (state.namespaces[name] ??= bindNamespace(state.core, table[name as keyof typeof table]));
      },
    };
  }
  for (const name of LOW_LEVEL) {
    p[name] = {
      get(this: Instance) {
        const state = this[STATE];
        state.low ??= createLowLevel(state.core.baseUrl, state.core[TRANSPORT], (safe ??= new Set(SAFE_TO_REPEAT)));
        return state.low[name];
      },
    };
  }
  p["withOptions"] = {
    value(this: Instance, options: RequestOptions) {
      return fetchWithOptions(this[STATE].core[TRANSPORT], options);
    },
  };
  p["derive"] = {
    value(this: Instance, overrides: PeakaClientOverrides) {
      const { core } = this[STATE];
      return fromCore({ baseUrl: core.baseUrl, [TRANSPORT]: core[TRANSPORT].derive(overrides), toJSON: core.toJSON } as PeakaCore);
    },
  };
  p["toJSON"] = {
    value(this: Instance) {
      return { baseUrl: this[STATE].core.baseUrl };
    },
  };
  return (proto = Object.create(Object.prototype, p));
}

function fromCore(core: PeakaCore): PeakaClient {
  const client = Object.create(clientPrototype()) as Instance & { baseUrl: string };
  client[STATE] = { core, namespaces: {} };
  client.baseUrl = core.baseUrl;
  return client as unknown as PeakaClient;
}

/**
 * Creates a Peaka client. Options are checked at once: a missing key, a key with a line break, an
 * unknown region, a malformed `baseUrl` or a bad number throws `PeakaConfigError` here, not at the
 * first request.
 *
 * @example
 * const peaka = createPeakaClient({ apiKey: process.env.PEAKA_API_KEY, region: "eu" });
 * const { data } = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
 *   params: { path: { projectId, cacheId }, query: { excludeLogs: true } },
 * });
 */
export function createPeakaClient(options: PeakaClientOptions = {}): PeakaClient {
  return fromCore(createPeakaCore(options));
}
