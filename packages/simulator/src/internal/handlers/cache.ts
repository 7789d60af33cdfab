// Caches and their two sync modes. A run lasts `cacheRunMs` of simulator time, then COMPLETED. Right
// after a trigger, the next `staleReads` status reads still show the previous run of that mode, as a
// live Peaka does (spec/EVIDENCE.md: getCacheStatus), so a waiter that does not know which run it
// waits for is caught out here as it would be on Peaka.
import type { components } from "@peaka/api-types";
import { badRequest, wrongRequest } from "../http.js";
import type { CacheRecord, CacheRun, ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor, tableOf } from "./data.js";

type S = components["schemas"];
type Mode = "FULL_REFRESH" | "INCREMENTAL";

function cacheOf(p: ProjectRecord, id: string): CacheRecord {
  const c = p.caches.get(id);
  if (!c) throw wrongRequest("Cache settings not found");
  return c;
}

/** A run as it stands at `now`. */
function runAt(run: CacheRun, now: number, rows: number): S["CacheExecutionInfo"] {
  const info = run.info;
  if (info.status !== "RUNNING" || now < run.endsAt) return { ...info };
  const finishedAt = new Date(run.endsAt).toISOString();
  const progress = { numberOfCachedRecords: rows, numberOfInsertedRecords: info.executionMode === "FULL_REFRESH" ? rows : 0, numberOfUpdatedRecords: 0, numberOfDeletedRecords: 0, lastOffset: null, lastCacheTxId: null };
  Object.assign(info, { status: "COMPLETED", progress, updatedAt: finishedAt, finishedAt });
  return { ...info };
}

function rowsOf(p: ProjectRecord, c: CacheRecord): number {
  return p.catalogs.get(c.cache.catalogId)?.schemas.get(c.cache.schemaName)?.get(c.cache.tableName)?.rowCount ?? 0;
}

/** The status of a cache; `read` counts as a status read (it uses up a stale read after a trigger). */
function statusOf(ctx: HandlerContext, p: ProjectRecord, c: CacheRecord, read: boolean): S["CacheStatus"] {
  const now = ctx.clock.now();
  const visible = (mode: Mode) => {
    const runs = c.runs[mode];
    let index = runs.length - 1;
    if (read && c.staleReads[mode] > 0) {
      c.staleReads[mode]--;
      index--;
    }
    const run = runs[index];
    return run ? runAt(run, now, rowsOf(p, c)) : null;
  };
  const full = visible("FULL_REFRESH");
  const incremental = visible("INCREMENTAL");
  const latest = [full, incremental].filter((r) => r !== null).sort((a, b) => Date.parse(b!.createdAt!) - Date.parse(a!.createdAt!));
  const status = latest.some((r) => r!.status === "RUNNING") ? "RUNNING" : ((latest[0]?.status as S["CacheStatus"]["status"] | undefined) ?? "NOT_INITIALIZED");
  return {
    id: c.cache.id,
    status,
    catalogId: c.cache.catalogId,
    schemaName: c.cache.schemaName,
    tableName: c.cache.tableName,
    lastIncrementalCacheExecution: incremental,
    lastFullRefreshCacheExecution: full,
    ...(read && ctx.query["excludeLogs"] === false ? { cacheActionLogs: [] } : {}),
    projectId: p.project.id,
  };
}

function startRun(ctx: HandlerContext, c: CacheRecord, mode: Mode, stale: boolean): void {
  const now = ctx.clock.now();
  const iso = new Date(now).toISOString();
  c.runs[mode].push({
    info: { id: ctx.ids.uuid(), executionMode: mode, status: "RUNNING", error: null, progress: null, createdAt: iso, updatedAt: iso, finishedAt: null },
    endsAt: now + ctx.options.cacheRunMs,
  });
  c.staleReads[mode] = stale ? ctx.options.staleReads : 0;
}

function running(ctx: HandlerContext, c: CacheRecord, mode: Mode): CacheRun | undefined {
  const last = c.runs[mode].at(-1);
  return last && runAt(last, ctx.clock.now(), 0).status === "RUNNING" ? last : undefined;
}

function trigger(mode: Mode) {
  return (ctx: HandlerContext) => {
    const p = projectFor(ctx);
    // No source shows what Peaka does with a trigger while a run of the same mode is in progress;
    // the simulator starts a new run, which becomes the mode's latest.
    startRun(ctx, cacheOf(p, ctx.params["cacheId"]!), mode, true);
    return { status: "STARTED", message: `${mode === "FULL_REFRESH" ? "Full refresh" : "Incremental update"} started` };
  };
}

