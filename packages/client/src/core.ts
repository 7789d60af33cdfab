// The smallest way in: a core (options checked, transport with auth, retries, timeouts and logging)
// to call the operation functions of generated/operations.ts with. A bundle that imports
// `createPeakaCore` and a few operation functions carries only those operations, without
// openapi-fetch and without the resource namespaces of createPeakaClient.
import type { Core } from "./internal/core.js";
import { createTransport } from "./internal/transport.js";
import { resolveOptions, type PeakaClientOptions } from "./options.js";

/** A configured connection to the Peaka API, for the standalone operation functions. */
export interface PeakaCore extends Core {
  /** The base URL requests go to (region URL or `baseUrl`). */
  readonly baseUrl: string;
}

/**
 * Creates a core for the standalone operation functions; takes the same options as
 * `createPeakaClient` and checks them at once.
 *
 * @example
 * import { createPeakaCore, getCacheStatus } from "@peaka/api";
 * const core = createPeakaCore({ apiKey: process.env.PEAKA_API_KEY });
 * const status = await getCacheStatus(core, { projectId, cacheId, excludeLogs: true });
 */
export function createPeakaCore(options: PeakaClientOptions = {}): PeakaCore {
  const resolved = resolveOptions(options);
  const transport = createTransport(resolved, resolved.retryBackoff);
  return { baseUrl: resolved.baseUrl, transport, toJSON: () => ({ baseUrl: resolved.baseUrl }) } as PeakaCore;
}
