import type { operations } from "./generated/peaka.js";

/** The operationId of every operation in the spec. */
export type OperationId = keyof operations;

type Responses<Id extends OperationId> = operations[Id]["responses"];
type SuccessCode<Id extends OperationId> = Extract<keyof Responses<Id>, 200 | 201 | 202 | 203 | 204 | 206>;
type ErrorCode<Id extends OperationId> = Exclude<keyof Responses<Id>, SuccessCode<Id>>;
type BodyOf<R> = R extends { content: infer C }
  ? C extends Record<string, infer B>
    ? B
    : never
  : undefined;

/** Path, query and header parameters of an operation, as openapi-typescript declares them. */
export type OperationParameters<Id extends OperationId> = operations[Id]["parameters"];

/** The request body of an operation (`never` when it takes none). */
export type OperationRequestBody<Id extends OperationId> = operations[Id] extends {
  requestBody?: { content: infer C };
}
  ? C[keyof C]
  : never;

/** The body of an operation's success answer (`undefined` for 204 and other empty answers). */
export type OperationResult<Id extends OperationId> = BodyOf<Responses<Id>[SuccessCode<Id>]>;

/** The body of an operation's error answers. */
export type OperationErrorBody<Id extends OperationId> = BodyOf<Responses<Id>[ErrorCode<Id>]>;