function cancel(mode: Mode) {
  return (ctx: HandlerContext) => {
    const c = cacheOf(projectFor(ctx), ctx.params["cacheId"]!);
    const run = running(ctx, c, mode);
    if (!run) throw badRequest("No run of this mode is in progress");
    const iso = ctx.clock.iso();
    Object.assign(run.info, { status: "CANCELLED", updatedAt: iso, finishedAt: iso });
    c.staleReads[mode] = 0;
  };
}

function statuses(ctx: HandlerContext, keep: (c: CacheRecord) => boolean) {
  const p = projectFor(ctx);
  return [...p.caches.values()].filter(keep).map((c) => statusOf(ctx, p, c, false));
}

export const cacheHandlers: HandlerTable = {
  createCache: (ctx) => {
    const p = projectFor(ctx);
    const body = ctx.body as S["CacheCreateRequest"];
    tableOf(p, body.catalogId, body.schemaName, body.tableName, badRequest);
    const existing = [...p.caches.values()].find((c) => c.cache.catalogId === body.catalogId && c.cache.schemaName === body.schemaName && c.cache.tableName === body.tableName);
    if (existing) return existing.cache; // a second create answers the existing cache (spec/EVIDENCE.md: createCache)
    const record: CacheRecord = {
      cache: {
        id: ctx.ids.uuid(),
        catalogId: body.catalogId,
        schemaName: body.schemaName,
        tableName: body.tableName,
        incrementalCacheSchedule: body.incrementalCacheSchedule ?? null,
        fullRefreshCacheSchedule: body.fullRefreshCacheSchedule ?? null,
        projectId: p.project.id,
      },
      runs: { FULL_REFRESH: [], INCREMENTAL: [] },
      staleReads: { FULL_REFRESH: 0, INCREMENTAL: 0 },
      deleted: false,
    };
    p.caches.set(record.cache.id, record);
    startRun(ctx, record, "FULL_REFRESH", false); // creating a cache starts its first sync
    return record.cache;
  },
  getCacheSettings: (ctx) => cacheOf(projectFor(ctx), ctx.params["cacheId"]!).cache,
  updateCacheSettings: (ctx) => {
    const c = cacheOf(projectFor(ctx), ctx.params["cacheId"]!);
    const body = ctx.body as S["CacheSettingsUpdateRequest"];
    if (body.incrementalCacheSchedule !== undefined) c.cache.incrementalCacheSchedule = body.incrementalCacheSchedule;
    if (body.fullRefreshCacheSchedule !== undefined) c.cache.fullRefreshCacheSchedule = body.fullRefreshCacheSchedule;
    return c.cache;
  },
  deleteCache: (ctx) => {
    const p = projectFor(ctx);
    cacheOf(p, ctx.params["cacheId"]!);
    p.caches.delete(ctx.params["cacheId"]!);
  },
  getCacheStatus: (ctx) => {
    const p = projectFor(ctx);
    return statusOf(ctx, p, cacheOf(p, ctx.params["cacheId"]!), true);
  },
  listCacheStatusesByProject: (ctx) => statuses(ctx, () => true),
  listCacheStatusesByCatalog: (ctx) => statuses(ctx, (c) => c.cache.catalogId === ctx.params["catalogId"]),
  listCacheStatusesBySchema: (ctx) => statuses(ctx, (c) => c.cache.catalogId === ctx.params["catalogId"] && c.cache.schemaName === ctx.params["schemaName"]),
  triggerCacheFullRefresh: trigger("FULL_REFRESH"),
  triggerCacheIncrementalUpdate: trigger("INCREMENTAL"),
  cancelCacheFullRefresh: cancel("FULL_REFRESH"),
  cancelCacheIncrementalUpdate: cancel("INCREMENTAL"),
  listCacheExecutionHistory: (ctx) => {
    const p = projectFor(ctx);
    const c = cacheOf(p, ctx.params["cacheId"]!);
    const now = ctx.clock.now();
    const all = [...c.runs.FULL_REFRESH, ...c.runs.INCREMENTAL].map((r) => runAt(r, now, rowsOf(p, c))).sort((a, b) => Date.parse(b.createdAt!) - Date.parse(a.createdAt!));
    const offset = ctx.query["offset"] as number;
    return all.slice(offset, offset + (ctx.query["limit"] as number));
  },
};
