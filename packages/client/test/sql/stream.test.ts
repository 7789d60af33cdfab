// streamRows against loopback servers: an API server that starts and reports export jobs, and a
// separate "storage" server (another origin) that serves the files, gzipped or not, in small writes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaClient } from "../../src/client.js";
import { createPeakaCore } from "../../src/core.js";
import { PeakaAbortError } from "../../src/errors.js";
import { PeakaExportFileError, streamRows, type StreamProgress, type StreamRowsOptions } from "../../src/sql/index.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface Served {
  /** File name -> bytes to serve. */
  files: Record<string, Buffer>;
  /** File names whose first link is refused (403) as expired; `always` refuses fresh links too. */
  expire?: Record<string, "once" | "always">;
  /** File name -> serve only this many bytes, then end the response. */
  cut?: Record<string, number>;
  format: "JSONL" | "CSV";
  compression: "GZIP" | "NONE";
  /** Bytes per write on the storage server (small writes split rows and quoted fields). */
  writeSize?: number;
  /** Whether the job lists each file's `bytes`. */
  listBytes?: boolean;
  /** Serve the (gzip) files with `Content-Encoding: gzip`, as a bucket may for objects stored that way. */
  contentEncoding?: boolean;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); })));
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>): Promise<string> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await handler(req, res, Buffer.concat(chunks).toString());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function setup(served: Served) {
  const api: Seen[] = [];
  const storage: Seen[] = [];
  const closed: Promise<boolean>[] = [];
  let linkVersion = 1;
  const storageOrigin = await listen(async (req, res, body) => {
    storage.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    closed.push(new Promise((r) => res.once("close", () => r(!res.writableFinished))));
    const url = new URL(req.url!, "http://x");
    const name = decodeURIComponent(url.pathname.slice("/bucket/".length));
    const version = Number(url.searchParams.get("v"));
    const rule = served.expire?.[name];
    if (rule === "always" || (rule === "once" && version === 1)) {
      res.writeHead(403, { "content-type": "application/xml" }).end("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
      return;
    }
    const all = served.files[name];
    if (!all) {
      res.writeHead(404).end();
      return;
    }
    const bytes = served.cut?.[name] !== undefined ? all.subarray(0, served.cut[name]) : all;
    res.writeHead(200, { "content-type": "application/octet-stream", ...(served.contentEncoding ? { "content-encoding": "gzip" } : {}) });
    const size = served.writeSize ?? 64 * 1024;
    for (let i = 0; i < bytes.length; i += size) {
      if (res.destroyed) return;
      res.write(bytes.subarray(i, i + size));
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  });
  const job = (status: string) => ({
    id: "exp-1",
    status,
    format: served.format,
    compression: served.compression,
    rowCount: 3,
    files:
      status === "SUCCEEDED"
        ? Object.keys(served.files).map((name) => ({
            name,
            url: `${storageOrigin}/bucket/${encodeURIComponent(name)}?v=${linkVersion}&X-Amz-Signature=sig${linkVersion}`,
            ...(served.listBytes ? { bytes: served.files[name]!.length } : {}),
          }))
        : null,
  });
  let polls = 0;
  const apiOrigin = await listen((req, res, body) => {
    api.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const send = (status: number, value: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (req.method === "POST" && /\/exports$/.test(req.url!)) return send(202, { id: "exp-1", status: "PENDING" });
    if (req.method === "GET" && req.url!.endsWith("/exports/exp-1")) {
      polls++;
      if (polls === 1) return send(200, job("RUNNING"));
      if (polls > 2) linkVersion = 2; // every read after the first success signs fresh links
      return send(200, job("SUCCEEDED"));
    }
    send(404, { message: "no route" });
  });
  const peaka = createPeakaClient({ apiKey: "secret-key-123", baseUrl: `${apiOrigin}/api/v1`, maxRetries: 0 });
  return { api, storage, closed, peaka, apiOrigin };
}

async function collect(iterable: AsyncIterable<Record<string, unknown>>) {
  const rows: Record<string, unknown>[] = [];
  try {
    for await (const row of iterable) rows.push(row);
  } catch (error) {
    return { rows, error };
  }
  return { rows, error: undefined };
}

// 2,000 rows that do not compress to almost nothing, so that half the gzip bytes is half the rows.
const VARIED_GZ = gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, n) => JSON.stringify({ n, h: (n * 2654435761).toString(36) }) + "\n").join("")));
const FAST_WAIT: StreamRowsOptions["wait"] = { interval: 1, maxInterval: 1 };
const jsonl = (rows: unknown[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");

describe("streamRows", () => {
  it("streams gzip JSONL split into several files, in order, converting big integers, without the API key on the storage host", async () => {
    const big = '{"id":9007199254740993,"name":"c","amount":12345678901234567890.5,"tags":["x"]}\n';
    const { api, storage, peaka } = await setup({
      format: "JSONL",
      compression: "GZIP",
      writeSize: 7,
      files: {
        "part-0000.jsonl.gz": gzipSync(jsonl([{ id: 1, name: "a", amount: 1.5, tags: [] }, { id: 2, name: "ü 𝄞", amount: null, tags: ["y"] }])),
        "part-0001.jsonl.gz": gzipSync(Buffer.from(big)),
        "part-0002.jsonl.gz": gzipSync(Buffer.from('{"id":4,"name":"d\\n\\"e\\"","amount":0,"tags":null}')), // no final newline
      },
    });
    const progress: StreamProgress[] = [];
    const { rows, error } = await collect(
      streamRows(peaka, { projectId: "prj1", queryId: "815236047719302218" }, { wait: FAST_WAIT, onProgress: (p) => progress.push({ ...p }) }),
    );
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { id: 1, name: "a", amount: 1.5, tags: [] },
      { id: 2, name: "ü 𝄞", amount: null, tags: ["y"] },
      // numbers JSON.parse would read as integers beyond 2^53 come as their text
      { id: "9007199254740993", name: "c", amount: "12345678901234567890.5", tags: ["x"] },
      { id: 4, name: 'd\n"e"', amount: 0, tags: null },
    ]);
    expect(JSON.parse(api[0]!.body)).toEqual({ format: "JSONL", compression: "GZIP" });
    expect(api[0]!.url).toBe("/api/v1/data/projects/prj1/queries/815236047719302218/exports");
    // The storage host never sees the key, the SDK headers or cookies.
    expect(storage).toHaveLength(3);
    for (const request of storage) {
      expect(request.headers.authorization).toBeUndefined();
      expect(JSON.stringify(request.headers)).not.toContain("secret-key-123");
      expect(request.headers["x-peaka-client"]).toBeUndefined();
    }
    expect(api.every((r) => r.headers.authorization === "Bearer secret-key-123")).toBe(true);
    const last = progress[progress.length - 1]!;
    expect(last).toMatchObject({ exportId: "exp-1", rows: 4, fileIndex: 2, files: 3, file: "part-0002.jsonl.gz" });
    expect(last.bytes).toBe(
      [gzipSync(jsonl([{ id: 1, name: "a", amount: 1.5, tags: [] }, { id: 2, name: "ü 𝄞", amount: null, tags: ["y"] }])).length, gzipSync(Buffer.from(big)).length, gzipSync(Buffer.from('{"id":4,"name":"d\\n\\"e\\"","amount":0,"tags":null}')).length].reduce((a, b) => a + b),
    );
    expect(progress.map((p) => p.rows)).toEqual([...progress.map((p) => p.rows)].sort((a, b) => a - b));
  });

  it("hands out every row once, in order, when next() is called again before the last call settled", async () => {
    // Each file arrives in one write, so one batch holds several rows: the case two calls could share.
    const { peaka } = await setup({
      format: "JSONL",
      compression: "NONE",
      files: { "a.jsonl": jsonl([{ n: 1 }, { n: 2 }, { n: 3 }]), "b.jsonl": jsonl([{ n: 4 }]), "c.jsonl": jsonl([{ n: 5 }, { n: 6 }]) },
    });
    const stream = streamRows(peaka, { projectId: "p", exportId: "exp-1" }, { wait: FAST_WAIT });
    const results = await Promise.all(Array.from({ length: 8 }, () => stream.next()));
    expect(results).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((n) => ({ value: { n }, done: false })),
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
    // a return() called with a next() in flight waits for it, then ends the stream
    const again = streamRows(peaka, { projectId: "p", exportId: "exp-1" }, { wait: FAST_WAIT });
    const [first, ended, after] = await Promise.all([again.next(), again.return(), again.next()]);
    expect(first).toEqual({ value: { n: 1 }, done: false });
    expect(ended).toEqual({ value: undefined, done: true });
    expect(after).toEqual({ value: undefined, done: true });
  });

  it("keeps big integers exact at any depth of a JSONL row", async () => {
    const { peaka } = await setup({
      format: "JSONL",
      compression: "NONE",
      files: { "a.jsonl": Buffer.from('{"id":1,"meta":{"ids":[9007199254740993,2]},"s":"\\u0000n5"}\n') },
    });
    const { rows, error } = await collect(streamRows(peaka, { projectId: "p", exportId: "exp-1" }, { wait: FAST_WAIT }));
    expect(error).toBeUndefined();
    expect(rows).toEqual([{ id: 1, meta: { ids: ["9007199254740993", 2] }, s: "\u0000n5" }]);
  });

  it("gives bigints and typed conversions on request", async () => {
    const { peaka } = await setup({
      format: "JSONL",
      compression: "NONE",
      files: { "a.jsonl": Buffer.from('{"id":9007199254740993,"paid_at":"2025-07-14 10:41:55.000","ok":"true"}\n{"id":5,"paid_at":null,"ok":"false"}\n') },
    });
    const { rows, error } = await collect(
      streamRows(peaka, { projectId: "p", exportId: "exp-1" }, { wait: FAST_WAIT, bigint: "bigint", timestamps: "Date", types: { id: "bigint", paid_at: "timestamp(3)", ok: "boolean" } }),
    );
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { id: 9007199254740993n, paid_at: new Date("2025-07-14T10:41:55.000Z"), ok: true },
      { id: 5n, paid_at: null, ok: false },
    ]);
  });

  it("parses CSV across files and chunk boundaries: quoted commas, quotes and newlines, repeated header names, NULL", async () => {
    const part0 = 'id,note,id,total\n1,"a, b",10,1.5\n2,"she said ""hi""",20,\n';
    const part1 = '3,"line one\nline two",30,2\n4,plain,40,"3"\n'; // no header line
    const part2 = 'id,note,id,total\n5,"",50,4\n'; // its own header line
    const { peaka } = await setup({
      format: "CSV",
      compression: "GZIP",
      writeSize: 3,
      files: { "p0.csv.gz": gzipSync(Buffer.from(part0)), "p1.csv.gz": gzipSync(Buffer.from(part1)), "p2.csv.gz": gzipSync(Buffer.from(part2)) },
    });
    const { rows, error } = await collect(
      streamRows(peaka, { projectId: "p", catalogId: "c1", schemaName: "public", tableName: "orders" }, { format: "CSV", wait: FAST_WAIT, types: { total: "double", id: "integer" } }),
    );
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { id: 1, note: "a, b", id_2: 10, total: 1.5 },
      { id: 2, note: 'she said "hi"', id_2: 20, total: null },
      { id: 3, note: "line one\nline two", id_2: 30, total: 2 },
      { id: 4, note: "plain", id_2: 40, total: 3 },
      { id: 5, note: null, id_2: 50, total: 4 },
    ]);
  });

  it("reads CSV with a NULL marker, without a header line, through the fetch it is given", async () => {
    const { peaka, storage } = await setup({
      format: "CSV",
      compression: "NONE",
      files: { "a.csv": Buffer.from('1;\\N;""\r\n2;x;"a;b"\r\n') },
    });
    const seen: string[] = [];
    const download: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const { rows, error } = await collect(
      streamRows(peaka, { projectId: "p", exportId: "exp-1" }, {
        format: "CSV",
        columns: ["n", "s", "t"],
        csvOptions: { delimiter: ";", recordSeparator: "\r\n", includeHeader: false, nullValue: "\\N" },
        wait: FAST_WAIT,
        fetch: download,
      }),
    );
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { n: "1", s: null, t: "" },
      { n: "2", s: "x", t: "a;b" },
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain("/bucket/a.csv");
    expect(storage).toHaveLength(1);
  });

  it("re-reads an expired download link from the export once", async () => {
    const { peaka, api, storage } = await setup({
      format: "JSONL",
      compression: "GZIP",
      expire: { "b.jsonl.gz": "once" },
      files: { "a.jsonl.gz": gzipSync(jsonl([{ n: 1 }])), "b.jsonl.gz": gzipSync(jsonl([{ n: 2 }, { n: 3 }])) },
    });
    const { rows, error } = await collect(streamRows(peaka, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT }));
    expect(error).toBeUndefined();
    expect(rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(storage.map((r) => r.url.replace(/&.*$/, ""))).toEqual(["/bucket/a.jsonl.gz?v=1", "/bucket/b.jsonl.gz?v=1", "/bucket/b.jsonl.gz?v=2"]);
    expect(api.filter((r) => r.method === "GET")).toHaveLength(3); // two polls, one refresh
  });

  it("fails with a typed error when a fresh link is refused too, without the signed URL in the message", async () => {
    const { peaka } = await setup({ format: "JSONL", compression: "GZIP", expire: { "a.jsonl.gz": "always" }, files: { "a.jsonl.gz": gzipSync(jsonl([{ n: 1 }])) } });
    const { rows, error } = await collect(streamRows(peaka, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT }));
    expect(rows).toEqual([]);
    expect(error).toBeInstanceOf(PeakaExportFileError);
    expect(error).toMatchObject({ reason: "expired", status: 403, file: "a.jsonl.gz", exportId: "exp-1" });
    expect(String((error as Error).message)).not.toMatch(/sig|X-Amz|127\.0\.0\.1/);
  });

  it.each([
    ["JSONL cut mid-row", "JSONL", "GZIP", gzipSync(Buffer.from('{"n":1}\n{"n":2}\n{"n":3,"na')), undefined, 2],
    ["CSV cut inside a quoted field", "CSV", "GZIP", gzipSync(Buffer.from('n,s\n1,a\n2,"unfinished')), undefined, 1],
    ["CSV cut mid-row", "CSV", "NONE", Buffer.from("n,s\n1,a\n2"), undefined, 1],
    ["gzip stream cut short", "JSONL", "GZIP", VARIED_GZ, Math.floor(VARIED_GZ.length / 2), undefined],
  ] as const)("a file truncated: %s -> typed error, complete rows only", async (_name, format, compression, bytes, cutAt, completeRows) => {
    const { peaka } = await setup({
      format,
      compression,
      files: { "f.gz": bytes },
      ...(cutAt !== undefined ? { cut: { "f.gz": cutAt } } : {}),
    });
    const { rows, error } = await collect(streamRows(peaka, { projectId: "p", queryId: "q" }, { format, wait: FAST_WAIT }));
    expect(error).toBeInstanceOf(PeakaExportFileError);
    expect((error as PeakaExportFileError).reason).toBe("truncated");
    if (completeRows !== undefined) expect(rows).toHaveLength(completeRows);
    for (const row of rows) expect(Object.values(row).every((v) => v !== undefined)).toBe(true);
  });

  it("detects a file shorter than the export lists", async () => {
    const full = Buffer.from('{"n":1}\n{"n":2}\n');
    const { peaka } = await setup({ format: "JSONL", compression: "NONE", listBytes: true, cut: { "f.jsonl": 8 }, files: { "f.jsonl": full } });
    const { rows, error } = await collect(streamRows(peaka, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT }));
    expect(rows).toEqual([{ n: 1 }]);
    expect(error).toMatchObject({ name: "PeakaExportFileError", reason: "truncated" });
  });

  it("stops the download when aborted, and when the loop is left early", async () => {
    const many = gzipSync(jsonl(Array.from({ length: 50_000 }, (_, n) => ({ n, pad: "x".repeat(40) }))));
    const first = await setup({ format: "JSONL", compression: "GZIP", writeSize: 1024, files: { "f.gz": many } });
    const controller = new AbortController();
    let seen = 0;
    let caught: unknown;
    try {
      for await (const _row of streamRows(first.peaka, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT, signal: controller.signal })) {
        if (++seen === 10) controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PeakaAbortError);
    expect(seen).toBe(10);
    expect(await first.closed[0]).toBe(true); // the storage response was cut off, not read to its end

    const second = await setup({ format: "JSONL", compression: "GZIP", writeSize: 1024, files: { "f.gz": many } });
    for await (const row of streamRows(second.peaka, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT })) {
      if (row["n"] === 5) break;
    }
    expect(await second.closed[0]).toBe(true);
  });

  it("does not gunzip twice when the storage host sends Content-Encoding: gzip", async () => {
    const { peaka } = await setup({ format: "JSONL", compression: "GZIP", contentEncoding: true, listBytes: true, files: { "a.jsonl.gz": gzipSync(jsonl([{ n: 1 }, { n: 2 }])) } });
    const { rows, error } = await collect(streamRows(peaka, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT }));
    expect(error).toBeUndefined();
    expect(rows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("sends nothing until the loop asks for the first row", async () => {
    const { peaka, api } = await setup({ format: "JSONL", compression: "GZIP", files: { "a.gz": gzipSync(jsonl([{ n: 1 }])) } });
    const stream = streamRows(peaka, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT });
    await new Promise((r) => setTimeout(r, 20));
    expect(api).toHaveLength(0);
    expect(await stream.next()).toEqual({ value: { n: 1 }, done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(api.length).toBeGreaterThan(0);
  });

  it("works with a core from createPeakaCore too", async () => {
    const { apiOrigin } = await setup({ format: "JSONL", compression: "GZIP", files: { "a.gz": gzipSync(jsonl([{ n: 1 }])) } });
    const core = createPeakaCore({ apiKey: "test-key", baseUrl: `${apiOrigin}/api/v1` });
    const { rows, error } = await collect(streamRows(core, { projectId: "p", queryId: "q" }, { wait: FAST_WAIT }));
    expect(error).toBeUndefined();
    expect(rows).toEqual([{ n: 1 }]);
  });
});
