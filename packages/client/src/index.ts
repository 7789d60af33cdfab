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
  PeakaTimeoutError,
} from "./errors.js";
export { VERSION } from "./version.js";
