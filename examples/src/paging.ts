// Paging: every list that Peaka pages has an iterator that follows its cursor — exports by
// `createdBefore`, catalog search and a cache's run history by offset — and stops on Peaka's end signal,
// never on a short page.
import { iterateCacheExecutionHistory, iterateExports, waitForExport } from "@peaka/api";
import { isMain, runOnSimulator, type Example } from "./run.js";

export async function main({ peaka, ids, log }: Example) {
  const { projectId, catalogId } = ids;
  // Something to page through: five exports of the same table.
  const started: string[] = [];
  for (let i = 0; i < 5; i++) {
    const job = await peaka.exports.exportTable({ projectId, catalogId, schemaName: "public", tableName: "customers", body: { format: "CSV", limit: 10 } });
    started.push(job.id);
  }
  await waitForExport(peaka, { projectId, exportId: started.at(-1)! }, { interval: 200 });

  // Two jobs a page: the iterator asks for the next page with the cursor the last one gave.
  const seen: string[] = [];
  for await (const job of iterateExports(peaka, { projectId }, { pageSize: 2 })) {
    seen.push(job.id);
    log(`  export ${job.id} ${job.status} ${job.rowCount ?? "-"} rows, created ${job.createdAt}`);
  }
  log(`${seen.length} exports, newest first`);

  // A cache's runs, a page of one at a time.
  const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "customers" } });
  const runs: string[] = [];
  for await (const run of iterateCacheExecutionHistory(peaka, { projectId, cacheId: cache.id }, { pageSize: 1 })) runs.push(run.status);
  log(`cache runs: ${runs.join(", ")}`);
  return { started, seen, runs };
}

if (isMain(import.meta.url)) await runOnSimulator(main);
