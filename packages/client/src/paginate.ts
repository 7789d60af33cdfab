// Async iterators over the items of Peaka's paged operations. Each reads one page at a time, only as
// far as the loop goes; `break` stops without reading further pages.
//
// Paging rules, the same for every iterator: the next page starts after the items actually received
// (a server may send fewer than asked for, e.g. exports cap a page at 200); the end is an empty page
// or the API's own end signal, never a page shorter than asked for; a server that sends the same
// page or cursor again ends the loop with `PeakaPaginationError` instead of looping forever.
import type { components, operations } from "@peaka/api-types";
import { call, type PeakaClientOrCore } from "./door.js";
import { PeakaInvalidArgumentError, PeakaPaginationError } from "./errors.js";
import { executeQuery, listCacheExecutionHistory, listExports, searchCatalogs } from "./generated/operations.js";
import type { RequestOptions } from "./internal/transport.js";
import { checkCount } from "./internal/validate.js";

type Schemas = components["schemas"];
type SearchBody = Schemas["CatalogSearchRequest"];
type QueryFormat = NonNullable<operations["executeQuery"]["parameters"]["query"]>["format"];
type QueryRow = Schemas["QueryExecutionResult"]["data"][number];

/** Page size options of the iterators. */
export interface PageOptions {
  /**
   * Items asked for per request, a whole number within the operation's limits (`PAGE_LIMITS`);
   * anything else throws `PeakaInvalidArgumentError`. Default: see each iterator.
   */
  pageSize?: number | undefined;
  /** Per-request options (signal, timeout, retries) applied to every page. Default: none. */
  request?: RequestOptions | undefined;
}

/**
 * The page sizes each paged operation accepts, as the spec states them (`minimum`/`maximum` of the
 * `limit` parameter or body field); a test keeps this table equal to the spec.
 */
export const PAGE_LIMITS = {
  listCacheExecutionHistory: { min: 1 },
  listExports: { min: 1, max: 200 },
  searchCatalogs: { min: 1 },
  executeQuery: { min: 1 },
} as const satisfies Record<string, { min: number; max?: number }>;

function pageSizeOf(operation: keyof typeof PAGE_LIMITS, value: unknown, fallback: number, name = "pageSize"): number {
  const limits: { min: number; max?: number } = PAGE_LIMITS[operation];
  const size = checkCount(name, value, fallback, limits.min);
  if (limits.max !== undefined && size > limits.max) {
    throw new PeakaInvalidArgumentError(`\`${name}\` must be at most ${limits.max}, the largest page ${operation} serves; got ${size}.`);
  }
  return size;
}

function arrayPage<T>(operation: string, page: unknown): T[] {
  if (!Array.isArray(page)) throw new PeakaPaginationError(operation, "a page was not an array, so paging cannot go on.");
  return page as T[];
}

/**
 * A cache's runs, newest first, across as many `limit`/`offset` pages as needed. Each page starts
 * after the runs received so far; a run seen on an earlier page (the list shifts when a new run
 * starts meanwhile) is not yielded twice. Ends on an empty page. Default page size: 50.
 */
export async function* iterateCacheExecutionHistory(
  peaka: PeakaClientOrCore,
  ids: { projectId: string; cacheId: string },
  options: PageOptions = {},
): AsyncGenerator<Schemas["CacheExecutionInfo"]> {
  const limit = pageSizeOf("listCacheExecutionHistory", options.pageSize, 50);
  const seen = new Set<string>();
  for (let offset = 0; ; ) {
    const page = arrayPage<Schemas["CacheExecutionInfo"]>(
      "listCacheExecutionHistory",
      await call(peaka, listCacheExecutionHistory, { ...ids, limit, offset }, options.request),
    );
    if (page.length === 0) return;
    const fresh = page.filter((run) => !(typeof run?.id === "string" && seen.has(run.id)));
    if (fresh.length === 0) {
      throw new PeakaPaginationError("listCacheExecutionHistory", `the page at offset ${offset} holds only runs already read; the server seems to ignore offset.`);
    }
    for (const run of fresh) if (typeof run?.id === "string") seen.add(run.id);
    yield* fresh;
    offset += page.length;
  }
}

