// Job lifecycles on the simulator's clock, and @peaka/api's waiters, iterators and row stream on them.
import { gunzipSync } from "node:zlib";
import { fullRefreshCacheAndWait, iterateCacheExecutionHistory, refreshMaterializedQueryAndWait, refreshMetadataAndWait, iterateExports, PeakaJobFailedError, waitForCacheSync, waitForExport, type ExportJob } from "@peaka/api";
import { streamRows } from "@peaka/api/sql";
import { describe, expect, it } from "vitest";
import type { PeakaSimulator } from "../src/index.js";
import { clientOf, simulator } from "./support.js";

/** Poll options that move the simulator's clock by `step` ms at each status the waiter reports. */
const advancing = (sim: PeakaSimulator, step: number) => ({ interval: 1, maxInterval: 1, timeout: 15_000, onProgress: () => sim.clock.advance(step) });

/** Advances the simulator's clock by `step` ms at each turn of the event loop until `work` settles. */
async function ticking<T>(sim: PeakaSimulator, step: number, work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => (settled = true));
  while (!settled) {
    sim.clock.advance(step);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return done;
}

async function newCache(sim: PeakaSimulator, tableName = "orders") {
  const peaka = clientOf(sim, sim.projectKey);
  const { projectId, catalogId } = sim.seeded;
  const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName } });
  return { peaka, projectId, cacheId: cache.id };
}

describe("cache runs", () => {
  it("creating a cache starts its first full refresh, which completes after cacheRunMs of simulator time", async () => {
    const sim = simulator({ jobs: { cacheRunMs: 4000 } });
    const { peaka, projectId, cacheId } = await newCache(sim);
    const first = await peaka.cache.getStatus({ projectId, cacheId });
    expect(first).toMatchObject({ status: "RUNNING", lastIncrementalCacheExecution: null, lastFullRefreshCacheExecution: { status: "RUNNING", finishedAt: null, progress: null } });
    sim.clock.advance(3999);
    expect((await peaka.cache.getStatus({ projectId, cacheId })).status).toBe("RUNNING");
    sim.clock.advance(1);
    const done = await peaka.cache.getStatus({ projectId, cacheId });
    expect(done).toMatchObject({ status: "COMPLETED", lastFullRefreshCacheExecution: { status: "COMPLETED", finishedAt: sim.clock.iso(), progress: { numberOfCachedRecords: 2000 } } });
  });

  it("serves the previous run for staleReads reads after a trigger; fullRefreshCacheAndWait waits for the new run", async () => {
    const sim = simulator({ jobs: { staleReads: 2 } });
    const { peaka, projectId, cacheId } = await newCache(sim);
    sim.clock.advance(10_000);
    const before = (await peaka.cache.getStatus({ projectId, cacheId })).lastFullRefreshCacheExecution!;
    expect(before.status).toBe("COMPLETED");
    const from = sim.requests.length;

    const result = await fullRefreshCacheAndWait(peaka, { projectId, cacheId }, advancing(sim, 1000));
    const run = result.lastFullRefreshCacheExecution!;
    expect(run.id).not.toBe(before.id);
    expect(run.status).toBe("COMPLETED");
    expect(Date.parse(run.createdAt!)).toBeGreaterThan(Date.parse(before.createdAt!));

    const reads = sim.requests.slice(from).filter((r) => r.operationId === "getCacheStatus").map((r) => (r.responseBody as any).lastFullRefreshCacheExecution.id);
    // the helper's baseline read, then the trigger, then two reads that still show the old run
    expect(reads.slice(0, 3)).toEqual([before.id, before.id, before.id]);
    expect(reads.at(-1)).toBe(run.id);
  });

  it("lets a waiter that does not know its run resolve with the previous run, as Peaka does", async () => {
    const sim = simulator();
    const { peaka, projectId, cacheId } = await newCache(sim);
    sim.clock.advance(10_000);
    const before = (await peaka.cache.getStatus({ projectId, cacheId })).lastFullRefreshCacheExecution!;
    await peaka.cache.triggerFullRefresh({ projectId, cacheId });
    const naive = await waitForCacheSync(peaka, { projectId, cacheId }, { interval: 1, timeout: 5000 });
    expect(naive.lastFullRefreshCacheExecution!.id).toBe(before.id);
    // the second of the two stale reads, then the new run
    expect((await peaka.cache.getStatus({ projectId, cacheId })).lastFullRefreshCacheExecution!.id).toBe(before.id);
    expect((await peaka.cache.getStatus({ projectId, cacheId })).lastFullRefreshCacheExecution!.status).toBe("RUNNING");
  });

  it("cancels a running run (CANCELLED), and refuses to cancel when nothing runs", async () => {
    const sim = simulator({ jobs: { staleReads: 0 } });
    const { peaka, projectId, cacheId } = await newCache(sim);
    await expect(peaka.cache.cancelIncrementalUpdate({ projectId, cacheId })).rejects.toMatchObject({ status: 400 });
    await peaka.cache.cancelFullRefresh({ projectId, cacheId });
    expect(await peaka.cache.getStatus({ projectId, cacheId })).toMatchObject({ status: "CANCELLED", lastFullRefreshCacheExecution: { status: "CANCELLED" } });
    await peaka.cache.triggerIncrementalUpdate({ projectId, cacheId });
    expect(await peaka.cache.getStatus({ projectId, cacheId })).toMatchObject({ status: "RUNNING", lastIncrementalCacheExecution: { status: "RUNNING", executionMode: "INCREMENTAL" } });
  });

  it("pages the execution history with offset and limit, newest first", async () => {
    const sim = simulator({ jobs: { staleReads: 0 } });
    const { peaka, projectId, cacheId } = await newCache(sim);
    for (let i = 0; i < 4; i++) {
      sim.clock.advance(10_000);
      await peaka.cache.triggerFullRefresh({ projectId, cacheId });
    }
    const page = await peaka.cache.listExecutionHistory({ projectId, cacheId, limit: 2, offset: 1 });
    expect(page).toHaveLength(2);
    const all: string[] = [];
    for await (const run of iterateCacheExecutionHistory(peaka, { projectId, cacheId }, { pageSize: 2 })) all.push(run.createdAt!);
    expect(all).toHaveLength(5);
    expect([...all].sort().reverse()).toEqual(all);
    expect(page.map((r) => r.createdAt)).toEqual(all.slice(1, 3));
  });
});

