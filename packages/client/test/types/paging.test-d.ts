// Type tests (vitest typecheck) of paged methods: awaited, the same page type as before; iterated, the
// item type; `toArray` an array of items; only paged operations have any of it.
import { describe, expectTypeOf, it } from "vitest";
import type { CacheExecutionInfo, ExportJob } from "@peaka/api-types";
import {
  createPeakaClient,
  createPeakaCore,
  executeQuery,
  listExports,
  searchCatalogs,
  type CatalogSearchItem,
  type ListExportsResult,
  type PagePromise,
  type QueryRow,
} from "../../src/index.js";

const peaka = createPeakaClient({ apiKey: "test-key" });
const core = createPeakaCore({ apiKey: "test-key" });

describe("paged methods", () => {
  it("await to the one page they always gave, and are still a Promise of it", () => {
    expectTypeOf(peaka.exports.list({ projectId: "p" })).resolves.toEqualTypeOf<ExportJob[]>();
    expectTypeOf(listExports(core, { projectId: "p" })).resolves.toEqualTypeOf<ListExportsResult>();
    const page: Promise<ExportJob[]> = peaka.exports.list({ projectId: "p" });
    expectTypeOf(page).toEqualTypeOf<Promise<ExportJob[]>>();
    expectTypeOf(peaka.exports.list.withResponse({ projectId: "p" })).resolves.toHaveProperty("data").toEqualTypeOf<ExportJob[]>();
  });

  it("iterate to their items, on a client and on a core", async () => {
    for await (const job of peaka.exports.list({ projectId: "p" })) expectTypeOf(job).toEqualTypeOf<ExportJob>();
    for await (const job of listExports(core, { projectId: "p", limit: 100 })) expectTypeOf(job).toEqualTypeOf<ExportJob>();
    for await (const run of peaka.cache.listExecutionHistory({ projectId: "p", cacheId: "c" })) expectTypeOf(run).toEqualTypeOf<CacheExecutionInfo>();
    for await (const match of searchCatalogs(core, { projectId: "p", body: { query: "q" } })) expectTypeOf(match).toEqualTypeOf<CatalogSearchItem>();
    expectTypeOf(peaka.exports.list({ projectId: "p" })).toEqualTypeOf<PagePromise<ExportJob[], ExportJob>>();
  });

  it("type query rows by the format asked for", () => {
    expectTypeOf(peaka.queries.execute({ projectId: "p", format: "SIMPLE", body: { from: [{ tableName: "t" }] } }).toArray()).resolves.toEqualTypeOf<QueryRow<"SIMPLE">[]>();
    expectTypeOf(executeQuery(core, { projectId: "p", format: "COMPACT", body: { from: [{ tableName: "t" }] } }).toArray()).resolves.toEqualTypeOf<QueryRow<"COMPACT">[]>();
    expectTypeOf(executeQuery(core, { projectId: "p", body: { from: [{ tableName: "t" }] } }).toArray()).resolves.toEqualTypeOf<QueryRow[]>();
  });

  it("take `toArray({ max })` with a number only, and exist only on paged operations", () => {
    expectTypeOf(peaka.exports.list({ projectId: "p" }).toArray({ max: 10 })).resolves.toEqualTypeOf<ExportJob[]>();
    // @ts-expect-error max is a number
    void peaka.exports.list({ projectId: "p" }).toArray({ max: "10" });
    // @ts-expect-error a one-shot operation has no toArray
    void peaka.catalogs.list({ projectId: "p" }).toArray();
    // @ts-expect-error nor can it be iterated
    void (async () => { for await (const c of peaka.cache.getStatus({ projectId: "p", cacheId: "c" })) void c; });
    // @ts-expect-error `.withResponse` is one page, not iterable
    void (async () => { for await (const x of peaka.exports.list.withResponse({ projectId: "p" })) void x; });
  });
});
