// The pagination iterators against an injected fetch that serves a data set page by page and records
// every request, through both front doors. The servers misbehave the ways real ones do: they cap the
// page below what was asked, end with an empty page, ignore the paging parameter (repeat a page).
import { describe, expect, it } from "vitest";
import {
  createPeakaClient,
  createPeakaCore,
  iterateCacheExecutionHistory,
  iterateCatalogSearch,
  iterateExports,
  iterateQueryRows,
  PeakaInvalidArgumentError,
  PeakaPaginationError,
} from "../../src/index.js";
import type { PeakaClientOrCore } from "../../src/door.js";
import { DOORS, type DoorName } from "../support/doors.js";
import { recordingOptions } from "../support/recording.js";

function serve(door: DoorName, handler: (url: URL, body: any) => unknown) {
  const { options, seen } = recordingOptions(handler);
  const peaka: PeakaClientOrCore = door === "createPeakaClient" ? createPeakaClient(options) : createPeakaCore(options);
  return { peaka, seen };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function failure(iterable: AsyncIterable<unknown>): Promise<{ error: unknown; items: unknown[] }> {
  const items: unknown[] = [];
  try {
    for await (const item of iterable) {
      items.push(item);
      if (items.length > 5_000) break; // a loop that never ends fails here instead of hanging
    }
  } catch (error) {
    return { error, items };
  }
  throw new Error(`expected the iteration to fail; it yielded ${items.length} items`);
}

const BAD_PAGE_SIZES = [0, -1, 1.5, Number.NaN, "10"];
const param = (s: { url: URL }, name: string) => s.url.searchParams.get(name);

describe.each(DOORS)("iterateCacheExecutionHistory via %s (limit/offset)", (door) => {
  const runs = Array.from({ length: 23 }, (_, i) => ({ id: `run-${i}`, status: "COMPLETED" }));
  const ids = { projectId: "p1", cacheId: "c1" };
  const honest = (cap = Infinity) => (url: URL) => {
    const limit = Math.min(Number(url.searchParams.get("limit")), cap);
    const offset = Number(url.searchParams.get("offset"));
    return runs.slice(offset, offset + limit);
  };

  it.each([
    [5, ["0", "5", "10", "15", "20", "23"]], // the short page at 20 is not taken for the end
    [23, ["0", "23"]],
    [50, ["0", "23"]],
  ])("with pageSize %i yields every run once, ending on the empty page (offsets %j)", async (pageSize, offsets) => {
    const { peaka, seen } = serve(door, honest());
    expect((await collect(iterateCacheExecutionHistory(peaka, ids, { pageSize }))).map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(seen.map((s) => param(s, "offset"))).toEqual(offsets);
    expect(seen.every((s) => param(s, "limit") === String(pageSize))).toBe(true);
  });

  it("advances by the runs received when the server caps the page below pageSize", async () => {
    const { peaka, seen } = serve(door, honest(7));
    expect(await collect(iterateCacheExecutionHistory(peaka, ids, { pageSize: 20 }))).toEqual(runs);
    expect(seen.map((s) => param(s, "offset"))).toEqual(["0", "7", "14", "21", "23"]);
  });

  it("does not yield a run twice when a new run pushes the list down between two pages", async () => {
    let list = runs.slice(0, 6);
    const { peaka } = serve(door, (url) => {
      const offset = Number(url.searchParams.get("offset"));
      const page = list.slice(offset, offset + 3);
      if (offset === 0) list = [{ id: "run-new", status: "RUNNING" }, ...list]; // starts after the first page
      return page;
    });
    const got = (await collect(iterateCacheExecutionHistory(peaka, ids, { pageSize: 3 }))).map((r) => r.id);
    expect(got).toEqual(runs.slice(0, 6).map((r) => r.id));
  });

  it("throws PeakaPaginationError when the server ignores offset and repeats the page", async () => {
    const { peaka, seen } = serve(door, () => runs.slice(0, 5));
    const { error, items } = await failure(iterateCacheExecutionHistory(peaka, ids, { pageSize: 5 }));
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect((error as PeakaPaginationError).operation).toBe("listCacheExecutionHistory");
    expect(items).toHaveLength(5);
    expect(seen).toHaveLength(2);
  });

  it("ends at once on an empty first page", async () => {
    const { peaka, seen } = serve(door, () => []);
    expect(await collect(iterateCacheExecutionHistory(peaka, ids))).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(param(seen[0]!, "limit")).toBe("50");
  });

  it.each(BAD_PAGE_SIZES)("rejects pageSize %j with PeakaInvalidArgumentError before any request", async (pageSize) => {
    const { peaka, seen } = serve(door, honest());
    const { error } = await failure(iterateCacheExecutionHistory(peaka, ids, { pageSize: pageSize as number }));
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((error as Error).message).toMatch(/pageSize/);
    expect(seen).toHaveLength(0);
  });

  it("stops reading when the loop breaks", async () => {
    const { peaka, seen } = serve(door, honest());
    for await (const run of iterateCacheExecutionHistory(peaka, ids, { pageSize: 5 })) if (run.id === "run-6") break;
    expect(seen).toHaveLength(2);
  });
});

describe.each(DOORS)("iterateExports via %s (limit + createdBefore cursor)", (door) => {
  const jobs = Array.from({ length: 450 }, (_, i) => ({
    id: `job-${i}`,
    status: "SUCCEEDED",
    createdAt: new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString(),
  }));
  // Peaka clamps the page to 200 whatever the limit.
  const peakaLike = (url: URL) => {
    const before = url.searchParams.get("createdBefore");
    const limit = Math.min(Number(url.searchParams.get("limit")), 200);
    return jobs.filter((j) => !before || j.createdAt < before).slice(0, limit);
  };

  it("yields all 450 jobs with the largest page size, following each page's last createdAt to the empty page", async () => {
    const { peaka, seen } = serve(door, peakaLike);
    expect((await collect(iterateExports(peaka, { projectId: "p1" }, { pageSize: 200 }))).map((j) => j.id)).toEqual(jobs.map((j) => j.id));
    // Each next page asks up to the last job's instant (its createdAt + 1 ms), with room for that job,
    // which comes again and is not yielded twice: 200, then 199 new per page.
    const plus1 = (i: number) => new Date(Date.parse(jobs[i]!.createdAt) + 1).toISOString();
    expect(seen.map((s) => param(s, "createdBefore"))).toEqual([null, plus1(199), plus1(398), plus1(449)]);
    expect(seen.map((s) => param(s, "limit"))).toEqual(["200", "200", "200", "200"]);
  });

  it("does not stop on a page the server shortened (a cap of 30 under a pageSize of 50)", async () => {
    const { peaka, seen } = serve(door, (url) => peakaLike(url).slice(0, 30));
    expect(await collect(iterateExports(peaka, { projectId: "p1", status: "SUCCEEDED" }))).toHaveLength(450);
    // 30, then 29 new per page (the last job of the page before comes again); the last page holds only
    // that job, shorter than asked for: the end.
    expect(seen).toHaveLength(17);
    expect(seen.every((s, i) => param(s, "limit") === (i === 0 ? "50" : "51") && param(s, "status") === "SUCCEEDED")).toBe(true);
  });

  it.each([...BAD_PAGE_SIZES, 201, 500])("rejects pageSize %j with PeakaInvalidArgumentError (Peaka serves 1 to 200)", async (pageSize) => {
    const { peaka, seen } = serve(door, peakaLike);
    const { error } = await failure(iterateExports(peaka, { projectId: "p1" }, { pageSize: pageSize as number }));
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((error as Error).message).toMatch(typeof pageSize === "number" && pageSize > 200 ? /at most 200/ : /pageSize/);
    expect(seen).toHaveLength(0);
  });

  it("throws PeakaPaginationError when the server ignores the cursor and repeats the page", async () => {
    const { peaka, seen } = serve(door, () => jobs.slice(0, 10));
    const { error, items } = await failure(iterateExports(peaka, { projectId: "p1" }, { pageSize: 10 }));
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect((error as Error).message).toMatch(/repeats the cursor/);
    expect(items).toHaveLength(10); // the repeated page is not yielded again
    expect(seen).toHaveLength(2);
  });

  it("never skips jobs that share a createdAt across a page boundary (also with pageSize 1)", async () => {
    // 7 jobs, three instants; ties of 3 at t1 and 2 at t2. Peaka's cursor is strict ("before").
    const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
    const tied = ["a", "b", "c", "d", "e", "f", "g"].map((id, i) => ({ id, status: "SUCCEEDED", createdAt: t(i < 1 ? 9 : i < 4 ? 8 : i < 6 ? 7 : 6) }));
    const strict = (url: URL) => {
      const before = url.searchParams.get("createdBefore");
      return tied.filter((j) => !before || Date.parse(j.createdAt) < Date.parse(before)).slice(0, Number(url.searchParams.get("limit")));
    };
    for (const pageSize of [1, 2, 3, 5]) {
      const { peaka } = serve(door, strict);
      expect((await collect(iterateExports(peaka, { projectId: "p1" }, { pageSize }))).map((j) => j.id)).toEqual(tied.map((j) => j.id));
    }
  });

  it("throws PeakaPaginationError (no loop, no skip) when more jobs share one instant than a page holds", async () => {
    const same = Array.from({ length: 250 }, (_, i) => ({ id: `j${i}`, status: "SUCCEEDED", createdAt: "2026-01-01T00:00:00.000Z" }));
    const { peaka, seen } = serve(door, (url) => same.slice(0, Math.min(200, Number(url.searchParams.get("limit")))));
    const { error, items } = await failure(iterateExports(peaka, { projectId: "p1" }, { pageSize: 150 }));
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect((error as Error).message).toBe(
      "listExports: 200 items share createdAt 2026-01-01T00:00:00.000Z, as many as a page of 200 holds: the items after them cannot be asked for without skipping some.",
    );
    expect(items).toHaveLength(200);
    expect(new Set(items.map((j) => (j as { id: string }).id)).size).toBe(200);
    expect(seen).toHaveLength(3);
  });

  it("throws PeakaPaginationError when the last job of a page has no createdAt to continue from", async () => {
    const { peaka } = serve(door, () => [{ id: "a", status: "RUNNING" }]);
    const { error, items } = await failure(iterateExports(peaka, { projectId: "p1" }));
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect(items).toEqual([{ id: "a", status: "RUNNING" }]);
  });
});

describe.each(DOORS)("iterateCatalogSearch via %s (offset/nextOffset)", (door) => {
  const matches = Array.from({ length: 9 }, (_, i) => ({ catalog: "shop", schema: "s", table: `t${i}` }));
  const page = (offset: number, limit: number, total = matches.length) => {
    const items = matches.slice(offset, Math.min(offset + limit, total));
    const next = offset + items.length < total ? offset + items.length : null;
    return { matchedCatalogs: [], matchedSchemas: [], matchedTables: items, meta: { page: { limit, offset, nextOffset: next } } };
  };

  it("follows nextOffset until it is null and tags each match", async () => {
    const pages: Record<number, unknown> = {
      0: { matchedCatalogs: [{ catalog: "crm" }], matchedSchemas: [], matchedTables: [{ catalog: "crm", schema: "s", table: "a" }], meta: { page: { limit: 2, offset: 0, nextOffset: 2 } } },
      2: { matchedCatalogs: [], matchedSchemas: [{ catalog: "crm", schema: "s" }], matchedTables: [{ catalog: "crm", schema: "s", table: "b" }], meta: { page: { limit: 2, offset: 2, nextOffset: null } } },
    };
    const { peaka, seen } = serve(door, (_, body) => pages[body.offset]);
    const items = await collect(iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "orders", limit: 2 } }));
    expect(items.map((i) => i.kind)).toEqual(["catalog", "table", "schema", "table"]);
    expect(seen.map((s) => s.body.offset)).toEqual([0, 2]);
    expect(seen.every((s) => s.body.query === "orders" && s.body.limit === 2)).toBe(true);
  });

  it("goes where nextOffset points when the server caps the page (limit 5, pages of 2)", async () => {
    const { peaka, seen } = serve(door, (_, body) => page(body.offset, Math.min(body.limit, 2)));
    expect(await collect(iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "t" } }, { pageSize: 5 }))).toHaveLength(9);
    expect(seen.map((s) => s.body.offset)).toEqual([0, 2, 4, 6, 8]);
  });

  it("ends on an empty page even when nextOffset is not null", async () => {
    const { peaka, seen } = serve(door, (_, body) => ({ ...page(body.offset, 5), meta: { page: { limit: 5, offset: body.offset, nextOffset: body.offset + 5 } } }));
    expect(await collect(iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "t", limit: 5 } }))).toHaveLength(9);
    expect(seen.map((s) => s.body.offset)).toEqual([0, 5, 10]);
  });

  it("throws PeakaPaginationError when nextOffset does not move forward", async () => {
    const { peaka, seen } = serve(door, () => ({ ...page(0, 2), meta: { page: { limit: 2, offset: 0, nextOffset: 0 } } }));
    const { error, items } = await failure(iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "x" } }));
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect((error as Error).message).toMatch(/nextOffset 0 does not move past offset 0/);
    expect(items).toHaveLength(2);
    expect(seen).toHaveLength(1);
  });

  it("throws PeakaPaginationError when the server ignores offset and repeats the page", async () => {
    const { peaka, seen } = serve(door, (_, body) => ({ ...page(0, 3), meta: { page: { limit: 3, offset: body.offset, nextOffset: body.offset + 3 } } }));
    const { error, items } = await failure(iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "x", limit: 3 } }));
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect(items).toHaveLength(3);
    expect(seen).toHaveLength(2);
  });

  it.each(BAD_PAGE_SIZES)("rejects pageSize %j and body.limit %j with PeakaInvalidArgumentError", async (size) => {
    const { peaka, seen } = serve(door, (_, body) => page(body.offset, body.limit));
    const viaOption = await failure(iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "t" } }, { pageSize: size as number }));
    expect(viaOption.error).toBeInstanceOf(PeakaInvalidArgumentError);
    const viaBody = await failure(iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "t", limit: size as number } }));
    expect(viaBody.error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((viaBody.error as Error).message).toMatch(/body\.limit/);
    expect(seen).toHaveLength(0);
  });
});