/**
 * A project's export jobs, newest first. Pages follow the `createdBefore` cursor: each next page asks
 * for jobs created up to the instant of the last one received (`createdBefore` = that `createdAt`
 * plus 1 ms, with room in `limit` for the jobs of that instant already read, which are not yielded
 * again), so jobs that share a `createdAt` across a page boundary are never skipped. Ends on an empty
 * page, or a page that holds only jobs already read and is shorter than asked for. When more jobs
 * share one instant than the largest page (200) holds, it throws `PeakaPaginationError` instead of
 * skipping or looping. Default page size: 50 (Peaka serves 1 to 200).
 */
export async function* iterateExports(
  peaka: PeakaClientOrCore,
  args: { projectId: string; status?: string; createdBefore?: string },
  options: PageOptions = {},
): AsyncGenerator<Schemas["ExportJob"]> {
  const limit = pageSizeOf("listExports", options.pageSize, 50);
  let cursor = args.createdBefore;
  /** The instant (ms) of the last job yielded, and the ids yielded at that instant. */
  let instant: number | undefined;
  let ties = new Set<string>();
  const at = (job: Schemas["ExportJob"] | undefined) => (typeof job?.createdAt === "string" ? Date.parse(job.createdAt) : Number.NaN);
  while (true) {
    const ask = Math.min(PAGE_LIMITS.listExports.max, limit + ties.size);
    const query = { ...args, limit: ask, ...(cursor !== undefined ? { createdBefore: cursor } : {}) };
    const page = arrayPage<Schemas["ExportJob"]>("listExports", await call(peaka, listExports, query, options.request));
    if (page.length === 0) return;
    const fresh: Schemas["ExportJob"][] = [];
    for (const job of page) {
      if (instant !== undefined && at(job) > instant) {
        throw new PeakaPaginationError("listExports", `asked for jobs created before ${cursor}, got one created at ${job.createdAt}: the server repeats the cursor's page.`);
      }
      if (!(typeof job?.id === "string" && ties.has(job.id))) fresh.push(job);
    }
    if (fresh.length === 0) {
      if (page.length < ask) return;
      throw new PeakaPaginationError(
        "listExports",
        `${page.length} jobs share createdAt ${page[0]?.createdAt}, as many as a page of ${ask} holds: the jobs after them cannot be asked for without skipping some.`,
      );
    }
    yield* fresh;
    const last = page[page.length - 1];
    const lastAt = at(last);
    if (Number.isNaN(lastAt)) {
      throw new PeakaPaginationError("listExports", "the last job of a page has no createdAt, so the next page cannot be asked for.");
    }
    if (lastAt !== instant) ties = new Set();
    for (const job of page) if (at(job) === lastAt && typeof job.id === "string") ties.add(job.id);
    instant = lastAt;
    cursor = new Date(lastAt + 1).toISOString();
  }
}

/** One match of a catalog search, tagged with what it matched. */
export type CatalogSearchItem =
  | { kind: "catalog"; match: Schemas["CatalogSearchResult"]["matchedCatalogs"][number] }
  | { kind: "schema"; match: Schemas["CatalogSearchResult"]["matchedSchemas"][number] }
  | { kind: "table"; match: Schemas["CatalogSearchResult"]["matchedTables"][number] };

/**
 * Every match of a catalog search, following `meta.page.nextOffset` until Peaka sends `null` (or
 * leaves it out) or a page is empty. Default page size: the body's `limit`, else Peaka's default.
 */
