// Server-sent events as an async iterator. Events are parsed with eventsource-parser, so chunk
// boundaries that split an event or a line do not matter. Leaving the loop early (break, return, a
// thrown error) aborts the request. An `error` event, or a connection that drops mid-stream, surfaces
// as a typed error from the loop.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { describeRequest, PeakaAbortError, PeakaConnectionError, PeakaError, PeakaStreamError } from "./errors.js";
import type { Attempt } from "./internal/transport.js";

/** One event of a stream: its SSE `event` name and `id` (when sent) and its parsed `data`. */
export interface StreamEvent<T> {
  event: string | undefined;
  id: string | undefined;
  data: T;
}

/** An async iterable of events; `abort()` ends it and the request behind it. */
export interface PeakaEventStream<T> extends AsyncIterable<StreamEvent<T>> {
  /** Stops the stream and aborts its request. */
  abort(): void;
  /** The HTTP response the events are read from. */
  readonly response: Response;
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Wraps a `text/event-stream` response. `abort` aborts the request the response belongs to; it is
 * called when the consumer leaves the loop before the stream ends. `options.signal` is the caller's
 * signal, already combined into the request's (its firing ends the loop with `PeakaAbortError`; it is
 * only read, never listened to); `options.redact` cleans an `error` event of the API key;
 * `options.attempt` is the transport's attempt: each chunk restarts its idle limit, the end stops it,
 * and a read it cut short becomes its PeakaTimeoutError.
 */
export function eventStream<T>(
  response: Response,
  request: { method: string; url: string; base?: string | undefined },
  abort: () => void,
  options: { signal?: AbortSignal | undefined; redact?: (text: string) => string; attempt?: Attempt | undefined } = {},
): PeakaEventStream<T> {
  const info = describeRequest(request.method, request.url, request.base);
  const body = response.body;
  // Set by `stream.abort()`: the consumer asked for the end, so the loop ends without an error.
  let stopped = false;
  const attempt = options.attempt;
  async function* iterate(): AsyncGenerator<StreamEvent<T>> {
    if (!body) {
      attempt?.done();
      return;
    }
    const queue: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (event) => queue.push(event) });
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let finished = false;
    try {
      while (true) {
        let chunk: ReadableStreamReadResult<string>;
        attempt?.touch();
        try {
          chunk = await reader.read();
          attempt?.pause();
        } catch (error) {
          if (options.signal?.aborted) {
            throw new PeakaAbortError(`${info.method} ${info.path} was aborted`, { cause: options.signal.reason });
          }
          if (stopped) break;
          if (attempt) throw attempt.failure(error);
          if (error instanceof PeakaError) throw error;
          throw new PeakaConnectionError(info, { cause: error });
        }
        if (chunk.done) break;
        parser.feed(chunk.value);
        while (queue.length) {
          const message = queue.shift() as EventSourceMessage;
          if (message.event === "error") throw PeakaStreamError.from(info, parseData(options.redact ? options.redact(message.data) : message.data));
          const data = parseData(message.data);
          yield { event: message.event, id: message.id, data: data as T };
        }
      }
      finished = true;
    } finally {
      attempt?.done();
      if (!finished) abort();
      reader.releaseLock();
    }
  }
  let iterator: AsyncGenerator<StreamEvent<T>> | undefined;
  return {
    response,
    abort() {
      stopped = true;
      attempt?.done();
      abort();
    },
    [Symbol.asyncIterator]() {
      iterator ??= iterate();
      return iterator;
    },
  };
}
