// pnpm demo: reads a cache status and a metadata refresh status with @peaka/api and prints them.
//
// Without PEAKA_API_KEY it starts a Prism mock of spec/peaka.yaml on a free loopback port and talks to
// that; with PEAKA_API_KEY set it talks to the real API (PEAKA_REGION or PEAKA_BASE_URL pick the
// server), first prints whom the key belongs to (GET /info), and reads PEAKA_PROJECT_ID (default: a
// project key's own project), PEAKA_CACHE_ID and PEAKA_CATALOG_ID.
import { createPeakaClient, PeakaApiError } from "@peaka/api";
import { startPrismMock, type PrismMock } from "@peaka/mock";

const env = process.env;
let mock: PrismMock | undefined;
let baseUrl = env["PEAKA_BASE_URL"];
if (!env["PEAKA_API_KEY"]) {
  mock = await startPrismMock();
  baseUrl = `${mock.url}`;
  console.log(`No PEAKA_API_KEY set: using a Prism mock of spec/peaka.yaml at ${mock.url}\n`);
}

try {
  const peaka = createPeakaClient({
    apiKey: env["PEAKA_API_KEY"] ?? "demo-key-for-the-mock",
    region: env["PEAKA_REGION"] === "eu" ? "eu" : "us",
    ...(baseUrl ? { baseUrl } : {}),
  });
  let keyProject: string | undefined;
  if (!mock) {
    // With a real key: whom does it belong to? A project key also names its project.
    const info = await peaka.info.get();
    keyProject = info.projectId;
    const scope = info.projectId ? `project key of ${info.projectName ?? "?"} (${info.projectId})` : "partner key";
    console.log(`Key: ${scope}, owned by ${info.email} (user ${info.userId})\n`);
  }
  const projectId = env["PEAKA_PROJECT_ID"] ?? keyProject ?? "prj4Xq9Z";
  const cacheId = env["PEAKA_CACHE_ID"] ?? "3f6b2a1e-9c4d-4e7a-b8f0-5d2c1a9e7b34";
  const catalogId = env["PEAKA_CATALOG_ID"] ?? "731958204467113201";

  const cache = await peaka.cache.getStatus({ projectId, cacheId, excludeLogs: true });
  console.log(`Cache ${cache.id ?? cacheId} of ${cache.catalogId ?? "?"}.${cache.schemaName ?? "?"}.${cache.tableName ?? "?"}`);
  console.log(`  status: ${cache.status}`);
  const last = cache.lastIncrementalCacheExecution ?? cache.lastFullRefreshCacheExecution;
  if (last?.progress) {
    const p = last.progress;
    console.log(`  last run: ${last.status}, ${p.numberOfCachedRecords ?? 0} cached, ${p.numberOfInsertedRecords ?? 0} inserted, ${p.numberOfUpdatedRecords ?? 0} updated`);
  }

  const refresh = await peaka.metadata.getRefreshStatus({ projectId, catalogId });
  console.log(`Metadata refresh of catalog ${catalogId}`);
  console.log(`  status: ${refresh.status}`);
} catch (error) {
  if (error instanceof PeakaApiError) {
    console.error(`Peaka answered ${error.status} (${error.errorCode ?? "no code"}): ${error.detail}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
} finally {
  await mock?.stop();
}
