// Waiters and iterators take either front door: a client from createPeakaClient() or a core from
// createPeakaCore(). They name the operations they need as the generated operation functions, so a
// bundle built on a core carries only those; a client is asked through its own bound method.
import type { PeakaClient } from "./client.js";
import { specOf, TRANSPORT, type Core, type OperationFunction } from "./internal/core.js";
import type { RequestOptions } from "./internal/transport.js";
import { PeakaInvalidArgumentError } from "./errors.js";

/** What waiters and iterators accept: `createPeakaClient()` or `createPeakaCore()`. */
export type PeakaClientOrCore = PeakaClient | Core;

type Bound = (args: unknown, options?: RequestOptions) => Promise<unknown>;

/** Calls one operation through whichever front door `peaka` is. */
export function call<A, R>(peaka: PeakaClientOrCore, fn: OperationFunction<A, R>, args: A, options?: RequestOptions): Promise<R> {
  if (typeof peaka === "object" && peaka !== null) {
    if (TRANSPORT in peaka) return fn(peaka as Core, args, options);
    const name = specOf(fn).n;
    const dot = name.indexOf(".");
    const method = (peaka as unknown as Record<string, Record<string, Bound> | undefined>)[name.slice(0, dot)]?.[name.slice(dot + 1)];
    if (typeof method === "function") return method(args, options) as Promise<R>;
  }
  throw new PeakaInvalidArgumentError("Expected a client from createPeakaClient() or a core from createPeakaCore().");
}
