// The @peaka/simulator smoke every runtime runs (Node 20/22/24 ESM and CJS, Bun, Deno, Chromium): a
// client on `sim.fetch` creates a cache, lists it, runs a full refresh on the simulator's clock, and
// downloads a gzip JSONL export from its signed URL (URL signatures and gzip must work in the runtime).
// No Node APIs; resolves with one line per check and throws on the first failure.
function check(condition, message) {
  if (!condition) throw new Error(`simulator smoke check failed: ${message}`);
}

/** @param {typeof import("@peaka/api")} api @param {typeof import("@peaka/simulator")} simulator */
export async function runSimulatorSmoke(api, simulator) {
  const lines = [];
  const started = Date.now();
  const sim = simulator.createPeakaSimulator({ seed: 7 });
  lines.push(`createPeakaSimulator: ${Date.now() - started} ms`);
  const peaka = api.createPeakaClient({ fetch: sim.fetch, apiKey: sim.partnerKey, maxRetries: 0 });
  const { projectId, catalogId } = sim.seeded;

  const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
  const listed = await peaka.cache.listStatusesByProject({ projectId });
  check(listed.some((c) => c.id === cache.id), "the new cache is listed");
  lines.push(`cache.create + listStatusesByProject -> ${listed.length} cache(s)`);

  const status = await api.fullRefreshCacheAndWait(peaka, { projectId, cacheId: cache.id }, { interval: 1, onProgress: () => sim.clock.advance(1000) });
  const run = status.lastFullRefreshCacheExecution;
  check(run?.status === "COMPLETED", `the refresh completed (got ${run?.status})`);
  lines.push(`fullRefreshCacheAndWait -> ${run.status} (${run.progress?.numberOfCachedRecords} rows)`);

  let refused;
  try {
    await api.createPeakaClient({ fetch: sim.fetch, apiKey: sim.projectKey, maxRetries: 0 }).organizations.list();
  } catch (error) {
    refused = error;
  }
  check(refused instanceof api.PeakaPermissionDeniedError, `a project key gets 403 on a partner-only operation (got ${refused})`);
  lines.push("project key on a partner-only operation -> PeakaPermissionDeniedError");

  const { id } = await peaka.exports.exportTable({ projectId, catalogId, schemaName: "public", tableName: "customers", body: { format: "JSONL", compression: "GZIP", limit: 5 } });
  const job = await api.waitForExport(peaka, { projectId, exportId: id }, { interval: 1, onProgress: () => sim.clock.advance(1000) });
  const file = job.files?.[0];
  check(job.status === "SUCCEEDED" && file, `the export succeeded with a file (got ${job.status})`);
  const res = await sim.fetch(file.url);
  check(res.status === 200, `the signed URL answers 200 (got ${res.status})`);
  const text = await new Response(res.body.pipeThrough(new DecompressionStream("gzip"))).text();
  const rows = text.trim().split("\n").map((l) => JSON.parse(l));
  check(rows.length === 5 && "customer_id" in rows[0], `the gzip JSONL file holds 5 customers (got ${rows.length})`);
  const forged = await sim.fetch(file.url.replace(/signature=[0-9a-f]/, (m) => m.slice(0, -1) + (m.endsWith("0") ? "1" : "0")));
  check(forged.status === 403, `a changed signature answers 403 (got ${forged.status})`);
  lines.push(`export JSONL gzip -> ${rows.length} rows through the signed URL; a changed signature -> 403`);
  return lines;
}

/**
 * @peaka/simulator/msw on Node: msw's setupServer with the simulator's handlers, and a plain
 * `createPeakaClient()` (no fetch option, no baseUrl) that reaches the simulator through the global fetch.
 * @param {typeof import("@peaka/simulator/msw")} simMsw @param {typeof import("msw/node")} mswNode
 */
export async function runMswSmoke(api, simulator, simMsw, mswNode) {
  const sim = simulator.createPeakaSimulator();
  const server = mswNode.setupServer(...simMsw.simulatorHandlers(sim));
  server.listen({ onUnhandledRequest: "error" });
  try {
    const peaka = api.createPeakaClient({ apiKey: sim.partnerKey, maxRetries: 0 });
    const projects = await peaka.legacyProjects.list();
    check(projects.length === 1 && projects[0].id === sim.seeded.projectId, "the seeded project is listed through MSW");
    check(sim.requests.length === 1 && sim.requests[0].operationId === "listLegacyProjects", "the simulator answered the request");
    return `msw setupServer + createPeakaClient() -> ${projects.length} project (${projects[0].id})`;
  } finally {
    server.close();
  }
}
