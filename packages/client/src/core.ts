// The smallest way in: a core (options checked, transport with auth, retries, timeouts and logging)
// to call the operation functions of generated/operations.ts with. A bundle that imports
// `createPeakaCore` and a few operation functions carries only those operations, without
// openapi-fetch and without the resource namespaces of createPeakaClient.
import { TRANSPORT, type Core } from "./internal/core.js";
import { createTransport } from "./internal/transport.js";
import { resolveOptions, type PeakaClientOptions } from "./options.js";

/**
 * A configured connection to the Peaka API, for the standalone operation functions. Its transport is
 * internal (kept under a symbol): only `baseUrl` is public.
 */
export interface PeakaCore extends Core {
  /** The base URL requests go to (region URL or `baseUrl`). */
  readonly baseUrl: string;
  /** What `JSON.stringify` shows of a core: its base URL, never its key. */
  toJSON(): { baseUrl: string };
}

/** Shared by every core: what `JSON.stringify` shows of it. */
function coreToJSON(this: { baseUrl: string }): { baseUrl: string } {
  return { baseUrl: this.baseUrl };
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
  const baseUrl = resolved.baseUrl;
  return { baseUrl, [TRANSPORT]: createTransport(resolved), toJSON: coreToJSON };
}
