// A hostile-server fuzz: a loopback server on raw sockets answers each request with a seeded random
// malformation (status lines 100-999, bad and duplicate headers, bad Location, redirect loops, wrong
// Content-Length, broken chunking, garbage or truncated gzip/br/deflate, resets at random byte offsets,
// headers then silence, bodies trickling a byte a second, huge headers, garbage). Every entry point
// (resource method, operation function, low-level, iterator, waiter, event stream, runSql, streamRows)
// runs over both transports (the default fetch and the opt-in nodeHttpFetch), cases concurrently in
// batches. For every case: the call settles with a PeakaError subclass or the right data, within its
// time limit plus a margin; no uncaught exception, no unhandled rejection; no listener left on the
// signal every call shares; no socket that carried a request is left open after a batch; the heap,
// after gc, grows by less than a generous bound.
//
// PEAKA_FUZZ_CASES (default 10000), PEAKA_FUZZ_SEED (default 24601) and PEAKA_FUZZ_BATCH (default 500)
// make longer or other runs: `PEAKA_FUZZ_CASES=100000 PEAKA_FUZZ_SEED=7 pnpm --filter @peaka/api exec vitest run test/fuzz`.
import { getEventListeners } from "node:events";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Socket } from "node:net";
import { afterAll, expect, it } from "vitest";
import {
  createPeakaClient,
  createPeakaCore,
  getCacheStatus,
  iterateExports,
  PeakaError,
  waitForExport,
  type PeakaClientOptions,
} from "../../src/index.js";
import { nodeHttpFetch } from "../../src/node-http.js";
import { runSql, sql, streamRows } from "../../src/sql/index.js";
import { startRawServer, type RawRequest, type RawServer } from "../support/raw-server.js";

const CASES = Number(process.env["PEAKA_FUZZ_CASES"] ?? 10_000);
const SEED = Number(process.env["PEAKA_FUZZ_SEED"] ?? 24_601);
const BATCH = Number(process.env["PEAKA_FUZZ_BATCH"] ?? 500);
/**
 * The per-attempt `timeout` (and streamRows' `idleTimeout`): short for the malformations that keep the
 * socket open without finishing (they end at the limit), longer for the others, which end by themselves
 * (so that a busy machine does not turn their right answer into a timeout).
 */
const SLOW_LIMIT = 400;
const FAST_LIMIT = 2_500;
const SLOW_KINDS = new Set(["headers then silence", "silence", "trickle a byte a second", "garbage"]);
/** A waiter's deadline, beyond the case's limit. */
const WAIT = 1_000;
/**
 * What a busy machine may add to a case's own limit before it counts as a hang: generous, since on a
 * shared 2-core machine the whole process can stall for seconds (a hang is for ever, so it is still seen).
 */
const MARGIN = 15_000;
const HEAP_BOUND = 200 * 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

// ---- seeded randomness -----------------------------------------------------------------------------
type Rng = { next(): number; int(n: number): number; pick<T>(items: readonly T[]): T };
function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (items) => items[Math.floor(next() * items.length)] as never };
}

// ---- what a well-behaved server would answer -------------------------------------------------------
const STATUS = { id: "c-1", status: "COMPLETED" };
const JOB = { id: "e-1", status: "SUCCEEDED", format: "JSONL", compression: "NONE", createdAt: "2026-01-01T00:00:00.000Z" };
const EVENTS = [{ n: 1 }, { n: 2 }, { n: 3 }];
const ROWS = [{ n: 1 }, { n: 2 }, { n: 3 }];
const SQL_ANSWER = {
  columns: [{ columnName: "n" }],
  data: [[{ name: "n", displayName: "n", dataType: "integer", order: 0, value: 1 }]],
};