describe("materialized query refreshes", () => {
  async function materialized(sim: PeakaSimulator) {
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const q = await peaka.queries.create({ projectId, body: { displayName: "Orders snapshot", inputQuery: 'SELECT * FROM "shop"."public"."orders"', queryType: "MATERIALIZED", schedule: { type: "none" } } });
    return { peaka, projectId, queryId: q.id };
  }

  it("report COMPLETED with null times before a first run, CANCELED (one L) when cancelled", async () => {
    const sim = simulator({ jobs: { staleReads: 0 } });
    const { peaka, projectId, queryId } = await materialized(sim);
    expect(await peaka.materializedQueries.getStatus({ projectId, queryId })).toMatchObject({ status: "COMPLETED", lastExecutionStartTime: null, lastUpdateTime: null, queryName: "orderssnapshot" });
    await peaka.materializedQueries.refresh({ projectId, queryId });
    expect(await peaka.materializedQueries.getStatus({ projectId, queryId })).toMatchObject({ status: "RUNNING", lastExecutionStartTime: sim.clock.iso() });
    await peaka.materializedQueries.cancel({ projectId, queryId });
    expect((await peaka.materializedQueries.getStatus({ projectId, queryId })).status).toBe("CANCELED");
    await expect(peaka.materializedQueries.cancel({ projectId, queryId })).rejects.toMatchObject({ status: 400 });
    expect((await peaka.materializedQueries.listStatuses({ projectId })).map((s) => s.queryId)).toEqual([queryId]);
    await expect(peaka.materializedQueries.getStatus({ projectId, queryId: sim.seeded.queryId })).rejects.toMatchObject({ status: 400 });
  });

  it("serve the previous state for staleReads reads after a trigger; refreshMaterializedQueryAndWait waits for the new run", async () => {
    const sim = simulator({ jobs: { staleReads: 2, materializedRunMs: 3000 } });
    const { peaka, projectId, queryId } = await materialized(sim);
    const from = sim.requests.length;
    const done = await refreshMaterializedQueryAndWait(peaka, { projectId, queryId }, advancing(sim, 1000));
    expect(done.status).toBe("COMPLETED");
    const starts = sim.requests.slice(from).filter((r) => r.operationId === "getMaterializedQueryStatus").map((r) => (r.responseBody as any).lastExecutionStartTime);
    expect(starts.slice(0, 3)).toEqual([null, null, null]); // baseline, then two stale reads
    expect(starts.at(-1)).toEqual(expect.any(String));
    expect(Date.parse(done.lastUpdateTime!) - Date.parse(done.lastExecutionStartTime!)).toBe(3000);
  });
});

