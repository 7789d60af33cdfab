// The pagination iterators against an injected fetch that serves a fixed data set page by page, and
// records every request so that the paging parameters can be checked.
import { describe, expect, it } from "vitest";
import {
  createPeakaClient,
  iterateCacheExecutionHistory,
  iterateCatalogSearch,
  iterateExports,
  iterateQueryRows,
} from "../../src/index.js";

function serve(handler: (url: URL, body: any) => unknown) {
  const seen: Array<{ url: URL; body: any }> = [];
  const peaka = createPeakaClient({
    apiKey: "pagination-test-key",
    baseUrl: "http://127.0.0.1:9/api/v1",
    maxRetries: 0,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const text = await request.text();
      const body = text ? JSON.parse(text) : undefined;
      seen.push({ url, body });
      return Response.json(handler(url, body));
    },
  });
  return { peaka, seen };
}

const runs = Array.from({ length: 23 }, (_, i) => ({ id: `run-${i}`, status: "COMPLETED" }));

describe("iterateCacheExecutionHistory (limit/offset)", () => {
  it.each([
    [5, 5], // 23 items in pages of 5: 5 full pages, the last one short
    [23, 2], // one full page, then an empty one
    [50, 1],
  ])("with pageSize %i reads %i pages and yields every run once, in order", async (pageSize, pages) => {
    const { peaka, seen } = serve((url) => {
      const limit = Number(url.searchParams.get("limit"));
      const offset = Number(url.searchParams.get("offset"));
      return runs.slice(offset, offset + limit);
    });
    const ids: string[] = [];
    for await (const run of iterateCacheExecutionHistory(peaka, { projectId: "p1", cacheId: "c1" }, { pageSize })) ids.push(run.id);
    expect(ids).toEqual(runs.map((r) => r.id));
    expect(seen).toHaveLength(pages);
    expect(seen.map((s) => s.url.searchParams.get("offset"))).toEqual(Array.from({ length: pages }, (_, i) => String(i * pageSize)));
  });

  it("stops reading when the loop breaks", async () => {
    const { peaka, seen } = serve((url) => runs.slice(Number(url.searchParams.get("offset")), Number(url.searchParams.get("offset")) + 5));
    for await (const run of iterateCacheExecutionHistory(peaka, { projectId: "p1", cacheId: "c1" }, { pageSize: 5 })) {
      if (run.id === "run-6") break;
    }
    expect(seen).toHaveLength(2);
  });
});

describe("iterateExports (limit + createdBefore cursor)", () => {
  const jobs = Array.from({ length: 7 }, (_, i) => ({
    id: `job-${i}`,
    status: "SUCCEEDED",
    createdAt: new Date(Date.UTC(2026, 0, 31 - i)).toISOString(),
  }));
  it("follows the createdAt of each page's last job", async () => {
    const { peaka, seen } = serve((url) => {
      const before = url.searchParams.get("createdBefore");
      const limit = Number(url.searchParams.get("limit"));
      return jobs.filter((j) => !before || j.createdAt < before).slice(0, limit);
    });
    const ids: string[] = [];
    for await (const job of iterateExports(peaka, { projectId: "p1" }, { pageSize: 3 })) ids.push(job.id);
    expect(ids).toEqual(jobs.map((j) => j.id));
    expect(seen.map((s) => s.url.searchParams.get("createdBefore"))).toEqual([null, jobs[2]!.createdAt, jobs[5]!.createdAt]);
  });
});

describe("iterateCatalogSearch (offset/nextOffset)", () => {
  it("follows nextOffset until it is null and tags each match", async () => {
    const pages: Record<number, unknown> = {
      0: { matchedCatalogs: [{ id: "1" }], matchedSchemas: [], matchedTables: [{ name: "a" }], meta: { page: { limit: 2, offset: 0, nextOffset: 2 } } },
      2: { matchedCatalogs: [], matchedSchemas: [{ name: "s" }], matchedTables: [{ name: "b" }], meta: { page: { limit: 2, offset: 2, nextOffset: null } } },
    };
    const { peaka, seen } = serve((_, body) => pages[body.offset]);
    const items = [];
    for await (const item of iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "orders", limit: 2 } })) items.push(item);
    expect(items.map((i) => i.kind)).toEqual(["catalog", "table", "schema", "table"]);
    expect(seen.map((s) => s.body.offset)).toEqual([0, 2]);
    expect(seen.every((s) => s.body.query === "orders")).toBe(true);
  });

  it("stops when nextOffset does not move forward (a server bug must not loop forever)", async () => {
    const { peaka, seen } = serve(() => ({ matchedCatalogs: [], matchedSchemas: [], matchedTables: [], meta: { page: { limit: 2, offset: 0, nextOffset: 0 } } }));
    for await (const _ of iterateCatalogSearch(peaka, { projectId: "p1", body: { query: "x" } })) void _;
    expect(seen).toHaveLength(1);
  });
});

describe("iterateQueryRows (limit/offset in the builder body)", () => {
  it("advances offset by the page size until a short page", async () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i, `name-${i}`]);
    const { peaka, seen } = serve((_, body) => ({ columns: [], data: rows.slice(body.offset, body.offset + body.limit) }));
    const got = [];
    for await (const row of iterateQueryRows(peaka, { projectId: "p1", body: { from: [{ catalogId: "1", schemaName: "s", tableName: "t" }] } as never }, { pageSize: 4 })) got.push(row);
    expect(got).toEqual(rows);
    expect(seen.map((s) => [s.body.offset, s.body.limit])).toEqual([[0, 4], [4, 4], [8, 4]]);
  });
});
