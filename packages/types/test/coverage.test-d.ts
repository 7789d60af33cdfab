// Compile-time checks over every operation of the spec (run by `pnpm typecheck`): each has a typed
// error body, and each success answer is either typed or declared empty. A failing check names the
// operations in the error message.
import type { ErrorResponse, OperationErrorBody, OperationId, OperationResult } from "../src/index.js";

type Untyped<T> = unknown extends T ? true : T extends Record<string, never> ? (keyof T extends never ? true : false) : false;

/** Operations whose success body is `unknown` or an empty object type. */
type UntypedResults = { [K in OperationId]: Untyped<OperationResult<K>> extends true ? K : never }[OperationId];
/** Operations without a typed error body. */
type UntypedErrors = { [K in OperationId]: [OperationErrorBody<K>] extends [never] ? K : Untyped<OperationErrorBody<K>> extends true ? K : never }[OperationId];
/** Operations whose error body is not the shared ErrorResponse. */
type OtherErrors = { [K in OperationId]: OperationErrorBody<K> extends ErrorResponse ? never : K }[OperationId];

export const everyResultTyped: [UntypedResults] extends [never] ? true : UntypedResults = true;
export const everyErrorTyped: [UntypedErrors] extends [never] ? true : UntypedErrors = true;
export const everyErrorShared: [OtherErrors] extends [never] ? true : OtherErrors = true;