export async function* iterateCatalogSearch(
  peaka: PeakaClientOrCore,
  args: { projectId: string; body: SearchBody },
  options: PageOptions = {},
): AsyncGenerator<CatalogSearchItem> {
  if (typeof args?.body !== "object" || args.body === null) throw new PeakaInvalidArgumentError("iterateCatalogSearch needs `body` with the search `query`.");
  let offset = checkCount("body.offset", args.body.offset, 0, 0);
  const limit =
    options.pageSize !== undefined
      ? pageSizeOf("searchCatalogs", options.pageSize, 0)
      : args.body.limit !== undefined
        ? pageSizeOf("searchCatalogs", args.body.limit, 0, "body.limit")
        : undefined;
  let previous: string | undefined;
  while (true) {
    const body = { ...args.body, offset, ...(limit !== undefined ? { limit } : {}) };
    const page: Schemas["CatalogSearchResult"] = await call(peaka, searchCatalogs, { projectId: args.projectId, body }, options.request);
    const items: CatalogSearchItem[] = [
      ...(page.matchedCatalogs ?? []).map((match) => ({ kind: "catalog" as const, match })),
      ...(page.matchedSchemas ?? []).map((match) => ({ kind: "schema" as const, match })),
      ...(page.matchedTables ?? []).map((match) => ({ kind: "table" as const, match })),
    ];
    if (items.length === 0) return;
    const fingerprint = JSON.stringify(items);
    if (fingerprint === previous) {
      throw new PeakaPaginationError("searchCatalogs", `the page at offset ${offset} repeats the previous page; the server seems to ignore offset.`);
    }
    previous = fingerprint;
    yield* items;
    const next = page.meta?.page?.nextOffset;
    if (next === null || next === undefined) return;
    if (typeof next !== "number" || !(next > offset)) {
      throw new PeakaPaginationError("searchCatalogs", `nextOffset ${String(next)} does not move past offset ${offset}; paging would repeat pages.`);
    }
    offset = next;
  }
}

function sameRows(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return false;
  return true;
}

/**
 * The rows of a query-builder execution (`{ from, columns, filters, ... }`), `limit` rows per request,
 * each page starting after the rows received so far; ends on an empty page. Rows carry no identity,
 * and data may repeat (x, y, x, y): when a page equals the previous one and holds at least two
 * different rows, the page one row further on is read once to tell a server that ignores `offset`
 * (the same page again: `PeakaPaginationError`) from repeating data (other rows: paging goes on).
 * Pages of identical rows are never taken for a repeat. Default page size: the body's `limit`, else 1000.
 */
export async function* iterateQueryRows(
  peaka: PeakaClientOrCore,
  args: { projectId: string; format?: QueryFormat; body: Schemas["QueryExecuteBuilderRequest"] },
  options: PageOptions = {},
): AsyncGenerator<QueryRow> {
  if (typeof args?.body !== "object" || args.body === null) throw new PeakaInvalidArgumentError("iterateQueryRows needs `body` with `from`.");
  const limit =
    options.pageSize !== undefined ? pageSizeOf("executeQuery", options.pageSize, 0) : pageSizeOf("executeQuery", args.body.limit, 1000, "body.limit");
  let offset = checkCount("body.offset", args.body.offset, 0, 0);
  let previous: readonly unknown[] | undefined;
  const read = async (at: number): Promise<QueryRow[]> => {
    const request = { projectId: args.projectId, ...(args.format ? { format: args.format } : {}), body: { ...args.body, limit, offset: at } };
    const page = (await call(peaka, executeQuery, request as never, options.request)) as { data?: unknown } | undefined;
    return arrayPage<QueryRow>("executeQuery", page?.data);
  };
  while (true) {
    const rows = await read(offset);
    if (rows.length === 0) return;
    if (previous && sameRows(previous, rows) && rows.some((row) => JSON.stringify(row) !== JSON.stringify(rows[0])) && sameRows(await read(offset + 1), rows)) {
      throw new PeakaPaginationError("executeQuery", `the rows at offset ${offset} and ${offset + 1} repeat the previous page; the server seems to ignore offset.`);
    }
    previous = rows;
    yield* rows;
    offset += rows.length;
  }
}
