// A module of "your own code", the kind the simulator is there to test: make sure a table is cached
// and freshly refreshed, making its cache the first time, and say how many rows it holds.
import { fullRefreshCacheAndWait, waitForCacheRun, type CacheStatus, type PeakaClient, type PollOptions } from "@peaka/api";

export interface TableRef {
  projectId: string;
  catalogId: string;
  schemaName: string;
  tableName: string;
}

export interface Freshened {
  cacheId: string;
  /** True when this call made the cache (its first full refresh is the one waited for). */
  created: boolean;
  rows: number;
}

/** Refreshes the table's cache (making it when the table has none) and waits for the run to end. */
export async function freshenTable(peaka: PeakaClient, table: TableRef, wait: PollOptions<CacheStatus> = {}): Promise<Freshened> {
  const { projectId, catalogId, schemaName, tableName } = table;
  const caches = await peaka.cache.listStatusesBySchema({ projectId, catalogId, schemaName });
  const existing = caches.find((c) => c.tableName === tableName);
  let status: CacheStatus;
  if (existing?.id) {
    status = await fullRefreshCacheAndWait(peaka, { projectId, cacheId: existing.id }, wait);
  } else {
    // Making a cache starts its first full refresh: wait for that run (there was none before it)
    // rather than starting another.
    const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName, tableName } });
    status = await waitForCacheRun(peaka, { projectId, cacheId: cache.id, mode: "FULL_REFRESH", after: null }, wait);
  }
  const run = status.lastFullRefreshCacheExecution;
  return { cacheId: status.id ?? existing?.id ?? "", created: !existing, rows: run?.progress?.numberOfCachedRecords ?? 0 };
}
