// Waiting on Peaka's long-running jobs. Each waiter is `poll` plus a table that judges the job's
// states; the tables are typed against the spec's enums, so a state added to or removed from the spec
// is a compile error here until it is judged.
//
// Right after a trigger, Peaka may still serve the previous run's final status (spec/paths/cache.yaml,
// materialized-queries.yaml). So a waiter that follows a trigger takes a baseline: what identified the
// newest run before the trigger (a cache run's id and start, a materialized query's
// `lastExecutionStartTime`, a metadata refresh's state) and only judges a newer run. The
// `...AndWait` helpers read the baseline, trigger, and wait, in one call.
import type { CacheExecutionInfo, CacheStatus, components, ExportJob, MaterializedQueryStatus } from "@peaka/api-types";
import { call, type PeakaClientOrCore } from "./door.js";
import { PeakaInvalidArgumentError, PeakaNotFoundError } from "./errors.js";
import {
  getCacheStatus,
  getExport,
  getMaterializedQueryStatus,
  getMetadataRefreshStatus,
  refreshMaterializedQuery,
  refreshMetadata,
  triggerCacheFullRefresh,
  triggerCacheIncrementalUpdate,
} from "./generated/operations.js";
import type { MetadataRefreshState, NormalizedRefreshJobStatus } from "./normalize.js";
import { checkTimeout } from "./internal/validate.js";
import { checkPollOptions, poll, type JobVerdict, type PollOptions } from "./poll.js";

type Schemas = components["schemas"];

function judge<T extends string>(table: Record<T, JobVerdict>) {
  // States the spec does not (yet) list keep the wait going until the deadline.
  return (state: string): JobVerdict => (Object.hasOwn(table, state) ? (table as Record<string, JobVerdict>)[state]! : "pending");
}

function requireIds(ids: unknown, names: string[], waiter: string): void {
  if (typeof ids !== "object" || ids === null) throw new PeakaInvalidArgumentError(`${waiter} needs an object with ${names.join(", ")}.`);
  for (const name of names) {
    const value = (ids as Record<string, unknown>)[name];
    if (typeof value !== "string" || value === "") {
      throw new PeakaInvalidArgumentError(`${waiter} needs \`${name}\` as a non-empty string; got ${value === undefined ? "nothing" : JSON.stringify(value)}.`);
    }
  }
}

/** Cache states (the overall `status`). `NOT_INITIALIZED` is pending: the first sync has not been recorded yet. */
export const CACHE_SYNC_STATES: Record<CacheStatus["status"], JobVerdict> = {
  NOT_INITIALIZED: "pending",
  RUNNING: "pending",
  COMPLETED: "succeeded",
  FAILED: "failed",
  CANCELLED: "failed",
  DELETED: "failed",
};

/** States of one cache run (`lastFullRefreshCacheExecution.status`, `lastIncrementalCacheExecution.status`). */
export const CACHE_RUN_STATES: Record<CacheExecutionInfo["status"], JobVerdict> = {
  RUNNING: "pending",
  COMPLETED: "succeeded",
  FAILED: "failed",
  CANCELLED: "failed",
};

/**
 * Metadata refresh states. A refresh ends on `COMPLETED` (or `FAILED`/`STUCK`); `NOT_ACTIVE` only
 * says that no job is running, which is also what Peaka reports before a triggered job has started.
 */
export const METADATA_REFRESH_STATES: Record<MetadataRefreshState, JobVerdict> = {
  WAITING: "pending",
  DELAYED: "pending",
  ACTIVE: "pending",
  PAUSED: "pending",
  NOT_ACTIVE: "pending",
  COMPLETED: "succeeded",
  FAILED: "failed",
  STUCK: "failed",
};

/** Export job states. */
export const EXPORT_STATES: Record<Schemas["ExportStatus"], JobVerdict> = {
  PENDING: "pending",
  RUNNING: "pending",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  CANCELLED: "failed",
  EXPIRED: "failed",
};

/** Materialized query refresh states. */
export const MATERIALIZED_QUERY_STATES: Record<Schemas["MaterializedQueryRefreshStatus"], JobVerdict> = {
  RUNNING: "pending",
  COMPLETED: "succeeded",
  FAILED: "failed",
  CANCELED: "failed",
  TERMINATED: "failed",
  TIMED_OUT: "failed",
};

/** Which sync mode of a cache a run belongs to. */
export type CacheSyncMode = "FULL_REFRESH" | "INCREMENTAL";

/**
 * The newest run of one mode before a trigger (`status.lastFullRefreshCacheExecution` or
 * `status.lastIncrementalCacheExecution`), or `null` when that mode has never run.
 */
