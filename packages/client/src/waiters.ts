// Waiting on Peaka's long-running jobs. Each waiter is `poll` plus a table that judges the job's
// states; the tables are typed against the spec's enums, so a state added to or removed from the spec
// is a compile error here until it is judged.
import type { components } from "@peaka/api-types";
import type { PeakaClient } from "./client.js";
import type { MetadataRefreshState, NormalizedRefreshJobStatus } from "./normalize.js";
import { poll, type JobVerdict, type PollOptions } from "./poll.js";

type Schemas = components["schemas"];
type CacheStatus = Schemas["CacheStatus"];
type ExportJob = Schemas["ExportJob"];
type MaterializedQueryStatus = Schemas["MaterializedQueryStatus"];

function judge<T extends string>(table: Record<T, JobVerdict>) {
  // States the spec does not (yet) list keep the wait going until the deadline.
  return (state: string): JobVerdict => (table as Record<string, JobVerdict>)[state] ?? "pending";
}

/** Cache sync states. `NOT_INITIALIZED` is pending: the first sync has not been recorded yet. */
export const CACHE_SYNC_STATES: Record<CacheStatus["status"], JobVerdict> = {
  NOT_INITIALIZED: "pending",
  RUNNING: "pending",
  COMPLETED: "succeeded",
  FAILED: "failed",
  CANCELLED: "failed",
  DELETED: "failed",
};

/** Metadata refresh states. `NOT_ACTIVE` means no refresh job is running any more. */
export const METADATA_REFRESH_STATES: Record<MetadataRefreshState, JobVerdict> = {
  WAITING: "pending",
  DELAYED: "pending",
  ACTIVE: "pending",
  PAUSED: "pending",
  COMPLETED: "succeeded",
  NOT_ACTIVE: "succeeded",
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

/** Waits until a cache's sync (full refresh or incremental update) ends; resolves with the final status. */
export function waitForCacheSync(
  peaka: PeakaClient,
  ids: { projectId: string; cacheId: string },
  options?: PollOptions<CacheStatus>,
): Promise<CacheStatus> {
  return poll(
    {
      name: `cache sync ${ids.cacheId}`,
      read: (signal) => peaka.cache.getStatus({ ...ids, excludeLogs: true }, { signal }),
      stateOf: (s) => s.status,
      verdict: judge(CACHE_SYNC_STATES),
    },
    options,
  );
}

/** Waits until the metadata refresh of a catalog ends; resolves with the final (normalized) status. */
export function waitForMetadataRefresh(
  peaka: PeakaClient,
  ids: { projectId: string; catalogId: string },
  options?: PollOptions<NormalizedRefreshJobStatus>,
): Promise<NormalizedRefreshJobStatus> {
  return poll(
    {
      name: `metadata refresh of catalog ${ids.catalogId}`,
      read: (signal) => peaka.metadata.getRefreshStatus(ids, { signal }),
      stateOf: (s) => s.status,
      verdict: judge(METADATA_REFRESH_STATES),
    },
    options,
  );
}

/** Waits until an export job ends; resolves with the job, whose `files` can then be downloaded. */
export function waitForExport(
  peaka: PeakaClient,
  ids: { projectId: string; exportId: string },
  options?: PollOptions<ExportJob>,
): Promise<ExportJob> {
  return poll(
    {
      name: `export ${ids.exportId}`,
      read: (signal) => peaka.exports.get(ids, { signal }),
      stateOf: (s) => s.status,
      verdict: judge(EXPORT_STATES),
    },
    options,
  );
}

/** Waits until a materialized query's refresh ends; resolves with its final status. */
export function waitForMaterializedQuery(
  peaka: PeakaClient,
  ids: { projectId: string; queryId: string },
  options?: PollOptions<MaterializedQueryStatus>,
): Promise<MaterializedQueryStatus> {
  return poll(
    {
      name: `materialized query ${ids.queryId} refresh`,
      read: (signal) => peaka.materializedQueries.getStatus(ids, { signal }),
      stateOf: (s) => s.status,
      verdict: judge(MATERIALIZED_QUERY_STATES),
    },
    options,
  );
}
