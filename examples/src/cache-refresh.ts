// Cache refresh: cache a table, then run a full refresh and an incremental update and wait for each,
// printing progress as the waiter sees it. The waiters take the run they wait for from a baseline read
// before the trigger, so a status that still shows the previous run is not mistaken for the new one.
import { fullRefreshCacheAndWait, incrementalUpdateCacheAndWait } from "@peaka/api";
import { isMain, runOnSimulator, type Example } from "./run.js";

export async function main({ peaka, ids, log }: Example) {
  const { projectId, catalogId } = ids;
  const created = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
  log(`cache ${created.id} on ${created.schemaName}.${created.tableName} (creating it starts a first full refresh)`);

  const full = await fullRefreshCacheAndWait(peaka, { projectId, cacheId: created.id }, {
    interval: 250, // first wait, growing by 1.5x up to maxInterval
    timeout: 5 * 60_000,
    onProgress: (status, state) =>
      log(`  full refresh: ${state}, ${status.lastFullRefreshCacheExecution?.progress?.numberOfCachedRecords ?? 0} rows cached`),
  });
  const cached = full.lastFullRefreshCacheExecution?.progress?.numberOfCachedRecords ?? 0;
  log(`full refresh ${full.lastFullRefreshCacheExecution?.status}: ${cached} rows`);

  const incremental = await incrementalUpdateCacheAndWait(peaka, { projectId, cacheId: created.id }, { interval: 250 });
  log(`incremental update ${incremental.lastIncrementalCacheExecution?.status}`);

  const history = await peaka.cache.listExecutionHistory({ projectId, cacheId: created.id });
  log(`runs so far: ${history.map((run) => run.status).join(", ")}`);
  return { cacheId: created.id, cached, full: full.lastFullRefreshCacheExecution?.status, incremental: incremental.lastIncrementalCacheExecution?.status, runs: history.length };
}

if (isMain(import.meta.url)) await runOnSimulator(main);