interface Good {
  type: string;
  body: Buffer;
}
function good(request: RawRequest, origin: string, id: number): Good {
  const path = request.target.split("?")[0] ?? "";
  const json = (value: unknown): Good => ({ type: "application/json", body: Buffer.from(JSON.stringify(value)) });
  if (path.endsWith("/cache/c-1/status")) return json(STATUS);
  if (path.endsWith("/exports")) return json([JOB]);
  if (path.endsWith("/exports/e-1")) return json({ ...JOB, files: [{ name: "part-0.jsonl", url: `${origin}/c/${id}/bucket/part-0.jsonl` }] });
  if (path.endsWith("/chat/stream")) return { type: "text/event-stream", body: Buffer.from(EVENTS.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")) };
  if (path.endsWith("/queries/execute")) return json(SQL_ANSWER);
  if (path.endsWith("/bucket/part-0.jsonl")) return { type: "application/octet-stream", body: Buffer.from(ROWS.map((r) => `${JSON.stringify(r)}\n`).join("")) };
  return json({ message: "no such path" });
}

// ---- the malformations -----------------------------------------------------------------------------
const head = (status: string, headers: Array<[string, string]>) => `HTTP/1.1 ${status}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
const closeHeaders = (g: Good): Array<[string, string]> => [["Content-Type", g.type], ["Connection", "close"]];
const complete = (g: Good): Buffer => Buffer.concat([Buffer.from(head("200 OK", [...closeHeaders(g), ["Content-Length", String(g.body.length)]])), g.body]);
const reset = (socket: Socket) => {
  const s = socket as Socket & { resetAndDestroy?: () => Socket };
  if (typeof s.resetAndDestroy === "function") s.resetAndDestroy();
  else s.destroy();
};
/** Writes `bytes` one a second until they are out or the socket closes; then leaves the socket open. */
function trickle(socket: Socket, bytes: Buffer): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= bytes.length) {
      clearInterval(timer);
      return;
    }
    socket.write(bytes.subarray(i, ++i));
  }, 1_000);
  socket.once("close", () => clearInterval(timer));
}

type Writer = (socket: Socket, g: Good, r: Rng, request: RawRequest) => void;
const MALFORMATIONS: Record<string, Writer> = {
  "well-formed": (s, g) => s.end(complete(g)),
  "status 100-999": (s, g, r) => {
    const code = 100 + r.int(900);
    const reason = r.pick(["", " ", " Odd", " Ünïcode", " \x01ctl"]);
    s.end(Buffer.concat([Buffer.from(head(`${code}${reason}`, [...closeHeaders(g), ["Content-Length", String(g.body.length)]]), "latin1"), g.body]));
  },
  "bad or duplicate headers": (s, g, r) => {
    const extra = r.pick<Array<[string, string]>>([
      [["Content-Length", String(g.body.length)], ["Content-Length", String(g.body.length + 3)]],
      [["Content-Type", "application/json"], ["Content-Type", "text/html"]],
      [["Bad Name", "x"]],
      [["X-Nul", "a\0b"]],
      [["X-Fold", "a\r\n folded"]],
      [["", "empty name"]],
      [["Transfer-Encoding", "chunked"], ["Content-Length", String(g.body.length)]],
      [["Content-Encoding", "unknown-coding"]],
      [["Retry-After", "-1"], ["Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"]],
      [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
      [["X-Latin", "\xff\xfe"]],
    ]);
    const hasLength = extra.some(([n]) => n.toLowerCase() === "content-length");
    const headers: Array<[string, string]> = [...closeHeaders(g), ...extra, ...(hasLength ? [] : [["Content-Length", String(g.body.length)] as [string, string]])];
    s.end(Buffer.concat([Buffer.from(head(r.pick(["200 OK", "503 Busy"]), headers), "latin1"), g.body]));
  },
  "bad Location": (s, g, r) => {
    const status = r.pick(["301 Moved", "302 Found", "303 See Other", "307 Temporary", "308 Permanent"]);
    const location = r.pick(["http://[::1", "", "//", "ht!tp://x", "javascript:alert(1)", "ftp://127.0.0.1/x", "http://127.0.0.1:1/refused", "http://exa mple.com/", "\x7f", "https://127.0.0.1:1/tls"]);
    s.end(head(status, [["Location", location], ["Content-Length", "0"], ["Connection", "close"]]));
    void g;
  },
  "redirect loop": (s, _g, _r, request) => {
    s.end(head("302 Found", [["Location", request.target], ["Content-Length", "0"], ["Connection", "close"]]));
  },
  "wrong Content-Length": (s, g, r) => {
    const more = r.next() < 0.5;
    const length = more ? g.body.length + 1 + r.int(1_000) : r.int(Math.max(1, g.body.length));
    s.end(Buffer.concat([Buffer.from(head("200 OK", [...closeHeaders(g), ["Content-Length", String(length)]])), g.body]));
  },
  "broken chunking": (s, g, r) => {
    const h = Buffer.from(head("200 OK", [...closeHeaders(g), ["Transfer-Encoding", "chunked"]]));
    const half = g.body.subarray(0, Math.ceil(g.body.length / 2));
    const variant = r.pick([
      `zz\r\n${half}\r\n0\r\n\r\n`, // size is not hex
      `${half.length.toString(16)}\r\n${half}`, // no CRLF, then close
      `${(half.length + 50).toString(16)}\r\n${half}\r\n0\r\n\r\n`, // chunk shorter than its size
      `${half.length.toString(16)}\r\n${half}\r\n`, // no last chunk, then close
      `${g.body.length.toString(16)}\r\n${g.body}\r\n0\r\nX-Trailer: x\r\n\r\n`, // well-formed with a trailer
      `-1\r\n${half}\r\n0\r\n\r\n`,
      `${"f".repeat(20)}\r\n${half}\r\n`,
    ]);
    s.end(Buffer.concat([h, Buffer.from(variant)]));
  },
  "garbage or truncated compression": (s, g, r) => {
    const encoding = r.pick(["gzip", "br", "deflate"]);
    const packed = encoding === "gzip" ? gzipSync(g.body) : encoding === "br" ? brotliCompressSync(g.body) : deflateSync(g.body);
    const body = r.pick([
      Buffer.from("definitely not compressed"),
      packed.subarray(0, Math.max(1, r.int(packed.length))),
      packed, // well-formed
      Buffer.concat([packed, Buffer.from("trailing junk")]),
      Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
    ]);
    s.end(Buffer.concat([Buffer.from(head("200 OK", [...closeHeaders(g), ["Content-Encoding", encoding], ["Content-Length", String(body.length)]])), body]));
  },
  "reset at a random byte": (s, g, r) => {
    const all = complete(g);
    const cut = r.int(all.length);
    s.write(all.subarray(0, cut), () => (r.next() < 0.5 ? reset(s) : s.destroy()));
  },
  "headers then silence": (s, g, r) => {
    const h = head("200 OK", [...closeHeaders(g), ["Content-Length", String(g.body.length)]]);
    s.write(r.next() < 0.3 ? h.slice(0, r.int(h.length)) : h + g.body.subarray(0, r.int(g.body.length)).toString());
  },
  "silence": () => undefined,
  "trickle a byte a second": (s, g) => {
    s.write(head("200 OK", [...closeHeaders(g), ["Content-Length", String(g.body.length)]]));
    trickle(s, g.body);
  },
  "huge headers": (s, g, r) => {
    const headers: Array<[string, string]> =
      r.next() < 0.5 ? [["X-Huge", "x".repeat(20_000 + r.int(100_000))]] : Array.from({ length: 3_000 }, (_, i): [string, string] => [`X-H${i}`, "v"]);
    s.end(Buffer.concat([Buffer.from(head("200 OK", [...closeHeaders(g), ...headers, ["Content-Length", String(g.body.length)]])), g.body]));
  },
  "garbage": (s, _g, r) => {
    const bytes = Buffer.from(Array.from({ length: 1 + r.int(300) }, () => r.int(256)));
    const prefix = r.pick(["", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 ", "HTTP/9.9 200 OK\r\n\r\n", "ICY 200 OK\r\n\r\n"]);
    const out = Buffer.concat([Buffer.from(prefix), bytes]);
    if (r.next() < 0.5) s.end(out);
    else s.write(out);
  },
};
const KINDS = Object.keys(MALFORMATIONS);

// ---- the entry points ------------------------------------------------------------------------------
type Outcome = { ok: true } | { prefix: true } | { error: unknown } | { wrong: string };
/**
 * Malformations after which the wire itself may say "the body ends here" early: a Content-Length
 * shorter than the body, and, over Node's fetch (undici), a chunked body closed before its last chunk
 * and a truncated gzip/br/deflate body, which it ends without an error. An event stream or a JSONL
 * download has no end marker of its own, so a leading part of the expected items is then what the
 * server sent (an event stream's last event may then carry the text before the cut, SSE data being
 * text); a JSON answer cut that way fails to parse (PeakaResponseError).
 */
const MAY_END_EARLY = new Set(["wrong Content-Length", "broken chunking", "garbage or truncated compression"]);
const ENTRIES = ["resource", "operation", "low-level", "iterator", "waiter", "event stream", "runSql", "streamRows"] as const;
type Entry = (typeof ENTRIES)[number];
const TRANSPORTS = ["fetch", "node:http"] as const;
const ids = { projectId: "prjA", cacheId: "c-1" };
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** One signal shared by every call of the run (never fired): no call may leave a listener on it. */
const shared = new AbortController();
const signal = shared.signal;

/** A case's own limit: what its options allow it, before the margin. */
function limitOf(entry: Entry, attempts: number, limit: number): number {
  const call = attempts * (limit + 20);
  if (entry === "waiter") return limit + WAIT + call;
  if (entry === "streamRows") return limit + WAIT + call + 3 * limit;
  if (entry === "event stream") return call + 2 * limit;
  return call;
}

async function run(entry: Entry, options: PeakaClientOptions, fetchImpl: typeof fetch | undefined, limit: number, kind: string): Promise<Outcome> {
  const check = (value: unknown, expected: unknown): Outcome => {
    if (same(value, expected)) return { ok: true };
    // The low-level surface gives `data: undefined` for an empty 2xx body (openapi-fetch's contract).
    if (MAY_END_EARLY.has(kind) && value === undefined && entry === "low-level") return { prefix: true };
    if (MAY_END_EARLY.has(kind) && Array.isArray(value) && Array.isArray(expected)) {
      // An event stream's last event may carry the text that came before the cut (SSE data is text).
      const items = typeof value.at(-1) === "string" && entry === "event stream" ? value.slice(0, -1) : value;
      if (items.length < expected.length && same(items, expected.slice(0, items.length))) return { prefix: true };
    }
    return { wrong: String(JSON.stringify(value)).slice(0, 200) };
  };
  try {
    switch (entry) {
      case "resource":
        return check(await createPeakaClient(options).cache.getStatus(ids, { signal }), STATUS);
      case "operation":
        return check(await getCacheStatus(createPeakaCore(options), ids, { signal }), STATUS);
      case "low-level": {
        const { data, response } = await createPeakaClient(options).GET("/data/projects/{projectId}/cache/{cacheId}/status", { params: { path: ids }, signal });
        return response.ok ? check(data, STATUS) : { ok: true };
      }
      case "iterator":
        for await (const job of iterateExports(createPeakaClient(options), { projectId: "prjA" }, { request: { signal } })) return check(job, JOB);
        return { wrong: "no job" };
      case "waiter":
        return check((await waitForExport(createPeakaCore(options), { projectId: "prjA", exportId: "e-1" }, { timeout: limit + WAIT, interval: 5, signal })).id, "e-1");
      case "event stream": {
        const seen: unknown[] = [];
        for await (const event of await createPeakaClient(options).agent.stream({ projectId: "prjA", body: { message: "hi" } }, { signal })) seen.push(event.data);
        return check(seen, EVENTS);
      }
      case "runSql":
        return check((await runSql(createPeakaCore(options), "prjA", sql`SELECT ${1} AS n`, { signal })).rows, [{ n: 1 }]);
      case "streamRows": {
        const rows: unknown[] = [];
        const stream = streamRows(createPeakaCore(options), { projectId: "prjA", exportId: "e-1" }, {
          idleTimeout: limit,
          signal,
          wait: { timeout: limit + WAIT, interval: 5 },
          ...(fetchImpl ? { fetch: fetchImpl } : {}),
        });
        for await (const row of stream) rows.push(row);
        return check(rows, ROWS);
      }
    }
  } catch (error) {
    return { error };
  }
}

// ---- the run ---------------------------------------------------------------------------------------
let server: RawServer;
const cases = new Map<number, { r: Rng; kind: string; jobOk: boolean }>();
const uncaught: unknown[] = [];
const unhandled: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUnhandled);
  await server?.close();
});

it(`${CASES} seeded hostile answers (seed ${SEED}) through every entry point over both transports`, { timeout: 30 * 60_000 }, async () => {
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUnhandled);
  server = await startRawServer((socket, request) => {
    const match = /^\/c\/(\d+)(\/.*)$/.exec(request.target);
    const state = match ? cases.get(Number(match[1])) : undefined;
    if (!match || !state) {
      socket.destroy();
      return;
    }
    const g = good(request, server.origin, Number(match[1]));
    // streamRows: the job is read well half the time, so that the download meets the malformation.
    if (state.jobOk && request.target.includes("/exports/e-1")) socket.end(complete(g));
    else (MALFORMATIONS[state.kind] as Writer)(socket, g, state.r, request);
  });

  const counts = new Map<string, number>();
  const outcomes = new Map<string, number>();
  const byKind = new Map<string, number>();
  const violations: string[] = [];
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = Date.now();
  let slowest = 0;

  for (let first = 0; first < CASES; first += BATCH) {
    const batch: Promise<void>[] = [];
    for (let id = first; id < Math.min(CASES, first + BATCH); id++) {
      const r = rng(SEED * 1_000_003 + id);
      const entry = ENTRIES[id % ENTRIES.length] as Entry;
      const transport = TRANSPORTS[Math.floor(id / ENTRIES.length) % TRANSPORTS.length] as (typeof TRANSPORTS)[number];
      const kind = process.env["PEAKA_FUZZ_KIND"] ?? r.pick(KINDS);
      const maxRetries = r.int(2);
      const limit = SLOW_KINDS.has(kind) ? SLOW_LIMIT : FAST_LIMIT;
      cases.set(id, { r, kind, jobOk: r.next() < 0.5 });
      const fetchImpl = transport === "node:http" ? nodeHttpFetch : undefined;
      const options: PeakaClientOptions = {
        apiKey: "sk-fuzz-key-9Xq2LmT4",
        baseUrl: `${server.origin}/c/${id}/api/v1`,
        timeout: limit,
        maxRetries,
        retryBackoff: { initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 },
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      };
      bump(counts, `${entry}|${transport}`);
      const bound = limitOf(entry, maxRetries + 1, limit) + MARGIN;
      const t0 = Date.now();
      let guard: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<"hung">((resolve) => (guard = setTimeout(() => resolve("hung"), bound + 5_000)));
      batch.push(
        Promise.race([run(entry, options, fetchImpl, limit, kind), hung]).then((outcome): void => {
          clearTimeout(guard);
          const took = Date.now() - t0;
          slowest = Math.max(slowest, took);
          const label = `case ${id} (${entry} over ${transport}, ${kind}, seed ${SEED})`;
          if (outcome === "hung") violations.push(`${label}: still pending after ${bound + 5_000} ms`);
          else if (took > bound) violations.push(`${label}: settled after ${took} ms, over its ${bound} ms`);
          const name =
            outcome === "hung"
              ? "hung"
              : "ok" in outcome
                ? "right data"
                : "prefix" in outcome
                  ? "leading part (the wire ended early)"
                  : "wrong" in outcome
                    ? "wrong data"
                    : outcome.error instanceof Error
                      ? outcome.error.name
                      : typeof outcome.error;
          bump(byKind, `${process.env["PEAKA_FUZZ_DEBUG"] ? `${entry}/${transport} ` : ""}${kind} → ${name}`);
          bump(outcomes, name);
          if (outcome !== "hung" && "wrong" in outcome) violations.push(`${label}: resolved with wrong data ${outcome.wrong}`);
          if (outcome !== "hung" && "error" in outcome && !(outcome.error instanceof PeakaError)) {
            const error = outcome.error as Error;
            violations.push(`${label}: threw ${String(error?.name)}: ${String(error?.message).slice(0, 200)}`);
          }
        }),
      );
    }
    await Promise.all(batch);
    try {
      await server.drained(15_000);
    } catch (error) {
      violations.push(`after the batch from case ${first}: ${(error as Error).message}`);
    }
    for (let id = first; id < first + BATCH; id++) cases.delete(id);
  }
  await server.drained(15_000, true).catch((error: Error) => violations.push(`at the end, spare connections included: ${error.message}`));
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

  const table = [`hostile-server fuzz: ${CASES} cases, seed ${SEED}, batches of ${BATCH}, ${((Date.now() - started) / 1000).toFixed(1)} s, slowest case ${slowest} ms`];
  table.push(`| entry point | ${TRANSPORTS.join(" | ")} |`, `| --- | ${TRANSPORTS.map(() => "---:").join(" | ")} |`);
  for (const entry of ENTRIES) table.push(`| ${entry} | ${TRANSPORTS.map((t) => counts.get(`${entry}|${t}`) ?? 0).join(" | ")} |`);
  table.push("outcomes:", ...[...outcomes].sort((a, b) => b[1] - a[1]).map(([name, n]) => `  ${String(n).padStart(6)}  ${name}`));
  table.push("outcomes by malformation:", ...[...byKind].sort().map(([name, n]) => `  ${String(n).padStart(6)}  ${name}`));
  table.push(`heap growth after gc: ${(heapGrowth / 1024 / 1024).toFixed(1)} MB; uncaught exceptions: ${uncaught.length}; unhandled rejections: ${unhandled.length}; listeners left on the shared signal: ${getEventListeners(signal, "abort").length}`);
  console.log(table.join("\n"));

  expect(violations.slice(0, 20)).toEqual([]);
  expect(uncaught.map(String)).toEqual([]);
  expect(unhandled.map(String)).toEqual([]);
  expect(heapGrowth).toBeLessThan(HEAP_BOUND);
  expect(getEventListeners(signal, "abort")).toHaveLength(0);
  expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
});
