// Async iterators over the items of Peaka's paged operations. Each reads one page at a time, only as
// far as the loop goes; `break` stops without reading further pages.
import type { components, operations } from "@peaka/api-types";
import type { PeakaClient } from "./client.js";
import type { RequestOptions } from "./internal/transport.js";

type Schemas = components["schemas"];
type SearchBody = Schemas["CatalogSearchRequest"];
type QueryFormat = NonNullable<operations["executeQuery"]["parameters"]["query"]>["format"];

/** Page size options of the iterators. */
export interface PageOptions {
  /** Items asked for per request. Default: the operation's own default (see each iterator). */
  pageSize?: number;
  /** Per-request options (signal, timeout, retries) applied to every page. Default: none. */
  request?: RequestOptions;
}

/**
 * A cache's runs, newest first, across as many `limit`/`offset` pages as needed.
 * Default page size: 50.
 */
export async function* iterateCacheExecutionHistory(
  peaka: PeakaClient,
  ids: { projectId: string; cacheId: string },
  options: PageOptions = {},
): AsyncGenerator<Schemas["CacheExecutionInfo"]> {
  const limit = options.pageSize ?? 50;
  for (let offset = 0; ; offset += limit) {
    const page = await peaka.cache.listExecutionHistory({ ...ids, limit, offset }, options.request);
    yield* page;
    if (page.length < limit) return;
  }
}

/**
 * A project's export jobs, newest first. Pages follow the `createdBefore` cursor: each next page asks
 * for jobs created before the last one seen. Default page size: 50 (Peaka allows 1 to 200).
 */
export async function* iterateExports(
  peaka: PeakaClient,
  args: { projectId: string; status?: string; createdBefore?: string },
  options: PageOptions = {},
): AsyncGenerator<Schemas["ExportJob"]> {
  const limit = options.pageSize ?? 50;
  let createdBefore = args.createdBefore;
  while (true) {
    const page = await peaka.exports.list({ ...args, limit, ...(createdBefore ? { createdBefore } : {}) }, options.request);
    yield* page;
    const last = page[page.length - 1];
    if (page.length < limit || !last?.createdAt || last.createdAt === createdBefore) return;
    createdBefore = last.createdAt;
  }
}

/** One match of a catalog search, tagged with what it matched. */
export type CatalogSearchItem =
  | { kind: "catalog"; match: Schemas["CatalogSearchResult"]["matchedCatalogs"][number] }
  | { kind: "schema"; match: Schemas["CatalogSearchResult"]["matchedSchemas"][number] }
  | { kind: "table"; match: Schemas["CatalogSearchResult"]["matchedTables"][number] };

/**
 * Every match of a catalog search, following `meta.page.nextOffset` until Peaka sends `null` (or
 * leaves it out). Default page size: the body's `limit`, else Peaka's default.
 */
export async function* iterateCatalogSearch(
  peaka: PeakaClient,
  args: { projectId: string; body: SearchBody },
  options: PageOptions = {},
): AsyncGenerator<CatalogSearchItem> {
  let offset: number | null | undefined = args.body.offset ?? 0;
  const limit = options.pageSize ?? args.body.limit;
  while (offset !== null && offset !== undefined) {
    const page: Schemas["CatalogSearchResult"] = await peaka.catalogs.search(
      { projectId: args.projectId, body: { ...args.body, offset, ...(limit !== undefined ? { limit } : {}) } },
      options.request,
    );
    for (const match of page.matchedCatalogs) yield { kind: "catalog", match };
    for (const match of page.matchedSchemas) yield { kind: "schema", match };
    for (const match of page.matchedTables) yield { kind: "table", match };
    const next: number | null | undefined = page.meta.page.nextOffset;
    offset = next !== null && next !== undefined && next > offset ? next : null;
  }
}

/**
 * The rows of a query-builder execution (`{ from, columns, filters, ... }`), `limit` rows per request,
 * advancing `offset` until a page comes back short. Default page size: the body's `limit`, else 1000.
 */
export async function* iterateQueryRows(
  peaka: PeakaClient,
  args: { projectId: string; format?: QueryFormat; body: Schemas["QueryExecuteBuilderRequest"] },
  options: PageOptions = {},
): AsyncGenerator<Schemas["QueryExecutionResult"]["data"][number]> {
  const limit = options.pageSize ?? args.body.limit ?? 1000;
  for (let offset = args.body.offset ?? 0; ; offset += limit) {
    const page = await peaka.queries.execute(
      { projectId: args.projectId, ...(args.format ? { format: args.format } : {}), body: { ...args.body, limit, offset } },
      options.request,
    );
    yield* page.data;
    if (page.data.length < limit) return;
  }
}
