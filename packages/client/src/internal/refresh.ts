// A credential given as a function (an OAuth access token that expires, a rotated key) is asked for a
// fresh value once when Peaka answers 401. Requests refused with the same stale value share one call:
// a burst of 401s after a token expired refreshes it once, not once per request.
import type { ApiKeySource } from "../options.js";

type KeyFunction = Exclude<ApiKeySource, string>;

/** Per function: the value that was refused and the refresh it started. */
const refreshes = new WeakMap<KeyFunction, { stale: string; fresh: Promise<string> }>();

/**
 * The fresh value after `stale` was refused: calls `source({ refresh: true })`, or joins the call
 * already made for the same stale value. A failed refresh is not remembered (the next 401 tries again).
 */
export function refreshKey(source: KeyFunction, stale: string): Promise<string> {
  const known = refreshes.get(source);
  if (known && known.stale === stale) return known.fresh;
  const fresh = (async () => source({ refresh: true }))();
  const entry = { stale, fresh };
  refreshes.set(source, entry);
  fresh.catch(() => {
    if (refreshes.get(source) === entry) refreshes.delete(source);
  });
  return fresh;
}
