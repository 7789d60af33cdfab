// Server-sent events through peaka.agent.stream: chunking that splits events, lines and UTF-8
// characters; leaving the loop early; error events; dropped connections; aborts.
import { getEventListeners } from "node:events";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { PeakaAbortError, PeakaConnectionError, PeakaRateLimitError, PeakaStreamError } from "../../src/errors.js";
import { eventStream, type StreamEvent } from "../../src/stream.js";
import { clientFor, closeAllServers, closedBy, delay, json, raw, rejectionOf, startServer, type Step } from "../support/servers.js";

afterEach(closeAllServers);

const args = { projectId: "prjA", body: { message: "Which five customers spent the most?", streamModes: ["updates" as const, "messages" as const] } };

/** Events as the agent sends them, with multi-byte characters, an id, CRLF line ends and a comment. */
const WIRE =
  ": keep-alive comment\n\n" +
  'event: updates\nid: 1\ndata: {"classify-intent":{"userIntentReasoning":"TEXT_TO_SQL"}}\n\n' +
  'event: messages\r\ndata: {"type":"AIMessageChunk","content":"Müşteriler 🚀 "}\r\n\r\n' +
  'event: messages\ndata: {"type":"AIMessageChunk",\ndata: "content":"日本語 ✓"}\n\n' +
  "event: updates\ndata: plain text, not JSON\n\n";

const EXPECTED: Array<StreamEvent<unknown>> = [
  { event: "updates", id: "1", data: { "classify-intent": { userIntentReasoning: "TEXT_TO_SQL" } } },
  { event: "messages", id: undefined, data: { type: "AIMessageChunk", content: "Müşteriler 🚀 " } },
  { event: "messages", id: undefined, data: { type: "AIMessageChunk", content: "日本語 ✓" } },
  { event: "updates", id: undefined, data: "plain text, not JSON" },
];

const sse = (res: Parameters<Step>[1]) => res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });

/** Writes `bytes` in pieces of the given sizes (cycled), pausing between pieces so they travel apart. */
function chunked(bytes: Uint8Array, sizes: number[], pauseMs = 2): Step {
  return async (_req, res) => {
    sse(res);
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const size = sizes[i % sizes.length]!;
      res.write(bytes.subarray(at, at + size));
      at += size;
      await delay(pauseMs);
    }
    res.end();
  };
}

async function collect<T>(stream: AsyncIterable<StreamEvent<T>>): Promise<Array<StreamEvent<T>>> {
  const out: Array<StreamEvent<T>> = [];
  for await (const event of stream) out.push(event);
  return out;
}

