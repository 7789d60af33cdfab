// `timeout` bounds an attempt until its body has been read; for an event stream and for streamRows'
// downloads it is an idle limit per chunk. A body read that times out is retried where the call may be
// repeated; a redirect loop is final. Each case over the default transport (the runtime's fetch) and
// the opt-in nodeHttpFetch, against raw loopback sockets that stall where the case says.
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaClient, PeakaBadRequestError, PeakaTimeoutError, type PeakaClientOptions } from "../../src/index.js";
import { nodeHttpFetch } from "../../src/node-http.js";
import { streamRows } from "../../src/sql/index.js";
import { startRawServer, writeHead, type RawServer } from "../support/raw-server.js";

const servers: RawServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function raw(answer: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
  const server = await startRawServer(answer);
  servers.push(server);
  return server;
}

const JSON_HEAD: Array<[string, string]> = [["Content-Type", "application/json"], ["Connection", "close"]];
const ORGS = [{ id: "org-1", name: "Acme" }];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ["fetch (default)", undefined],
  ["node:http", nodeHttpFetch],
] as const)("over %s", (_name, fetchImpl) => {
  const client = (server: RawServer, options: PeakaClientOptions = {}) =>
    createPeakaClient({
      apiKey: "time-limit-key",
      baseUrl: server.baseUrl,
      retryBackoff: { initialDelayMs: 1, maxDelayMs: 2 },
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
      ...options,
    });
  /** Headers and `[{`, then nothing: the body never ends. */
  const stall = (socket: import("node:net").Socket) => writeHead(socket, "200 OK", [...JSON_HEAD, ["Content-Length", "100"]], "[{");
  const full = (socket: import("node:net").Socket) => {
    const body = JSON.stringify(ORGS);
    writeHead(socket, "200 OK", [...JSON_HEAD, ["Content-Length", String(body.length)]], body, true);
  };

  it("ends a call whose body stalls after the headers with PeakaTimeoutError (resource method and low-level)", async () => {
    const server = await raw(stall);
    const peaka = client(server, { timeout: 300, maxRetries: 0 });
    await expect(peaka.organizations.list()).rejects.toBeInstanceOf(PeakaTimeoutError);
    await expect(peaka.GET("/organizations")).rejects.toBeInstanceOf(PeakaTimeoutError);
    expect(server.requests).toHaveLength(2);
    await server.drained();
  });

  it("retries a GET whose body read timed out, and returns the retry's answer", async () => {
    const server = await raw((socket, request) => (request.n === 1 ? stall(socket) : full(socket)));
    // Retries to spare: on a busy machine a retry can time out too.
    const peaka = client(server, { timeout: 300, maxRetries: 3 });
    await expect(peaka.organizations.list()).resolves.toEqual(ORGS);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it("retries a low-level GET whose body read timed out", async () => {
    const server = await raw((socket, request) => (request.n === 1 ? stall(socket) : full(socket)));
    const peaka = client(server, { timeout: 300, maxRetries: 3 });
    const { data } = await peaka.GET("/organizations");
    expect(data).toEqual(ORGS);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it("ends the limit at the headers for a low-level call with parseAs: \"stream\" (the body is the caller's to read)", async () => {
    const server = await raw(async (socket) => {
      writeHead(socket, "200 OK", [["Content-Type", "application/octet-stream"], ["Transfer-Encoding", "chunked"], ["Connection", "close"]]);
      socket.write("2\r\n[{\r\n");
      await sleep(700);
      socket.end("2\r\n}]\r\n0\r\n\r\n");
    });
    const peaka = client(server, { timeout: 300, maxRetries: 0 });
    const { data } = await peaka.GET("/organizations", { parseAs: "stream" });
    expect(await new Response(data as ReadableStream).text()).toBe("[{}]");
  });

  it("does not retry a POST that is not safe to repeat after its body read timed out", async () => {
    const server = await raw(stall);
    const peaka = client(server, { timeout: 300, maxRetries: 2 });
    await expect(peaka.queries.execute({ projectId: "prjA", body: { statement: "SELECT 1" } })).rejects.toBeInstanceOf(PeakaTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it("ends an error answer whose body stalls with its typed error, within the limit", async () => {
    const server = await raw((socket) => writeHead(socket, "400 Bad Request", [...JSON_HEAD, ["Content-Length", "100"]], '{"mess'));
    const peaka = client(server, { timeout: 300, maxRetries: 0 });
    await expect(peaka.organizations.list()).rejects.toBeInstanceOf(PeakaBadRequestError);
    await server.drained();
  });

  describe("event stream: an idle limit per chunk", () => {
    const args = { projectId: "prjA", body: { message: "hi" } };
    const sseHead = (socket: import("node:net").Socket) =>
      writeHead(socket, "200 OK", [["Content-Type", "text/event-stream"], ["Transfer-Encoding", "chunked"], ["Connection", "close"]]);
    const event = (socket: import("node:net").Socket, n: number) => {
      const text = `data: {"n":${n}}\n\n`;
      socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
    };

    it("keeps a stream whose events come more often than the limit, however long it lasts in total", async () => {
      // 8 events 150 ms apart (about 1 s in all) with a 3 s idle limit (room for a busy machine's stalls).
      const server = await raw(async (socket) => {
        sseHead(socket);
        for (let n = 1; n <= 8; n++) {
          event(socket, n);
          await sleep(150);
        }
        socket.end("0\r\n\r\n");
      });
      const stream = await client(server, { timeout: 3_000, maxRetries: 0 }).agent.stream(args);
      const seen: unknown[] = [];
      for await (const e of stream) seen.push(e.data);
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ n })));
    });

    it("ends the loop with PeakaTimeoutError when the server goes silent for longer than the limit", async () => {
      const server = await raw((socket) => {
        sseHead(socket);
        event(socket, 1);
      });
      const stream = await client(server, { timeout: 300, maxRetries: 0 }).agent.stream(args);
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const e of stream) seen.push(e.data);
      })().catch((e: unknown) => e);
      expect(seen).toEqual([{ n: 1 }]);
      expect(error).toBeInstanceOf(PeakaTimeoutError);
      await server.drained();
    });

    it("does not count the time the consumer spends between events", async () => {
      // The server is silent for 900 ms twice, but only while the loop is busy (1.8 s per event): the
      // stream never waits for data itself, so a 600 ms idle limit never trips (the slack leaves room
      // for a busy machine's late timers).
      const server = await raw(async (socket) => {
        sseHead(socket);
        event(socket, 1);
        await sleep(900);
        event(socket, 2);
        await sleep(900);
        socket.end("0\r\n\r\n");
      });
      const stream = await client(server, { timeout: 600, maxRetries: 0 }).agent.stream(args);
      const seen: unknown[] = [];
      for await (const e of stream) {
        seen.push(e.data);
        await sleep(1_800);
      }
      expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    });
  });

  describe("streamRows downloads: an idle limit per chunk", () => {
    /** An API that reports one finished JSONL export whose one file is served by `storage`. */
    async function exportOn(storage: RawServer) {
      const job = { id: "e-1", status: "SUCCEEDED", format: "JSONL", compression: "NONE", createdAt: "2026-01-01T00:00:00Z", files: [{ name: "part-0.jsonl", url: `${storage.origin}/bucket/part-0.jsonl` }] };
      return raw((socket) => {
        const body = JSON.stringify(job);
        writeHead(socket, "200 OK", [...JSON_HEAD, ["Content-Length", String(body.length)]], body, true);
      });
    }
    const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `{"n":${from + i}}\n`).join("");

    it("ends with PeakaTimeoutError when the file stops arriving, after the rows before the stall", async () => {
      const storage = await raw((socket) => {
        writeHead(socket, "200 OK", [["Content-Type", "application/octet-stream"], ["Content-Length", "1000"], ["Connection", "close"]], lines(1, 2));
      });
      const api = await exportOn(storage);
      const rows: unknown[] = [];
      const error = await (async () => {
        for await (const row of streamRows(client(api, { maxRetries: 0 }), { projectId: "prjA", exportId: "e-1" }, { idleTimeout: 300, ...(fetchImpl ? { fetch: fetchImpl } : {}) })) rows.push(row);
      })().catch((e: unknown) => e);
      expect(rows).toEqual([{ n: 1 }, { n: 2 }]);
      expect(error).toBeInstanceOf(PeakaTimeoutError);
      await storage.drained();
    });

    it("ends with PeakaTimeoutError when the storage host never answers", async () => {
      const storage = await raw(() => undefined);
      const api = await exportOn(storage);
      const stream = streamRows(client(api, { maxRetries: 0 }), { projectId: "prjA", exportId: "e-1" }, { idleTimeout: 300, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
      await expect(stream.next()).rejects.toBeInstanceOf(PeakaTimeoutError);
    });

    /** A chunked file: one line per chunk, `gap` ms apart. */
    const chunkedFile = (count: number, gap: number) => async (socket: import("node:net").Socket) => {
      writeHead(socket, "200 OK", [["Content-Type", "application/octet-stream"], ["Transfer-Encoding", "chunked"], ["Connection", "close"]]);
      for (let n = 1; n <= count; n++) {
        const text = lines(n, n);
        socket.write(`${text.length.toString(16)}\r\n${text}\r\n`);
        await sleep(gap);
      }
      socket.end("0\r\n\r\n");
    };

    it("keeps a download whose chunks come more often than the limit, however long it lasts in total", async () => {
      const storage = await raw(chunkedFile(6, 150));
      const api = await exportOn(storage);
      const rows: unknown[] = [];
      for await (const row of streamRows(client(api, { maxRetries: 0 }), { projectId: "prjA", exportId: "e-1" }, { idleTimeout: 3_000, ...(fetchImpl ? { fetch: fetchImpl } : {}) })) rows.push(row);
      expect(rows).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    });

    it("does not count the caller's time between rows", async () => {
      // 900 ms between chunks, but the caller takes 1.8 s per row: the stream never waits 600 ms itself.
      const storage = await raw(chunkedFile(3, 900));
      const api = await exportOn(storage);
      const rows: unknown[] = [];
      for await (const row of streamRows(client(api, { maxRetries: 0 }), { projectId: "prjA", exportId: "e-1" }, { idleTimeout: 600, ...(fetchImpl ? { fetch: fetchImpl } : {}) })) {
        rows.push(row);
        await sleep(1_800);
      }
      expect(rows).toEqual([1, 2, 3].map((n) => ({ n })));
    });
  });
});