describe("metadata refreshes", () => {
  it("go not-active (queued) -> active -> completed in kebab case; refreshMetadataAndWait sees the new job through", async () => {
    const sim = simulator({ jobs: { metadataQueuedMs: 1000, metadataRunMs: 4000 } });
    const peaka = clientOf(sim, sim.projectKey);
    const { projectId, catalogId } = sim.seeded;
    // what the simulator sent (the client hands back the upper-case form)
    const raw = async () => {
      await peaka.metadata.getRefreshStatus({ projectId, catalogId });
      return sim.requests.at(-1)!.responseBody as { status: string };
    };
    expect((await raw()).status).toBe("not-active");
    await peaka.metadata.refresh({ projectId, body: { catalogId } });
    sim.clock.advance(999);
    expect((await raw()).status).toBe("not-active");
    sim.clock.advance(1);
    expect((await raw()).status).toBe("active");
    sim.clock.advance(4000);
    expect((await raw()).status).toBe("completed");

    // A queued job is not yet the waiter's run, so it reports no progress: move the clock from outside.
    const done = await ticking(sim, 50, refreshMetadataAndWait(peaka, { projectId, catalogId }, { interval: 1, maxInterval: 1, timeout: 15_000 }));
    expect(done.status).toBe("COMPLETED");
    const states = sim.requests.filter((r) => r.operationId === "getMetadataRefreshStatus").map((r) => (r.responseBody as { status: string }).status);
    // before the second trigger: the first job's end; then the waiter must have seen the new job run
    expect(states[4]).toBe("completed");
    expect(states.slice(5)).toContain("active");
    expect(states.at(-1)).toBe("completed");
    await expect(peaka.metadata.refresh({ projectId, body: {} })).rejects.toMatchObject({ status: 400 });
  });
});