describe.each(DOORS)("iterateQueryRows via %s (limit/offset in the builder body)", (door) => {
  const rows = Array.from({ length: 10 }, (_, i) => [i, `name-${i}`]);
  const body = { from: [{ catalogId: "1", schemaName: "s", tableName: "t" }] } as never;

  it("advances offset by the rows received and ends on the empty page, not the short one", async () => {
    const { peaka, seen } = serve(door, (_, b) => ({ columns: [], data: rows.slice(b.offset, b.offset + b.limit) }));
    expect(await collect(iterateQueryRows(peaka, { projectId: "p1", body }, { pageSize: 4 }))).toEqual(rows);
    expect(seen.map((s) => [s.body.offset, s.body.limit])).toEqual([[0, 4], [4, 4], [8, 4], [10, 4]]);
  });

  it("advances by what a capping server sent (pages of 3 for a limit of 4)", async () => {
    const { peaka, seen } = serve(door, (_, b) => ({ columns: [], data: rows.slice(b.offset, b.offset + Math.min(b.limit, 3)) }));
    expect(await collect(iterateQueryRows(peaka, { projectId: "p1", format: "COMPACT", body }, { pageSize: 4 }))).toEqual(rows);
    expect(seen.map((s) => s.body.offset)).toEqual([0, 3, 6, 9, 10]);
    expect(seen.every((s) => param(s, "format") === "COMPACT")).toBe(true);
  });

  it("throws PeakaPaginationError when the server ignores offset and repeats the page", async () => {
    const { peaka, seen } = serve(door, () => ({ columns: [], data: rows.slice(0, 4) }));
    const { error, items } = await failure(iterateQueryRows(peaka, { projectId: "p1", body }, { pageSize: 4 }));
    expect(error).toBeInstanceOf(PeakaPaginationError);
    expect(items).toHaveLength(4);
    expect(seen.map((s) => s.body.offset)).toEqual([0, 4, 5]); // the repeat at 4, the probe at 5
  });

  it("keeps going through data that repeats legitimately (x, y, x, y with pageSize 2): one probe one row further on", async () => {
    const data = [["x"], ["y"], ["x"], ["y"], ["x"], ["y"]];
    const { peaka, seen } = serve(door, (_, b) => ({ columns: [], data: data.slice(b.offset, b.offset + b.limit) }));
    expect(await collect(iterateQueryRows(peaka, { projectId: "p1", body }, { pageSize: 2 }))).toEqual(data);
    // pages at 0, 2 (repeats page 0: probe at 3), 4 (repeats: probe at 5), then the empty page at 6
    expect(seen.map((s) => s.body.offset)).toEqual([0, 2, 3, 4, 5, 6]);
  });

  it("queues next() calls made before the last one settled (an async generator): every row once, in order", async () => {
    const { peaka } = serve(door, (_, b) => ({ columns: [], data: rows.slice(b.offset, b.offset + b.limit) }));
    const iterator = iterateQueryRows(peaka, { projectId: "p1", body }, { pageSize: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, () => iterator.next()));
    expect(results.map((r) => r.value)).toEqual([...rows, undefined, undefined]);
  });

  it("keeps going through pages of identical rows, which may repeat legitimately", async () => {
    const same = Array.from({ length: 10 }, () => ["paid"]);
    const { peaka } = serve(door, (_, b) => ({ columns: [], data: same.slice(b.offset, b.offset + b.limit) }));
    expect(await collect(iterateQueryRows(peaka, { projectId: "p1", body }, { pageSize: 2 }))).toHaveLength(10);
  });

  it.each(BAD_PAGE_SIZES)("rejects pageSize %j with PeakaInvalidArgumentError", async (pageSize) => {
    const { peaka, seen } = serve(door, () => ({ columns: [], data: [] }));
    const { error } = await failure(iterateQueryRows(peaka, { projectId: "p1", body }, { pageSize: pageSize as number }));
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect(seen).toHaveLength(0);
  });
});

describe.each(DOORS)("every iterator via %s ends at once on an empty first page", (door) => {
  it.each([
    ["iterateCacheExecutionHistory", () => [], (p: PeakaClientOrCore) => iterateCacheExecutionHistory(p, { projectId: "p1", cacheId: "c1" })],
    ["iterateExports", () => [], (p: PeakaClientOrCore) => iterateExports(p, { projectId: "p1" })],
    [
      "iterateCatalogSearch",
      () => ({ matchedCatalogs: [], matchedSchemas: [], matchedTables: [], meta: { page: { limit: 100, offset: 0, nextOffset: 100 } } }),
      (p: PeakaClientOrCore) => iterateCatalogSearch(p, { projectId: "p1", body: { query: "x" } }),
    ],
    ["iterateQueryRows", () => ({ columns: [], data: [] }), (p: PeakaClientOrCore) => iterateQueryRows(p, { projectId: "p1", body: { from: [] } as never })],
  ] as const)("%s", async (_, answer, iterate) => {
    const { peaka, seen } = serve(door, answer);
    expect(await collect(iterate(peaka) as AsyncIterable<unknown>)).toEqual([]);
    expect(seen).toHaveLength(1);
  });
});

