// What a handler is given, and the shape of the handler table.
import type { SimulatorClock } from "../clock.js";
import type { IdSource } from "../random.js";
import type { Principal, World } from "../world.js";

export interface HandlerContext {
  params: Record<string, string>;
  query: Record<string, any>;
  body: any;
  principal: Principal;
  world: World;
  clock: SimulatorClock;
  ids: IdSource;
  options: JobTimings;
  /** Where files are served: the origin the request came to (the served port, or the base URL's origin in-process). */
  baseUrl: string;
  /** The API's base URL as the request reached it (origin and base path). */
  apiBaseUrl: string;
  /** Signs a file path so that it can be downloaded until `expiresMs`. */
  sign(path: string, expiresMs: number): string;
}

/** How long the simulated jobs take, in simulator milliseconds. */
export interface JobTimings {
  /** A cache sync run, from trigger to COMPLETED. Default 5000. */
  cacheRunMs: number;
  /** Status reads after a trigger (cache or materialized query) that still show the previous run, as Peaka does. Default 2. */
  staleReads: number;
  /** An export job stays PENDING this long. Default 500. */
  exportPendingMs: number;
  /** ... then RUNNING this long before SUCCEEDED. Default 2000. */
  exportRunMs: number;
  /** A materialized query refresh, from trigger to COMPLETED. Default 3000. */
  materializedRunMs: number;
  /** A metadata refresh stays queued (`not-active`) this long. Default 1000. */
  metadataQueuedMs: number;
  /** ... then `active` this long before `completed`. Default 4000. */
  metadataRunMs: number;
  /** A signed file URL works this long after it is handed out. Default 900000 (15 minutes). */
  fileUrlTtlMs: number;
  /** A succeeded export's files are kept this long; then the job is EXPIRED. Default 86400000 (24 hours). */
  exportRetentionMs: number;
}

/** A handler answers with the body of the operation's success status (undefined for none) or throws a PeakaSimError. */
export type Handler = (ctx: HandlerContext) => unknown;
export type HandlerTable = Record<string, Handler>;
