// The `iterate*` helpers: async iterators over the items of Peaka's paged operations, for a client or a
// core. Each is a thin wrapper over the paging of the operation itself (`peaka.exports.list(args)` is
// iterable: src/internal/paging.ts holds the one implementation and its rules); they stay for programs
// written against them. Each reads one page at a time, only as far as the loop goes.
import type { components, operations } from "@peaka/api-types";
import { call, type PeakaClientOrCore } from "./door.js";
import { executeQuery, listCacheExecutionHistory, listExports, searchCatalogs } from "./generated/operations.js";
import type { SearchCatalogsItem } from "./generated/resources.js";
import { pageSize, pagingOf, type PagePromise } from "./internal/paging.js";
import type { RequestOptions } from "./internal/transport.js";

export { PAGE_LIMITS } from "./generated/paging.js";

type Schemas = components["schemas"];
type SearchBody = Schemas["CatalogSearchRequest"];
type QueryFormat = NonNullable<operations["executeQuery"]["parameters"]["query"]>["format"];
type QueryRow = Schemas["QueryExecutionResult"]["data"][number];

/** Page size options of the iterators. */
export interface PageOptions {
  /**
   * Items asked for per request, a whole number within the operation's limits (`PAGE_LIMITS`);
   * anything else throws `PeakaInvalidArgumentError`. It takes the place of the arguments' `limit`.
   * Default: the arguments' `limit`, else see each iterator.
   */
  pageSize?: number | undefined;
  /** Per-request options (signal, timeout, retries) applied to every page. Default: none. */
  request?: RequestOptions | undefined;
}

/** The items of `fn` through `peaka`, `options.pageSize` (checked here, named as such) in place of `limit`. */
async function* pages<Item>(peaka: PeakaClientOrCore, fn: typeof listExports | typeof listCacheExecutionHistory | typeof searchCatalogs | typeof executeQuery, args: any, options: PageOptions): AsyncGenerator<Item> {
  const paging = pagingOf(fn);
  const size = options.pageSize === undefined ? undefined : pageSize(paging, options.pageSize, "pageSize");
  const sized =
    size === undefined ? args : paging.in === "body" && typeof args?.body === "object" && args.body !== null ? { ...args, body: { ...args.body, limit: size } } : { ...args, limit: size };
  yield* call(peaka, fn as never, sized, options.request) as unknown as PagePromise<unknown, Item>;
}

/**
 * A cache's runs, newest first: `peaka.cache.listExecutionHistory(ids)` iterated. Each page starts
 * after the runs received so far; a run seen on an earlier page (the list shifts when a new run
 * starts meanwhile) is not yielded twice. Ends on an empty page. Default page size: 50.
 */
export function iterateCacheExecutionHistory(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; cacheId: string },
  options: PageOptions = {},
): AsyncGenerator<Schemas["CacheExecutionInfo"]> {
  return pages(peaka, listCacheExecutionHistory, ids, options);
}

/**
 * A project's export jobs, newest first: `peaka.exports.list(args)` iterated. Pages follow the
 * `createdBefore` cursor: each next page asks for jobs created up to the instant of the last one
 * received (that `createdAt` plus 1 ms, with room in `limit` for the jobs of that instant already read,
 * which are not yielded again), so jobs that share a `createdAt` across a page boundary are never
 * skipped. When more jobs share one instant than the largest page (200) holds, it throws
 * `PeakaPaginationError` instead of skipping or looping. Default page size: 50 (Peaka serves 1 to 200).
 */
export function iterateExports(
  peaka: PeakaClientOrCore,
  args: { projectId: string; status?: string; createdBefore?: string },
  options: PageOptions = {},
): AsyncGenerator<Schemas["ExportJob"]> {
  return pages(peaka, listExports, args, options);
}

/** One match of a catalog search, tagged with what it matched. */
export type CatalogSearchItem = SearchCatalogsItem;

/**
 * Every match of a catalog search: `peaka.catalogs.search(args)` iterated, following
 * `meta.page.nextOffset` until Peaka sends `null` (or leaves it out) or a page is empty. Default page
 * size: the body's `limit`, else Peaka's default.
 */
export function iterateCatalogSearch(
  peaka: PeakaClientOrCore,
  args: { projectId: string; body: SearchBody },
  options: PageOptions = {},
): AsyncGenerator<CatalogSearchItem> {
  return pages(peaka, searchCatalogs, args, options);
}

/**
 * The rows of a query-builder execution (`{ from, columns, filters, ... }`): `peaka.queries.execute(args)`
 * iterated, `limit` rows per request, each page starting after the rows received so far; ends on an
 * empty page. Rows carry no identity, and data may repeat (x, y, x, y): when a page equals the previous
 * one and holds at least two different rows, the page one row further on is read once to tell a server
 * that ignores `offset` (the same page again: `PeakaPaginationError`) from repeating data (other rows:
 * paging goes on). Default page size: the body's `limit`, else 1000.
 */
export function iterateQueryRows(
  peaka: PeakaClientOrCore,
  args: { projectId: string; format?: QueryFormat; body: Schemas["QueryExecuteBuilderRequest"] },
  options: PageOptions = {},
): AsyncGenerator<QueryRow> {
  return pages(peaka, executeQuery, args, options);
}
