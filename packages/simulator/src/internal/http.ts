// Answers and errors as the handlers give them, and Peaka's error bodies.

/** What a handler answers: a body for the operation's success status, or a full answer. */
export interface Answer {
  status: number;
  body?: unknown;
  /** Raw bytes or text, sent as they are with `contentType`. */
  raw?: Uint8Array | string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Thrown by a handler to answer with an error status and Peaka's error body. */
export class PeakaSimError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body["message"] ?? `HTTP ${status}`));
  }
}

/** A 400 as Peaka sends for a request it refuses (`errorCode` 100, its generic bad-request code). */
export const badRequest = (message: string) => new PeakaSimError(400, { errorCode: 100, message });
/** A 400 as Peaka sends for an id it cannot find on routes that say so (`WrongRequestException`). */
export const wrongRequest = (message: string) => new PeakaSimError(400, { error: "WrongRequestException", message });
export const notFound = (message: string) => new PeakaSimError(404, { message });
export const forbidden = (message: string) => new PeakaSimError(403, { message });
export const unauthorized = () => new PeakaSimError(401, { message: "The bearer token was not accepted." });

/** A handler's answer that is not JSON (CSV, PNG, server-sent events): sent as it is, with the operation's success status. */
export class RawBody {
  constructor(
    readonly raw: Uint8Array | string,
    readonly contentType: string,
    readonly headers: Record<string, string> = {},
  ) {}
}
