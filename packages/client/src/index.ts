// @peaka/api: the public surface. Everything not listed here is internal.
export { createPeakaClient } from "./client.js";
export { createPeakaCore } from "./core.js";
export type { PeakaCore } from "./core.js";
export type { PeakaClient, PeakaClientOverrides, PeakaLowLevelClient } from "./client.js";
export { REGIONS } from "./options.js";
export type { ApiKeyContext, ApiKeySource, PeakaClientOptions, Region } from "./options.js";
export type { RequestOptions } from "./internal/transport.js";
export type { Logger, LogLevel } from "./internal/log.js";
export {
  PeakaAbortError,
  PeakaApiError,
  PeakaAuthenticationError,
  PeakaBadRequestError,
  PeakaConfigError,
  PeakaConflictError,
  PeakaConnectionError,
  PeakaError,
  PeakaInvalidArgumentError,
  PeakaJobFailedError,
  PeakaNotFoundError,
  PeakaPaginationError,
  PeakaPermissionDeniedError,
  PeakaRateLimitError,
  PeakaRedirectError,
  PeakaResponseError,
  PeakaServerError,
  PeakaStreamError,
  PeakaTimeoutError,
} from "./errors.js";
export { VERSION } from "./version.js";

// Waiting on long-running jobs: trigger-and-wait helpers, waiters, and the poll primitive. They take a
// client or a core (PeakaClientOrCore).
export { poll } from "./poll.js";
export type { Job, JobVerdict, PollOptions } from "./poll.js";
export type { PeakaClientOrCore } from "./door.js";
export {
  fullRefreshCacheAndWait,
  incrementalUpdateCacheAndWait,
  refreshMaterializedQueryAndWait,
  refreshMetadataAndWait,
  waitForCacheRun,
  waitForCacheSync,
  waitForExport,
  waitForMaterializedQuery,
  waitForMetadataRefresh,
} from "./waiters.js";
export type { CacheRunBaseline, CacheSyncMode, MetadataRefreshWaitOptions } from "./waiters.js";
export type { CacheExecutionInfo, CacheStatus, ExportJob, MaterializedQueryStatus } from "@peaka/api-types";

// Paged operations as async iterators
export {
  iterateCacheExecutionHistory,
  iterateCatalogSearch,
  iterateExports,
  iterateQueryRows,
} from "./paginate.js";
export { PAGE_LIMITS } from "./paginate.js";
export type { CatalogSearchItem, PageOptions } from "./paginate.js";
// Paged methods (`peaka.exports.list(args)`): await for one page, `for await` for every item.
export type { OptionalArgsPagedOperationFunction, PagedOperationFunction, PagePromise, ToArrayOptions } from "./internal/paging.js";

// Status spelling, streams, resource method types
export { normalizeRefreshJobStatus, normalizeStatus } from "./normalize.js";
export type { MetadataRefreshState, NormalizedRefreshJobStatus } from "./normalize.js";
export type { PeakaEventStream, StreamEvent } from "./stream.js";
export type { OperationFunction, OptionalArgsOperationFunction, WithResponse } from "./internal/core.js";
// The resource namespace interfaces (CacheResource, ...) and each operation's argument and result
// types (GetCacheStatusArgs, GetCacheStatusResult, ...), all generated from the spec. generated/types.ts
// is an explicit type-only list, so that no value of generated/resources.ts is declared as exported.
export type * from "./generated/types.js";
export type { ExecuteQueryFunction, ExecuteQueryResultFor, QueryFormat, QueryRow } from "./query-rows.js";
export type { EmptyArgs, MultipartBody } from "./internal/args.js";
export type { FilePart } from "./internal/multipart.js";

// One standalone function per operation (named by operationId) for createPeakaCore(): the generated
// list in generated/operations.ts. Tree-shaking keeps only the ones a program imports.
export * from "./generated/operations.js";