export type CacheRunBaseline = Pick<CacheExecutionInfo, "id" | "createdAt"> | null;

const RUN_FIELD = { FULL_REFRESH: "lastFullRefreshCacheExecution", INCREMENTAL: "lastIncrementalCacheExecution" } as const;

/** True when `run` is a different run from `before` and did not start earlier than it. */
function isNewerRun(run: CacheExecutionInfo | null | undefined, before: CacheRunBaseline): run is CacheExecutionInfo {
  if (!run || typeof run.id !== "string") return false;
  if (!before) return true;
  if (run.id === before.id) return false;
  const started = run.createdAt ? Date.parse(run.createdAt) : NaN;
  const previous = before.createdAt ? Date.parse(before.createdAt) : NaN;
  return !(started < previous);
}

/** Is a time stamp newer than the baseline (`null`: there was no run before)? */
function isNewerStart(value: string | null | undefined, before: string | null): value is string {
  if (!value || value === before) return false;
  if (before === null) return true;
  return !(Date.parse(value) < Date.parse(before));
}

/**
 * Waits until a cache's sync ends, judging the overall `status`; resolves with the final status.
 * It does not know which run it waits for: right after a trigger it may resolve with the previous
 * run's final status. After a trigger use `fullRefreshCacheAndWait` / `incrementalUpdateCacheAndWait`
 * or `waitForCacheRun` with a baseline.
 */
export async function waitForCacheSync(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; cacheId: string },
  options?: PollOptions<CacheStatus>,
): Promise<CacheStatus> {
  requireIds(ids, ["projectId", "cacheId"], "waitForCacheSync");
  const { projectId, cacheId } = ids;
  return poll(
    {
      name: `cache sync ${cacheId}`,
      read: (signal) => call(peaka, getCacheStatus, { projectId, cacheId, excludeLogs: true }, { signal }),
      stateOf: (s) => s.status,
      verdict: judge(CACHE_SYNC_STATES),
    },
    options,
  );
}

/**
 * Waits for the run of one sync mode that started after `after` (the mode's newest run read before
 * the trigger) and resolves with the cache status once that run has ended with `COMPLETED`. It
 * rejects with `PeakaJobFailedError` when the run ends `FAILED` or `CANCELLED` (or the cache is
 * deleted), and with `PeakaTimeoutError` at the deadline, saying whether the run ever started.
 * Statuses that still show the earlier run are not reported to `onProgress`.
 */
export async function waitForCacheRun(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; cacheId: string; mode: CacheSyncMode; after: CacheRunBaseline },
  options?: PollOptions<CacheStatus>,
): Promise<CacheStatus> {
  requireIds(ids, ["projectId", "cacheId"], "waitForCacheRun");
  const { projectId, cacheId, mode, after } = ids;
  const field = RUN_FIELD[mode];
  if (!field) throw new PeakaInvalidArgumentError(`waitForCacheRun needs \`mode\` "FULL_REFRESH" or "INCREMENTAL"; got ${JSON.stringify(mode)}.`);
  if (after === undefined || (after !== null && typeof after?.id !== "string")) {
    throw new PeakaInvalidArgumentError(
      `waitForCacheRun needs \`after\`: the cache's ${field} read before the trigger (null when that mode never ran).`,
    );
  }
  const deleted = (s: CacheStatus) => s.status === "DELETED";
  return poll(
    {
      name: `cache ${mode === "FULL_REFRESH" ? "full refresh" : "incremental update"} of ${cacheId}`,
      read: (signal) => call(peaka, getCacheStatus, { projectId, cacheId, excludeLogs: true }, { signal }),
      stateOf: (s) => (deleted(s) ? s.status : (s[field]?.status ?? s.status)),
      isRun: (s) => deleted(s) || isNewerRun(s[field], after),
      verdict: (state, s) => (deleted(s) ? "failed" : judge(CACHE_RUN_STATES)(state)),
    },
    options,
  );
}

async function cacheRunAndWait(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; cacheId: string },
  mode: CacheSyncMode,
  trigger: typeof triggerCacheFullRefresh | typeof triggerCacheIncrementalUpdate,
  options: PollOptions<CacheStatus> | undefined,
  helper: string,
): Promise<CacheStatus> {
  requireIds(ids, ["projectId", "cacheId"], helper);
  const { projectId, cacheId } = ids;
  const signal = checkPollOptions(options).signal; // bad options fail before anything is triggered
  const before = await call(peaka, getCacheStatus, { projectId, cacheId, excludeLogs: true }, { signal });
  await call(peaka, trigger, { projectId, cacheId }, { signal }); // passed in, so a bundle carries only the trigger it uses
  return waitForCacheRun(peaka, { projectId, cacheId, mode, after: before[RUN_FIELD[mode]] ?? null }, options);
}

