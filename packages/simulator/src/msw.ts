// @peaka/simulator/msw: Mock Service Worker handlers that answer requests under the simulator's base
// URL (and its export file downloads) from the simulator, so code that calls Peaka with the plain
// global fetch (a `createPeakaClient()` without a `fetch` option) talks to it. msw 2 is an optional
// peer dependency: install it yourself.
import { http, type HttpHandler } from "msw";
import { FILES_PREFIX } from "./internal/handlers/exports.js";

/** What the handlers use of a simulator (a `PeakaSimulator` has both). */
export interface SimulatorLike {
  /** The URL the simulator answers under. */
  baseUrl: string;
  fetch(input: Request): Promise<Response>;
}

/**
 * MSW handlers for `sim`: every method on `sim.baseUrl` and below, and the signed export file URLs on
 * the same origin. Pass them to `setupServer(...)` (msw/node) or `setupWorker(...)` (msw/browser).
 */
export function simulatorHandlers(sim: SimulatorLike): HttpHandler[] {
  const origin = new URL(sim.baseUrl).origin;
  const answer = ({ request }: { request: Request }) => sim.fetch(request);
  return [http.all(sim.baseUrl, answer), http.all(`${sim.baseUrl}/*`, answer), http.all(`${origin}${FILES_PREFIX}*`, answer)];
}
