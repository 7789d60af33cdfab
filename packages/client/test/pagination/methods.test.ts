// Paging on the methods themselves: `peaka.exports.list(args)` (and `listExports(core, args)`) awaited
// is the one page it always was; iterated, it is every item across pages; `toArray({ max })` collects.
// An injected fetch serves a data set and records every request.
import { describe, expect, it } from "vitest";
import {
  createPeakaClient,
  createPeakaCore,
  executeQuery,
  listCacheExecutionHistory,
  listExports,
  PeakaInvalidArgumentError,
  PeakaPaginationError,
  searchCatalogs,
  type PagePromise,
} from "../../src/index.js";
import { DOORS, type DoorName } from "../support/doors.js";
import { recordingOptions } from "../support/recording.js";

const jobs = Array.from({ length: 7 }, (_, i) => ({ id: `job-${i}`, status: "SUCCEEDED", createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 60 - i)).toISOString() }));
const runs = Array.from({ length: 9 }, (_, i) => ({ id: `run-${i}`, status: "COMPLETED" }));
const rows = Array.from({ length: 5 }, (_, i) => ({ n: i }));

/** A server for every paged operation, honest unless told otherwise; `seen` records each request. */
function setup(ignoreOffset = false) {
  const { options, seen } = recordingOptions((url, body) => {
    const q = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
    if (url.pathname.endsWith("/exports")) {
      const before = url.searchParams.get("createdBefore");
      return jobs.filter((j) => before === null || j.createdAt < before).slice(0, q("limit", 50));
    }
    if (url.pathname.endsWith("/executionHistory")) {
      // A server that ignores offset stops answering after 50 pages: a missing guard fails, never hangs.
      if (ignoreOffset && seen.length > 50) throw new Error("the client kept asking");
      const offset = ignoreOffset ? 0 : q("offset", 0);
      return runs.slice(offset, offset + q("limit", 10));
    }
    if (url.pathname.endsWith("/search")) {
      const offset = body.offset ?? 0;
      const limit = body.limit ?? 100;
      const all = ["a", "b", "c", "d", "e"].map((catalog) => ({ catalog }));
      const next = offset + limit < all.length ? offset + limit : null;
      return { matchedCatalogs: all.slice(offset, offset + limit), matchedSchemas: [], matchedTables: [], meta: { page: { nextOffset: next } } };
    }
    const offset = body.offset ?? 0;
    return { columns: [], data: body.from ? rows.slice(offset, offset + (body.limit ?? 1000)) : [{ answer: 42 }] };
  });
  return { peaka: createPeakaClient(options), core: createPeakaCore(options), seen };
}

/** The same call through a client's method or a core's operation function. */
function exportsList(door: DoorName, s: ReturnType<typeof setup>, args: { projectId: string; limit?: number }) {
  return door === "createPeakaClient" ? s.peaka.exports.list(args) : listExports(s.core, args);
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe.each(DOORS)("a paged method via %s", (door) => {
  it("awaited, is the one page of one request, sent as given (no limit added)", async () => {
    const s = setup();
    const page = await exportsList(door, s, { projectId: "p1" });
    expect(page).toEqual(jobs);
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]!.url.search).toBe("");
  });

  it("sends nothing until used, and once however often it is awaited", async () => {
    const s = setup();
    const call = exportsList(door, s, { projectId: "p1", limit: 2 });
    await tick();
    expect(s.seen).toHaveLength(0);
    const [a, b] = await Promise.all([call, call]);
    const c = await call;
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(a).toEqual(jobs.slice(0, 2));
    expect(s.seen).toHaveLength(1);
    expect(call).toBeInstanceOf(Promise);
    expect(await call.then((page) => page.length)).toBe(2);
    expect(s.seen).toHaveLength(1);
  });

  it("iterated, yields every item across pages of `limit` (the short last page is not the end: an empty one is)", async () => {
    const s = setup();
    const ids: string[] = [];
    for await (const job of exportsList(door, s, { projectId: "p1", limit: 3 })) ids.push(job.id);
    expect(ids).toEqual(jobs.map((j) => j.id));
    // After the first page, room for the one job already read at the cursor's instant.
    expect(s.seen.map((r) => r.url.searchParams.get("limit"))).toEqual(["3", "4", "4", "4"]);
    expect(s.seen.at(-1)!.url.searchParams.get("createdBefore")).toBe(new Date(Date.parse(jobs[6]!.createdAt) + 1).toISOString());
  });

  it("iterated without `limit`, asks for the spec's default page size (50)", async () => {
    const s = setup();
    expect(await exportsList(door, s, { projectId: "p1" }).toArray()).toHaveLength(7);
    expect(s.seen[0]!.url.searchParams.get("limit")).toBe("50");
  });

  it("toArray({ max }) stops at max without reading further pages; max 0 reads nothing", async () => {
    const s = setup();
    const first3 = await exportsList(door, s, { projectId: "p1", limit: 2 }).toArray({ max: 3 });
    expect(first3.map((j) => j.id)).toEqual(["job-0", "job-1", "job-2"]);
    expect(s.seen).toHaveLength(2);
    expect(await exportsList(door, s, { projectId: "p1" }).toArray({ max: 0 })).toEqual([]);
    expect(s.seen).toHaveLength(2);
  });

  it.each([-1, 1.5, "3", null])("toArray rejects max %j with PeakaInvalidArgumentError, before any request", async (max) => {
    const s = setup();
    await expect(exportsList(door, s, { projectId: "p1" }).toArray({ max: max as number })).rejects.toThrow(PeakaInvalidArgumentError);
    expect(s.seen).toHaveLength(0);
  });

  it("iterating checks `limit` against the spec's limits (exports: 1 to 200) before any request", async () => {
    const s = setup();
    const error = await exportsList(door, s, { projectId: "p1", limit: 201 }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((error as Error).message).toMatch(/`limit` must be at most 200/);
    expect(s.seen).toHaveLength(0);
  });

  it("each loop starts over from the first page; `break` reads no further page", async () => {
    const s = setup();
    const call = exportsList(door, s, { projectId: "p1", limit: 2 });
    for await (const job of call) if (job.id === "job-1") break;
    expect(s.seen).toHaveLength(1);
    expect((await call.toArray()).length).toBe(7);
    expect(s.seen[1]!.url.searchParams.get("createdBefore")).toBeNull();
  });
});