describe("agent.stream over HTTP", () => {
  it("parses every event in order when chunks split events, lines and UTF-8 characters", async () => {
    const bytes = new TextEncoder().encode(WIRE);
    // 🚀 is 4 bytes and ü, ş 2 bytes: pieces of 1, 2 and 3 bytes cut through all of them and through CR LF.
    const server = await startServer(chunked(bytes, [1, 3, 2, 5, 1, 7]));
    const stream = await clientFor(server).agent.stream(args);
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream");
    expect(await collect(stream)).toEqual(EXPECTED);
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/api/v1/ai-agent/prjA/chat/stream");
    expect(request.headers["accept"]).toBe("text/event-stream");
    expect(JSON.parse(request.body.toString())).toEqual(args.body);
  });

  it("aborts the request when the loop is left early (the server sees the connection close)", async () => {
    const server = await startServer(async (_req, res) => {
      sse(res);
      for (let i = 0; i < 500 && !res.destroyed; i++) {
        res.write(`event: messages\ndata: {"n":${i}}\n\n`);
        await delay(10);
      }
      res.end();
    });
    const stream = await clientFor(server).agent.stream(args);
    const seen: unknown[] = [];
    for await (const event of stream) {
      seen.push(event.data);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([{ n: 0 }, { n: 1 }]);
    expect(await server.requests[0]!.closed).toBe(true); // closed by the client before the server finished
  });

  it("throws PeakaStreamError for an `event: error`, after the events before it, and closes the connection", async () => {
    const server = await startServer(async (_req, res) => {
      sse(res);
      res.write('event: messages\ndata: {"content":"Working"}\n\n');
      res.write('event: error\ndata: {"errorCode":"AGENT_FAILED","message":"The model is overloaded"}\n\n');
      await closedBy(res); // keeps the stream open: the client must close it
    });
    const stream = await clientFor(server).agent.stream(args);
    const seen: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const event of stream) seen.push(event.data);
      })(),
    );
    expect(seen).toEqual([{ content: "Working" }]);
    expect(error).toBeInstanceOf(PeakaStreamError);
    const e = error as PeakaStreamError;
    expect(e.errorCode).toBe("AGENT_FAILED");
    expect(e.message).toContain("The model is overloaded");
    expect(e.method).toBe("POST");
    expect(e.path).toBe("/ai-agent/prjA/chat/stream");
    expect(await server.requests[0]!.closed).toBe(true);
  });

  it("throws a typed PeakaConnectionError, not a raw TypeError, when the server drops the connection mid-stream", async () => {
    const server = await startServer(async (_req, res) => {
      sse(res);
      res.write('event: messages\ndata: {"content":"Hel');
      await delay(10);
      res.write('lo"}\n\nevent: messages\ndata: {"content":"half an ev');
      await delay(10);
      res.socket?.destroy();
    });
    const stream = await clientFor(server).agent.stream(args);
    const seen: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const event of stream) seen.push(event.data);
      })(),
    );
    expect(seen).toEqual([{ content: "Hello" }]);
    expect(error).toBeInstanceOf(PeakaConnectionError);
    expect((error as PeakaConnectionError).path).toBe("/ai-agent/prjA/chat/stream");
    expect((error as Error).cause).toBeDefined();
  });

  it("throws PeakaAbortError (cause = reason) when the caller's signal fires mid-stream", async () => {
    const server = await startServer(async (_req, res) => {
      sse(res);
      res.write('data: {"n":1}\n\n');
      await closedBy(res);
    });
    const controller = new AbortController();
    const stream = await clientFor(server).agent.stream(args, { signal: controller.signal });
    const seen: unknown[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const event of stream) {
          seen.push(event.data);
          setTimeout(() => controller.abort("user closed the chat"), 10);
        }
      })(),
    );
    expect(seen).toEqual([{ n: 1 }]);
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe("user closed the chat");
    expect(await server.requests[0]!.closed).toBe(true);
  });

  it("ends the loop quietly when stream.abort() is called, and closes the connection", async () => {
    const server = await startServer(async (_req, res) => {
      sse(res);
      res.write('data: {"n":1}\n\n');
      await closedBy(res);
    });
    const stream = await clientFor(server).agent.stream(args);
    const seen: unknown[] = [];
    for await (const event of stream) {
      seen.push(event.data);
      setTimeout(() => stream.abort(), 10);
    }
    expect(seen).toEqual([{ n: 1 }]);
    expect(await server.requests[0]!.closed).toBe(true);
  });

  it("leaves no listener on the caller's signal once streams are over", async () => {
    const server = await startServer(raw(200, 'data: {"n":1}\n\n', { "content-type": "text/event-stream" }));
    const peaka = clientFor(server);
    const controller = new AbortController();
    for (let i = 0; i < 12; i++) {
      expect(await collect(await peaka.agent.stream(args, { signal: controller.signal }))).toEqual([{ event: undefined, id: undefined, data: { n: 1 } }]);
    }
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("throws the typed API error when the stream is refused, and does not retry the POST", async () => {
    const server = await startServer(json(429, { errorCode: "RATE_LIMITED", message: "Too many turns" }, { "retry-after": "0" }));
    const error = await rejectionOf(clientFor(server).agent.stream(args));
    expect(error).toBeInstanceOf(PeakaRateLimitError);
    expect((error as PeakaRateLimitError).errorCode).toBe("RATE_LIMITED");
    expect(server.requests).toHaveLength(1);
  });
});

describe("eventStream parsing, for any chunking", () => {
  it("yields the same events however the bytes are cut", async () => {
    const bytes = new TextEncoder().encode(WIRE);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 1; i < points.length; i++) controller.enqueue(bytes.slice(points[i - 1], points[i]));
            controller.close();
          },
        });
        let aborted = false;
        const stream = eventStream(new Response(body), { method: "POST", url: "http://x.test/s" }, () => {
          aborted = true;
        });
        expect(await collect(stream)).toEqual(EXPECTED);
        expect(aborted).toBe(false); // a stream read to its end is not aborted
      }),
      { numRuns: 200 },
    );
  });
});
