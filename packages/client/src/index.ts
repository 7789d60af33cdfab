// @peaka/client: the public surface. Everything not listed here is internal.
export { createPeakaClient } from "./client.js";
export type { PeakaClient, PeakaLowLevelClient } from "./client.js";
export { REGIONS } from "./options.js";
export type { ApiKeySource, PeakaClientOptions, Region } from "./options.js";
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
  PeakaPermissionDeniedError,
  PeakaRateLimitError,
  PeakaResponseError,
  PeakaServerError,
  PeakaStreamError,
  PeakaTimeoutError,
} from "./errors.js";
export { VERSION } from "./version.js";

// Waiting on long-running jobs
export { poll } from "./poll.js";
export type { Job, JobVerdict, PollOptions } from "./poll.js";
export {
  waitForCacheSync,
  waitForExport,
  waitForMaterializedQuery,
  waitForMetadataRefresh,
} from "./waiters.js";

// Paged operations as async iterators
export {
  iterateCacheExecutionHistory,
  iterateCatalogSearch,
  iterateExports,
  iterateQueryRows,
} from "./paginate.js";
export type { CatalogSearchItem, PageOptions } from "./paginate.js";

// Status spelling, streams, resource method types
export { normalizeRefreshJobStatus, normalizeStatus } from "./normalize.js";
export type { MetadataRefreshState, NormalizedRefreshJobStatus } from "./normalize.js";
export type { PeakaEventStream, StreamEvent } from "./stream.js";
export type { WithResponse } from "./internal/core.js";
export type { PeakaResources } from "./generated/resources.js";