describe("the other paged operations, on a client and a core", () => {
  it("cache.listExecutionHistory: offset pages; a server that ignores offset ends in PeakaPaginationError", async () => {
    const s = setup();
    const ids = { projectId: "p1", cacheId: "c1" };
    expect((await s.peaka.cache.listExecutionHistory({ ...ids, limit: 4 }).toArray()).map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(s.seen.map((r) => r.url.searchParams.get("offset"))).toEqual(["0", "4", "8", "9"]);
    const bad = setup(true);
    const error = await listCacheExecutionHistory(bad.core, { ...ids, limit: 4 }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect((error as PeakaPaginationError).operation).toBe("listCacheExecutionHistory");
  });

  it("catalogs.search: follows nextOffset in the body; items are tagged with their kind", async () => {
    const s = setup();
    const items = await s.peaka.catalogs.search({ projectId: "p1", body: { query: "x", limit: 2 } }).toArray();
    expect(items.map((i) => `${i.kind}:${i.match.catalog}`)).toEqual(["catalog:a", "catalog:b", "catalog:c", "catalog:d", "catalog:e"]);
    expect(s.seen.map((r) => r.body.offset)).toEqual([0, 2, 4]);
    const page = await searchCatalogs(s.core, { projectId: "p1", body: { query: "x" } });
    expect(page.matchedCatalogs).toHaveLength(5);
  });

  it("queries.execute: a query-builder body pages its rows; any other body is one answer, and iterating it says why not", async () => {
    const s = setup();
    const all = await executeQuery(s.core, { projectId: "p1", format: "SIMPLE", body: { from: [{ tableName: "t" }], limit: 2 } }).toArray();
    expect(all).toEqual(rows);
    expect((await s.peaka.queries.execute({ projectId: "p1", body: { statement: "SELECT 42" } })).data).toEqual([{ answer: 42 }]);
    const before = s.seen.length;
    const error = await s.peaka.queries.execute({ projectId: "p1", body: { statement: "SELECT 42" } }).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((error as Error).message).toMatch(/with `from` pages/);
    expect(s.seen.length).toBe(before);
  });

  it(".withResponse of a paged method is one page with its response, as before", async () => {
    const s = setup();
    const { data, response } = await s.peaka.exports.list.withResponse({ projectId: "p1", limit: 2 });
    expect(data).toHaveLength(2);
    expect(response.status).toBe(200);
  });

  it("a rejected page is the rejection of the await, handled by whoever awaits", async () => {
    const s = setup();
    const call: PagePromise<unknown, unknown> = s.peaka.exports.list(undefined as never);
    await expect(call).rejects.toThrow(PeakaInvalidArgumentError);
    await expect(call.catch(() => "handled")).resolves.toBe("handled");
    await expect(call.finally(() => undefined)).rejects.toThrow(PeakaInvalidArgumentError);
  });
});