/**
 * Starts a full refresh of a cache and waits for that run to end: reads the newest full refresh,
 * triggers a new one, then polls until a newer full refresh has ended. Resolves with the cache status
 * once the new run is `COMPLETED`; rejects with `PeakaJobFailedError` when it ends `FAILED` or
 * `CANCELLED`, and with `PeakaTimeoutError` at the deadline (also when the run never starts).
 */
export async function fullRefreshCacheAndWait(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; cacheId: string },
  options?: PollOptions<CacheStatus>,
): Promise<CacheStatus> {
  return cacheRunAndWait(peaka, ids, "FULL_REFRESH", triggerCacheFullRefresh, options, "fullRefreshCacheAndWait");
}

/**
 * Starts an incremental update of a cache and waits for that run to end, like
 * `fullRefreshCacheAndWait` but following `lastIncrementalCacheExecution`.
 */
export async function incrementalUpdateCacheAndWait(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; cacheId: string },
  options?: PollOptions<CacheStatus>,
): Promise<CacheStatus> {
  return cacheRunAndWait(peaka, ids, "INCREMENTAL", triggerCacheIncrementalUpdate, options, "incrementalUpdateCacheAndWait");
}

const METADATA_IN_PROGRESS: ReadonlySet<string> = new Set(["WAITING", "DELAYED", "ACTIVE", "PAUSED"]);
const METADATA_ENDED: ReadonlySet<string> = new Set(["COMPLETED", "FAILED", "STUCK"]);

/** Options of the metadata refresh waiters: the poll options and how long an unchanged final state is read. */
export interface MetadataRefreshWaitOptions extends PollOptions<NormalizedRefreshJobStatus> {
  /**
   * How long, in ms from the first read, a status that still shows the final state read before the
   * trigger (`COMPLETED`, `FAILED` or `STUCK`, and nothing else in between) is read before it is
   * taken for the new refresh's end. The status carries its state and nothing else (no run id, no
   * time), so a refresh that starts and ends between two reads leaves it unchanged and cannot be
   * told from the previous one; this ends such a wait sooner than `timeout`. `Infinity`: never (the
   * wait then ends at `timeout`). Default: 30000.
   */
  settle?: number | undefined;
}

/** The default of `MetadataRefreshWaitOptions.settle`, in ms. */
export const METADATA_SETTLE_MS = 30_000;

/**
 * Waits until the metadata refresh of a catalog ends; resolves with the final (normalized) status
 * once it is `COMPLETED`, rejects with `PeakaJobFailedError` on `FAILED` or `STUCK`. `NOT_ACTIVE`
 * never ends the wait. `after` is the state read before the trigger: with it, the job counts as
 * started once a read shows it in progress, or a final state after any read that differed from
 * `after` (e.g. `COMPLETED` → `NOT_ACTIVE` → `COMPLETED`), or a final state other than `after`.
 * When every read shows the final state `after` itself, the status cannot tell a refresh that ended
 * between two reads from the previous one: after `settle` ms (default 30 s) that state is taken for
 * the new refresh's end. Without `after`, any in-progress or final state counts.
 */
export async function waitForMetadataRefresh(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; catalogId: string; after?: MetadataRefreshState },
  options?: MetadataRefreshWaitOptions,
): Promise<NormalizedRefreshJobStatus> {
  requireIds(ids, ["projectId", "catalogId"], "waitForMetadataRefresh");
  const { projectId, catalogId, after } = ids;
  const settle = checkTimeout("settle", options?.settle, METADATA_SETTLE_MS);
  const { settle: _settle, ...pollOptions } = options ?? {};
  const ambiguous = after !== undefined && METADATA_ENDED.has(after);
  let started = false;
  let moved = false;
  let first: number | undefined;
  return poll(
    {
      name: `metadata refresh of catalog ${catalogId}`,
      read: (signal) => call(peaka, getMetadataRefreshStatus, { projectId, catalogId }, { signal }),
      stateOf: (s) => s.status,
      isRun: (s) => {
        const now = Date.now();
        first ??= now;
        if (s.status !== after) moved = true;
        return (started ||=
          METADATA_IN_PROGRESS.has(s.status) ||
          (METADATA_ENDED.has(s.status) && (s.status !== after || moved)) ||
          (ambiguous && s.status === after && now - first >= settle));
      },
      verdict: judge(METADATA_REFRESH_STATES),
    },
    pollOptions,
  );
}

