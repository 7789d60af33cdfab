// @peaka/api-types: the Peaka Partner API as TypeScript types, generated from spec/peaka.yaml.
//
// `paths`, `operations` and `components` come straight from openapi-typescript, and so does one
// readable alias per schema (`CacheStatus`, `MetadataRefreshJobStatus`, ...). The helpers below are
// derived from them; nothing here restates a shape by hand.
export type * from "./generated/peaka.js";
export type {
  OperationId,
  OperationParameters,
  OperationRequestBody,
  OperationResult,
  OperationErrorBody,
} from "./helpers.js";