describe("exports", () => {
  const table = (sim: PeakaSimulator, tableName: string) => ({ projectId: sim.seeded.projectId, catalogId: sim.seeded.catalogId, schemaName: "public", tableName });

  it("go PENDING -> RUNNING -> SUCCEEDED on the clock, with a real CSV file at a signed URL that expires", async () => {
    const sim = simulator({ jobs: { exportPendingMs: 500, exportRunMs: 2000, fileUrlTtlMs: 60_000 } });
    const peaka = clientOf(sim, sim.projectKey);
    const accepted = await peaka.exports.exportTable({ ...table(sim, "customers"), body: { format: "CSV" } });
    expect(accepted.status).toBe("PENDING");
    const ids = { projectId: sim.seeded.projectId, exportId: accepted.id };
    sim.clock.advance(499);
    expect((await peaka.exports.get(ids)).status).toBe("PENDING");
    sim.clock.advance(1);
    expect((await peaka.exports.get(ids)).status).toBe("RUNNING");
    sim.clock.advance(2000);
    const job = await peaka.exports.get(ids);
    expect(job).toMatchObject({ status: "SUCCEEDED", rowCount: 500, downloadable: true, source: 'shop.public."customers"' });
    const file = job.files![0]!;
    const res = await sim.fetch(file.url);
    expect(res.headers.get("content-type")).toBe("text/csv");
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines[0]).toBe("customer_id,name,email,country,created_at");
    expect(lines).toHaveLength(501);
    expect(file.bytes).toBe(new TextEncoder().encode(lines.join("\n") + "\n").length);

    expect((await sim.fetch(file.url.replace(/signature=[0-9a-f]{4}/, "signature=0000"))).status).toBe(403);
    sim.clock.advance(60_000);
    const expired = await sim.fetch(file.url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("Request has expired");
    // The signature covers the expiry: moving `expires` later does not revive the URL.
    const extended = file.url.replace(/expires=(\d+)/, (_, ms: string) => `expires=${Number(ms) + 3_600_000}`);
    expect(extended).not.toBe(file.url);
    expect((await sim.fetch(extended)).status).toBe(403);
    const fresh = (await peaka.exports.get(ids)).files![0]!.url;
    expect((await sim.fetch(fresh)).status).toBe(200);
  });

  it("waitForExport on the clock, then a gzipped JSONL file with the chosen columns and limit", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const { id } = await peaka.exports.exportTable({ ...table(sim, "orders"), body: { format: "JSONL", compression: "GZIP", columns: ["order_id", "paid_at"], limit: 25 } });
    const job = await waitForExport(peaka, { projectId: sim.seeded.projectId, exportId: id }, advancing(sim, 400));
    expect(job).toMatchObject({ status: "SUCCEEDED", rowCount: 25, compression: "GZIP", files: [{ name: "part-00000.jsonl.gz" }] });
    const bytes = new Uint8Array(await (await sim.fetch(job.files![0]!.url)).arrayBuffer());
    const rows = gunzipSync(bytes).toString("utf8").trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(25);
    expect(rows[0]).toEqual({ order_id: 1, paid_at: expect.toBeOneOf([null, expect.any(String)]) });
  });

  it("streamRows reads every row of a table through the export and its gzip file", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    let count = 0;
    let last: Record<string, unknown> | undefined;
    for await (const row of streamRows(peaka, table(sim, "order_items"), { fetch: sim.fetch, wait: advancing(sim, 1000) })) {
      count++;
      last = row;
    }
    expect(count).toBe(5000);
    expect(last).toMatchObject({ order_item_id: 5000 });
  });

  it("fail a job that names a column the table lacks; waitForExport rejects", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const { id } = await peaka.exports.exportTable({ ...table(sim, "orders"), body: { columns: ["amount_eur"] } });
    const error = await waitForExport(peaka, { projectId: sim.seeded.projectId, exportId: id }, advancing(sim, 1000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((await peaka.exports.get({ projectId: sim.seeded.projectId, exportId: id })).error).toContain("amount_eur");
  });

  it("expire after the retention time: EXPIRED, no files", async () => {
    const sim = simulator({ jobs: { exportRetentionMs: 3_600_000, fileUrlTtlMs: 7_200_000 } });
    const peaka = clientOf(sim, sim.projectKey);
    const { id } = await peaka.exports.exportTable({ ...table(sim, "customers"), body: {} });
    sim.clock.advance(2500);
    const url = (await peaka.exports.get({ projectId: sim.seeded.projectId, exportId: id })).files![0]!.url;
    sim.clock.advance(3_600_000);
    expect(await peaka.exports.get({ projectId: sim.seeded.projectId, exportId: id })).toMatchObject({ status: "EXPIRED", downloadable: false });
    expect((await sim.fetch(url)).status).toBe(404);
  });

  it("iterateExports pages with the createdBefore cursor, newest first; listExports clamps limit to 200 and filters by status", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.push((await peaka.exports.exportTable({ ...table(sim, "customers"), body: {} })).id);
      sim.clock.advance(1000);
    }
    const seen: ExportJob[] = [];
    for await (const job of iterateExports(peaka, { projectId: sim.seeded.projectId }, { pageSize: 3 })) seen.push(job);
    expect(seen.map((j) => j.id)).toEqual([...made].reverse());
    expect(seen.every((j) => j.files === undefined)).toBe(true);
    const cursors = sim.requests.filter((r) => r.operationId === "listExports").map((r) => new URL(r.url).searchParams.get("createdBefore"));
    // iterateExports asks up to (and including) the last job's instant: createdBefore is that + 1 ms.
    const after = (job: ExportJob) => new Date(Date.parse(job.createdAt!) + 1).toISOString();
    expect(cursors).toEqual([null, after(seen[2]!), after(seen[5]!), after(seen[6]!)]);

    expect(await peaka.exports.list({ projectId: sim.seeded.projectId, limit: 500 })).toHaveLength(7);
    const succeeded = await peaka.exports.list({ projectId: sim.seeded.projectId, status: "SUCCEEDED" });
    expect(succeeded.map((j) => j.id)).toEqual([...made].slice(0, 5).reverse()); // the last two are still pending or running
  });

  it("write CSV with the request's options: delimiter, quote, record separator, header, null value", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const csvOptions = { delimiter: ";", quoteChar: "'", recordSeparator: "\r\n", includeHeader: false, nullValue: "NULL" };
    const { id } = await peaka.exports.exportTable({ ...table(sim, "orders"), body: { format: "CSV", columns: ["order_id", "paid_at", "status"], csvOptions } });
    sim.clock.advance(10_000);
    const job = await peaka.exports.get({ projectId: sim.seeded.projectId, exportId: id });
    const text = await (await sim.fetch(job.files![0]!.url)).text();
    const lines = text.split("\r\n");
    expect(lines).toHaveLength(2001); // 2,000 rows, each ended by the separator, no header
    expect(lines[0]).toMatch(/^1;(NULL|[^;]+);[a-z]+$/);
    expect(lines.some((l) => l.includes(";NULL;"))).toBe(true);
  });

  it("serve at most 200 jobs a page, whatever limit asks for, and 50 without one", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    for (let i = 0; i < 205; i++) await peaka.exports.exportTable({ ...table(sim, "customers"), body: {} });
    expect(await peaka.exports.list({ projectId: sim.seeded.projectId, limit: 500 })).toHaveLength(200);
    expect(await peaka.exports.list({ projectId: sim.seeded.projectId })).toHaveLength(50);
  });

  it("cancels a pending export and leaves a finished one alone", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const ids = { projectId: sim.seeded.projectId, exportId: (await peaka.exports.exportTable({ ...table(sim, "customers"), body: {} })).id };
    await peaka.exports.cancel(ids);
    sim.clock.advance(10_000);
    expect((await peaka.exports.get(ids)).status).toBe("CANCELLED");
    await peaka.exports.cancel(ids);
    expect((await peaka.exports.get(ids)).status).toBe("CANCELLED");
  });
});