/**
 * Starts a metadata refresh of a catalog and waits for it: reads the current state, triggers the
 * refresh (with the optional callback), then waits as `waitForMetadataRefresh` does with that state
 * as `after`. Resolves once the refresh is `COMPLETED`. When the state before was already final and
 * no read after the trigger shows anything else, the refresh is taken to have ended between two
 * reads once `settle` ms (default 30 s) have passed: the status has nothing else to tell it by.
 */
export async function refreshMetadataAndWait(
  peaka: PeakaClientOrCore,
  args: { projectId: string; catalogId: string; callbackURL?: string; callbackToken?: string },
  options?: MetadataRefreshWaitOptions,
): Promise<NormalizedRefreshJobStatus> {
  requireIds(args, ["projectId", "catalogId"], "refreshMetadataAndWait");
  const { projectId, catalogId, callbackURL, callbackToken } = args;
  const signal = checkPollOptions(options).signal;
  checkTimeout("settle", options?.settle, METADATA_SETTLE_MS);
  let before: MetadataRefreshState | undefined;
  try {
    before = (await call(peaka, getMetadataRefreshStatus, { projectId, catalogId }, { signal })).status;
  } catch (error) {
    if (!(error instanceof PeakaNotFoundError)) throw error; // no refresh on record yet
  }
  const body = { catalogId, ...(callbackURL !== undefined ? { callbackURL } : {}), ...(callbackToken !== undefined ? { callbackToken } : {}) };
  await call(peaka, refreshMetadata, { projectId, body }, { signal });
  return waitForMetadataRefresh(peaka, { projectId, catalogId, ...(before ? { after: before } : {}) }, options);
}

/** Waits until an export job ends; resolves with the job, whose `files` can then be downloaded. */
export async function waitForExport(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; exportId: string },
  options?: PollOptions<ExportJob>,
): Promise<ExportJob> {
  requireIds(ids, ["projectId", "exportId"], "waitForExport");
  const { projectId, exportId } = ids;
  return poll(
    {
      name: `export ${exportId}`,
      read: (signal) => call(peaka, getExport, { projectId, exportId }, { signal }),
      stateOf: (s) => s.status,
      verdict: judge(EXPORT_STATES),
    },
    options,
  );
}

/**
 * Waits until a materialized query's refresh ends; resolves with its final status once it is
 * `COMPLETED`. Pass `after` (its `lastExecutionStartTime` read before the trigger, `null` when it
 * never ran) to wait for a newer run: until `lastExecutionStartTime` moves past it, the status still
 * shows the previous run and is neither judged nor reported. Without `after`, the first final status
 * ends the wait, which right after a trigger may be the previous run's.
 */
export async function waitForMaterializedQuery(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; queryId: string; after?: string | null },
  options?: PollOptions<MaterializedQueryStatus>,
): Promise<MaterializedQueryStatus> {
  requireIds(ids, ["projectId", "queryId"], "waitForMaterializedQuery");
  const { projectId, queryId } = ids;
  const after = ids.after;
  if (after !== undefined && after !== null && typeof after !== "string") {
    throw new PeakaInvalidArgumentError(`waitForMaterializedQuery: \`after\` must be the lastExecutionStartTime read before the trigger (a string or null).`);
  }
  return poll(
    {
      name: `materialized query ${queryId} refresh`,
      read: (signal) => call(peaka, getMaterializedQueryStatus, { projectId, queryId }, { signal }),
      stateOf: (s) => s.status,
      ...(after !== undefined ? { isRun: (s: MaterializedQueryStatus) => isNewerStart(s.lastExecutionStartTime, after) } : {}),
      verdict: judge(MATERIALIZED_QUERY_STATES),
    },
    options,
  );
}

/**
 * Refreshes a materialized query and waits for that refresh: reads `lastExecutionStartTime`, triggers
 * the refresh, then waits until a run that started later has ended. Resolves with the status once
 * the new run is `COMPLETED`; rejects with `PeakaJobFailedError` when it ends `FAILED`, `CANCELED`,
 * `TERMINATED` or `TIMED_OUT`, and with `PeakaTimeoutError` at the deadline (also when it never starts).
 */
export async function refreshMaterializedQueryAndWait(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; queryId: string },
  options?: PollOptions<MaterializedQueryStatus>,
): Promise<MaterializedQueryStatus> {
  requireIds(ids, ["projectId", "queryId"], "refreshMaterializedQueryAndWait");
  const { projectId, queryId } = ids;
  const signal = checkPollOptions(options).signal;
  const before = await call(peaka, getMaterializedQueryStatus, { projectId, queryId }, { signal });
  await call(peaka, refreshMaterializedQuery, { projectId, queryId }, { signal });
  return waitForMaterializedQuery(peaka, { projectId, queryId, after: before.lastExecutionStartTime ?? null }, options);
}
