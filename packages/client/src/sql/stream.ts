// A large result as a stream of rows in bounded memory: start an export (JSONL or CSV, gzip), wait
// for that job, download its files one after the other as streams, decompress on the fly
// (DecompressionStream), parse incrementally, convert values and yield rows in order.
//
// Downloads go to the pre-signed file URLs the export lists, with a bare `fetch` (by default
// `globalThis.fetch`, `credentials: "omit"`): never through the client's transport, so the Peaka
// Authorization header, the SDK headers and cookies are not sent to the storage host.
import type Papa from "papaparse";
import {
  exportQuery,
  exportTable,
  getExport,
  PeakaAbortError,
  PeakaInvalidArgumentError,
  PeakaTimeoutError,
  waitForExport,
  type PeakaClient,
  type PollOptions,
} from "@peaka/api";
import type { components } from "@peaka/api-types";
import { jsonFailure, parseExactJson } from "../internal/json.js";
import { convertValue, uniqueKeys, type ConvertOptions, type SqlRow } from "./convert.js";
import { checkRows, schemaOf, type OptionsFor, type SqlRowOf, type SqlOptionsArg, type SqlRowShape, type StandardSchemaV1 } from "./schema.js";
import { PeakaExportFileError } from "./errors.js";
import { isClient, type SqlTarget } from "./run.js";

type ExportJob = components["schemas"]["ExportJob"];
type ExportFile = components["schemas"]["ExportFile"];
type ExportRequest = components["schemas"]["ExportRequest"];
type ExportCsvOptions = components["schemas"]["ExportCsvOptions"];

/** What to stream: a saved query, a table, or an export that was already started. */
export type ExportSource =
  | { projectId: string; queryId: string }
  | { projectId: string; catalogId: string; schemaName: string; tableName: string }
  | { projectId: string; exportId: string };

/** Progress of a stream: rows yielded and bytes downloaded so far. */
export interface StreamProgress {
  /** The export job being read. */
  exportId: string;
  /** Rows yielded so far, over all files. */
  rows: number;
  /** Bytes downloaded so far, over all files, as sent (compressed when gzipped). */
  bytes: number;
  /** Name of the file being read. */
  file: string;
  /** Zero-based position of that file, and how many files there are. */
  fileIndex: number;
  files: number;
}

/** Options of `streamRows`. */
export interface StreamRowsOptions extends ConvertOptions {
  /** File format to export. JSONL keeps JSON types; CSV values are text unless `types` says more. Default: `"JSONL"`. */
  format?: "JSONL" | "CSV" | undefined;
  /** `"GZIP"` (default) or `"NONE"`. */
  compression?: "GZIP" | "NONE" | undefined;
  /** Most rows to export (Peaka clamps it to 1..1,000,000). Default: Peaka's. */
  limit?: number | undefined;
  /** Columns to export, in this order. Default: all. */
  columns?: string[] | undefined;
  /** Whether to keep Peaka's system columns (`_id`, ...). Default: Peaka's (true). */
  includeSystemColumns?: boolean | undefined;
  /** How CSV files are written (and so read back). Default: Peaka's (`,`, `"`, `\n`, a header line, NULL as an empty field). */
  csvOptions?: ExportCsvOptions | undefined;
  /**
   * SQL types by column name (`{ id: "bigint", paid_at: "timestamp(3)" }`): values of these columns
   * are converted as `runSql` converts them (see `convertValue`). Exports do not carry types, so
   * without this JSONL values stay as JSON gives them (integers beyond 2^53 as text, or bigints with
   * `bigint: "bigint"`) and CSV values stay text. Default: none.
   */
  types?: Record<string, string> | undefined;
  /** Stops the export wait, the download and the parsing with `PeakaAbortError`. Default: none. */
  signal?: AbortSignal | undefined;
  /** How to wait for the export job (`interval`, `timeout`, ...), as for `waitForExport`. Default: its defaults. */
  wait?: Omit<PollOptions<ExportJob>, "signal"> | undefined;
  /** Called as data arrives (after each downloaded chunk) and at the end of each file. Default: none. */
  onProgress?: ((progress: StreamProgress) => void) | undefined;
  /**
   * The fetch used to download the files from their pre-signed URLs. It is called with the URL
   * only: no Authorization header, no cookies. Default: `globalThis.fetch`, looked up when the stream starts.
   */
  fetch?: typeof fetch | undefined;
  /**
   * Idle limit of a file download, in milliseconds: the longest wait for the storage host's answer
   * headers, and then for each next chunk of the file while the stream waits for data (time the
   * caller spends between rows does not count). Past it the stream ends with `PeakaTimeoutError`.
   * `Infinity` for none. The export job's own wait is bounded by `wait.timeout`, and each API call by
   * the client's `timeout`. Default: 60000 (60 s).
   */
  idleTimeout?: number | undefined;
  /**
   * A row schema in the Standard Schema form (a zod, valibot or arktype schema, ...): each row is
   * checked by it and comes as its output; the first row that fails ends the stream with
   * `PeakaRowValidationError` (its index over all files and every issue), after the valid rows before
   * it. Default: rows are not checked.
   */
  schema?: StandardSchemaV1 | undefined;
}


type Row = SqlRow;

/**
 * The idle limit of one download: `wait()` before waiting for data (headers or a chunk) starts it,
 * `got()` stops it; past it the download's signal aborts and `timedOut` is set.
 */
function idleLimit(ms: number, signal: AbortSignal | undefined) {
  const controller = new AbortController();
  let handle: ReturnType<typeof setTimeout> | undefined;
  const limit = {
    timedOut: false,
    signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
    wait() {
      if (ms === Infinity || handle !== undefined) return;
      handle = setTimeout(() => {
        limit.timedOut = true;
        controller.abort(new DOMException(`no data for ${ms} ms`, "TimeoutError"));
      }, Math.min(ms, 2_147_483_647));
    },
    got() {
      clearTimeout(handle);
      handle = undefined;
    },
  };
  return limit;
}

function abortError(signal: AbortSignal): PeakaAbortError {
  return new PeakaAbortError("Streaming the export's rows was aborted", { cause: signal.reason });
}

interface FileContext {
  exportId: string;
  file: ExportFile;
  fileIndex: number;
  files: number;
}

/** Reads rows from one file's decoded text chunks. */
interface RowParser {
  /** Adds the rows complete in the text so far to `out`; throws at the first bad row (rows before it stay in `out`). */
  push(text: string, out: Row[]): void;
  /** Adds the rows left at the end of the file to `out`; throws when the file ended mid-row. */
  end(out: Row[]): void;
  /** Rows of this file parsed so far (for errors). */
  readonly count: number;
}

function jsonlParser(ctx: FileContext, options: StreamRowsOptions): RowParser {
  const { types } = options;
  const numbers = options.bigint === "bigint" ? "bigint" : "string";
  const typed = types ? Object.entries(types) : undefined;
  let pending = "";
  let count = 0;
  const malformed = (message: string, cause?: unknown) =>
    new PeakaExportFileError(`Row ${count + 1} of ${ctx.file.name} ${message}`, { reason: "malformed", exportId: ctx.exportId, file: ctx.file.name, row: count }, cause === undefined ? undefined : { cause });
  /** Parses complete lines into `rows`. */
  const parseLines = (lines: string[], rows: Row[]) => {
    for (const line of lines) {
      if (line.length === 0) continue;
      let row: unknown;
      try {
        // JSON.parse allows the `\r` of a CRLF line end (it is whitespace). Numbers JSON.parse would
        // round come as their text (or bigints), see parseExactJson.
        row = parseExactJson(line, numbers);
      } catch (error) {
        if (line.trim() === "") continue;
        throw malformed("is not valid JSON", jsonFailure(error, line.length));
      }
      if (row === null || typeof row !== "object" || Array.isArray(row)) throw malformed("is not a JSON object");
      if (typed) {
        const r = row as Row;
        for (const [key, type] of typed) if (key in r) r[key] = convertValue(r[key], type, options);
      }
      count++;
      rows.push(row as Row);
    }
  };
  return {
    get count() {
      return count;
    },
    push(text, out) {
      const buffer = pending + text;
      const lines = buffer.split("\n");
      pending = lines.pop() as string;
      parseLines(lines, out);
    },
    end(out) {
      const last = pending;
      pending = "";
      if (last.trim() === "") return;
      // A last line without its newline is a complete row only if it parses.
      try {
        parseLines([last], out);
      } catch (error) {
        throw new PeakaExportFileError(`${ctx.file.name} ends in the middle of row ${count + 1}`, { reason: "truncated", exportId: ctx.exportId, file: ctx.file.name, row: count }, { cause: error });
      }
    },
  };
}

/**
 * CSV rows of one file. With a header line (the default) the first file's header names the columns;
 * a later file's first line is skipped when it repeats that header and read as data otherwise.
 */
function csvParser(Parser: typeof Papa.Parser, ctx: FileContext, options: StreamRowsOptions, shared: { header?: string[] }): RowParser {
  const csv = options.csvOptions ?? {};
  const separator = csv.recordSeparator ?? "\n";
  if (separator !== "\n" && separator !== "\r\n" && separator !== "\r") {
    throw new PeakaInvalidArgumentError(`csvOptions.recordSeparator must be "\\n", "\\r\\n" or "\\r" to read the files back; got ${JSON.stringify(separator)}.`);
  }
  const parser = new Parser({ delimiter: csv.delimiter ?? ",", quoteChar: csv.quoteChar ?? '"', newline: separator });
  const nullText = csv.nullValue ?? "";
  const withHeader = csv.includeHeader ?? true;
  let keys: string[] | undefined = withHeader ? undefined : uniqueKeys(options.columns ?? []);
  let typesByIndex: Array<string | undefined> = [];
  let pending = "";
  let count = 0;
  const setKeys = (names: string[]) => {
    keys = uniqueKeys(names);
    typesByIndex = names.map((n) => options.types?.[n]);
  };
  if (keys) typesByIndex = (options.columns ?? []).map((n) => options.types?.[n]);
  let firstRecord = true;
  const toRows = (records: string[][], final: boolean, rows: Row[]): void => {
    for (const record of records) {
      if (!keys && shared.header) setKeys(shared.header);
      if (firstRecord && withHeader) {
        firstRecord = false;
        const header = shared.header;
        if (!header) {
          shared.header = record;
          setKeys(record);
          continue;
        }
        if (record.length === header.length && record.every((name, i) => name === header[i])) continue;
      }
      firstRecord = false;
      if (!keys) {
        setKeys(record);
        continue;
      }
      if (keys.length === 0) setKeys(record.map((_, i) => `column_${i + 1}`));
      const k = keys as string[];
      if (record.length === 1 && record[0] === "" && k.length > 1) continue; // an empty line
      if (record.length !== k.length) {
        const lastOfFile = final && record === records[records.length - 1];
        throw new PeakaExportFileError(
          lastOfFile
            ? `${ctx.file.name} ends in the middle of row ${count + 1} (${record.length} of ${k.length} fields)`
            : `Row ${count + 1} of ${ctx.file.name} has ${record.length} fields; the header has ${k.length}`,
          { reason: lastOfFile ? "truncated" : "malformed", exportId: ctx.exportId, file: ctx.file.name, row: count },
        );
      }
      const row: Row = {};
      for (let i = 0; i < k.length; i++) {
        const text = record[i] as string;
        const type = typesByIndex[i];
        row[k[i] as string] = text === nullText ? null : type ? convertValue(text, type, options) : text;
      }
      count++;
      rows.push(row);
    }
  };
  const check = (result: Papa.ParseResult<string[]>, final: boolean) => {
    const error = result.errors[0];
    if (!error) return;
    const truncated = final && error.code === "MissingQuotes";
    throw new PeakaExportFileError(
      truncated ? `${ctx.file.name} ends inside a quoted field of row ${count + 1}` : `Row ${count + 1} of ${ctx.file.name} is not valid CSV (${error.message})`,
      { reason: truncated ? "truncated" : "malformed", exportId: ctx.exportId, file: ctx.file.name, row: count },
    );
  };
  return {
    get count() {
      return count;
    },
    push(text, out) {
      const input = pending + text;
      const result = parser.parse(input, 0, true) as Papa.ParseResult<string[]>;
      pending = input.slice(result.meta.cursor);
      // Rows before a parse error are complete: hand them on, then report the error.
      toRows(result.errors[0] ? result.data.slice(0, result.errors[0].row) : result.data, false, out);
      check(result, false);
    },
    end(out) {
      const input = pending;
      pending = "";
      if (input === "") return;
      const result = parser.parse(input, 0, false) as Papa.ParseResult<string[]>;
      toRows(result.errors[0] ? result.data.slice(0, result.errors[0].row) : result.data, true, out);
      check(result, true);
    },
  };
}

/**
 * papaparse's incremental parser, loaded on first use: programs that stream only JSONL (or only run
 * small queries) never load it, and bundlers split it off.
 */
async function loadCsvParser(): Promise<typeof Papa.Parser> {
  const mod = (await import("papaparse")) as unknown as { default?: typeof Papa; Parser?: typeof Papa.Parser };
  return (mod.Parser ?? mod.default?.Parser) as typeof Papa.Parser;
}

/** Counts the bytes passing through. */
function byteCounter(onBytes: (n: number) => void): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      onBytes(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
}

const REFUSED = new Set([400, 401, 403, 404, 410]);

/**
 * The rows of `streamRows`: an async iterator; leaving a `for await` loop early stops the download.
 * `next()` and `return()` calls made before the previous one settled wait for it, in order, as an async
 * generator's do: every row is handed out once.
 */
export interface RowStream<R = SqlRow> extends AsyncIterableIterator<R> {
  next(): Promise<IteratorResult<R, undefined>>;
  /** Stops the download and parsing; the loop ends. */
  return(): Promise<IteratorResult<R, undefined>>;
}

/**
 * Streams a large result as rows, in bounded memory: starts an export of a saved query or a table
 * (or reads one already started, by `exportId`), waits for that job, then downloads, decompresses
 * and parses its files one after the other, yielding rows as objects in file order. A download link
 * that is refused (expired) is replaced once by a fresh one read from the export. Leaving the loop
 * early stops the download.
 *
 * @example
 * import { streamRows } from "@peaka/api/sql";
 * for await (const row of streamRows(peaka, { projectId, queryId }, { onProgress: (p) => console.log(p.rows, p.bytes) })) {
 *   handle(row);
 * }
 */
export function streamRows<S extends StandardSchemaV1>(
  peaka: SqlTarget,
  source: ExportSource,
  options: StreamRowsOptions & { schema: S } & OptionsFor<StandardSchemaV1.InferInput<S>>,
): RowStream<StandardSchemaV1.InferOutput<S>>;
export function streamRows(peaka: SqlTarget, source: ExportSource): RowStream<SqlRowOf>;
export function streamRows<Row extends SqlRowShape<Row> = never, const O extends StreamRowsOptions = StreamRowsOptions>(
  peaka: SqlTarget,
  source: ExportSource,
  ...options: SqlOptionsArg<Row, O>
): RowStream<[Row] extends [never] ? SqlRowOf<O> : NoInfer<Row>>;
export function streamRows(peaka: SqlTarget, source: ExportSource, options: StreamRowsOptions = {}): RowStream<unknown> {
  // Rows are parsed a chunk at a time and handed out one by one from that batch: cheaper than an
  // async generator step (several promise turns) per row.
  const batches = options?.schema === undefined ? rowBatches(peaka, source, options) : checkedBatches(rowBatches(peaka, source, options), options.schema);
  const signal = options.signal;
  let batch: Row[] = [];
  let index = 0;
  let done = false;
  /** The call in flight (settled or not), and how many calls have had to wait for a batch or a stop. */
  let tail: Promise<unknown> | undefined;
  let waits = 0;
  const finished: IteratorResult<Row, undefined> = { value: undefined, done: true };
  const pull = async (): Promise<IteratorResult<Row, undefined>> => {
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        done = true;
        return finished;
      }
      if (next.value.length) {
        batch = next.value;
        index = 1;
        return { value: batch[0] as Row, done: false };
      }
    }
  };
  const stop = async (): Promise<IteratorResult<Row, undefined>> => {
    waits++;
    done = true;
    batch = [];
    await batches.return(undefined);
    return finished;
  };
  const step = (): Promise<IteratorResult<Row, undefined>> => {
    if (signal?.aborted && !done) return stop().then(() => Promise.reject(abortError(signal)));
    if (index < batch.length) return Promise.resolve({ value: batch[index++] as Row, done: false });
    if (done) return Promise.resolve(finished);
    batch = [];
    waits++;
    return pull().catch((error: unknown) => {
      done = true;
      throw error;
    });
  };
  // Calls made while one is still in flight wait for it, in order, as an async generator's do: two
  // `next()` calls never share a batch. A row already parsed is handed out without a queue.
  const queued = (run: () => Promise<IteratorResult<Row, undefined>>): Promise<IteratorResult<Row, undefined>> => {
    const before = waits;
    const result = tail ? tail.then(run, run) : run();
    if (!tail && waits === before) return result;
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    tail = settled;
    void settled.then(() => {
      if (tail === settled) tail = undefined;
    });
    return result;
  };
  const stream: RowStream = {
    next: () => queued(step),
    return: () => queued(stop),
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

/** The batches with every row checked by `schema`: the valid rows of a batch before a bad one, then its error. */
async function* checkedBatches(batches: AsyncGenerator<Row[], void, undefined>, given: unknown): AsyncGenerator<Row[], void, undefined> {
  const schema = schemaOf(given, "streamRows") as StandardSchemaV1;
  let index = 0;
  for await (const batch of batches) {
    const { valid, error } = await checkRows(schema, batch, index);
    index += batch.length;
    if (valid.length) yield valid as Row[];
    if (error) throw error;
  }
}

async function* rowBatches(peaka: SqlTarget, source: ExportSource, options: StreamRowsOptions): AsyncGenerator<Row[], void, undefined> {
  if (typeof peaka !== "object" || peaka === null) {
    throw new PeakaInvalidArgumentError("streamRows expects a client from createPeakaClient() or a core from createPeakaCore().");
  }
  if (typeof source !== "object" || source === null || typeof source.projectId !== "string") {
    throw new PeakaInvalidArgumentError("streamRows expects { projectId, queryId }, { projectId, catalogId, schemaName, tableName } or { projectId, exportId }.");
  }
  const { signal, onProgress } = options;
  const download = options.fetch ?? globalThis.fetch;
  if (typeof download !== "function") throw new PeakaInvalidArgumentError("No fetch to download the export files with: pass `fetch`.");
  const idleMs = options.idleTimeout ?? 60_000;
  if (typeof idleMs !== "number" || Number.isNaN(idleMs) || idleMs <= 0) {
    throw new PeakaInvalidArgumentError(`\`idleTimeout\` must be a number of milliseconds greater than 0, or Infinity; got ${String(idleMs)}.`);
  }
  const idleError = (name: string, cause: unknown) =>
    new PeakaTimeoutError(`Downloading ${name} of export ${exportId}: no data for ${idleMs} ms`, idleMs, { cause });
  const client = isClient(peaka) ? peaka : undefined;
  const core = client ? undefined : peaka;
  const readExport = (ids: { projectId: string; exportId: string }) =>
    client ? client.exports.get(ids, { signal }) : getExport(core as never, ids, { signal });
  const projectId = source.projectId;

  // 1. The job: started here, or given.
  let exportId: string;
  if ("exportId" in source) {
    exportId = source.exportId;
  } else {
    const body: ExportRequest = { format: options.format ?? "JSONL", compression: options.compression ?? "GZIP" };
    if (options.limit !== undefined) body.limit = options.limit;
    if (options.columns !== undefined) body.columns = options.columns;
    if (options.includeSystemColumns !== undefined) body.includeSystemColumns = options.includeSystemColumns;
    if (options.csvOptions !== undefined) body.csvOptions = options.csvOptions;
    if ("queryId" in source) {
      const args = { projectId, queryId: source.queryId, body };
      exportId = (client ? await client.exports.exportQuery(args, { signal }) : await exportQuery(core as never, args, { signal })).id;
    } else if ("tableName" in source) {
      const args = { projectId, catalogId: source.catalogId, schemaName: source.schemaName, tableName: source.tableName, body };
      exportId = (client ? await client.exports.exportTable(args, { signal }) : await exportTable(core as never, args, { signal })).id;
    } else {
      throw new PeakaInvalidArgumentError("streamRows: the source needs a queryId, a table (catalogId, schemaName, tableName) or an exportId.");
    }
  }

  // 2. Wait for that job (by its own id, so an older export of the same query is never mistaken for it).
  const waitTarget = client ?? ({ exports: { get: (ids: { projectId: string; exportId: string }, o?: { signal?: AbortSignal }) => getExport(core as never, ids, o) } } as unknown as PeakaClient);
  let job = await waitForExport(waitTarget, { projectId, exportId }, { ...options.wait, ...(signal ? { signal } : {}) });
  let files = job.files ?? [];
  if (files.length === 0) {
    if ((job.rowCount ?? 0) === 0 && job.downloadable !== false) return;
    throw new PeakaExportFileError(`Export ${exportId} lists no files to download${job.downloadable === false ? " (only the user who started it may download it)" : ""}`, { reason: "unavailable", exportId });
  }
  const format = job.format ?? options.format ?? "JSONL";
  let rows = 0;
  let bytes = 0;
  const csvHeader: { header?: string[] } = {};

  // 3. Each file in turn.
  for (let fileIndex = 0; fileIndex < files.length; fileIndex++) {
    let file = files[fileIndex] as ExportFile;
    const ctx = (): FileContext => ({ exportId, file, fileIndex, files: files.length });
    const progress = () => onProgress?.({ exportId, rows, bytes, file: file.name, fileIndex, files: files.length });
    let response: Response | undefined;
    let idle: ReturnType<typeof idleLimit>;
    for (let refreshed = false; ; refreshed = true) {
      if (signal?.aborted) throw abortError(signal);
      idle = idleLimit(idleMs, signal);
      idle.wait();
      try {
        response = await download(file.url, { credentials: "omit", redirect: "follow", signal: idle.signal });
      } catch (error) {
        if (signal?.aborted) throw abortError(signal);
        if (idle.timedOut) throw idleError(file.name, error);
        throw new PeakaExportFileError(`Downloading ${file.name} of export ${exportId} failed`, { reason: "download", exportId, file: file.name }, { cause: error });
      } finally {
        idle.got();
      }
      if (response.ok) break;
      await response.body?.cancel().catch(() => undefined);
      if (!REFUSED.has(response.status) || refreshed) {
        throw new PeakaExportFileError(
          `The storage host answered ${response.status} for ${file.name} of export ${exportId}${refreshed ? " (also with a fresh link)" : ""}`,
          { reason: REFUSED.has(response.status) ? "expired" : "download", exportId, file: file.name, status: response.status },
        );
      }
      // The link may have expired: read the export again for fresh links, once.
      job = await readExport({ projectId, exportId });
      if (job.status !== "SUCCEEDED") {
        throw new PeakaExportFileError(`Export ${exportId} is ${job.status} now; its files cannot be read any more`, { reason: "expired", exportId, file: file.name, status: response.status });
      }
      const fresh = job.files ?? [];
      const match = fresh.find((f) => f.name === file.name);
      if (!match) {
        throw new PeakaExportFileError(`Export ${exportId} no longer lists ${file.name}`, { reason: "expired", exportId, file: file.name, status: response.status });
      }
      files = fresh.length === files.length ? fresh : files.map((f) => fresh.find((g) => g.name === f.name) ?? f);
      file = match;
    }

    const parser = format === "CSV" ? csvParser(await loadCsvParser(), ctx(), options, csvHeader) : jsonlParser(ctx(), options);
    let fileBytes = 0;
    let body = (response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).pipeThrough(
      byteCounter((n) => {
        fileBytes += n;
        bytes += n;
      }),
    );
    // A storage host that sends `Content-Encoding: gzip` has had its bytes decoded by fetch already.
    const encoded = /gzip/i.test(response.headers.get("content-encoding") ?? "");
    const gzipped = !encoded && (job.compression === "GZIP" || (job.compression === undefined && /\.gz$/i.test(file.name)));
    if (gzipped) {
      if (typeof DecompressionStream !== "function") {
        throw new PeakaInvalidArgumentError("This runtime has no DecompressionStream to read gzip files: stream with compression: \"NONE\".");
      }
      body = body.pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>);
    }
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let finished = false;
    const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        idle.wait();
        try {
          chunk = await reader.read();
        } catch (error) {
          if (signal?.aborted) throw abortError(signal);
          if (idle.timedOut) throw idleError(file.name, error);
          throw new PeakaExportFileError(
            `${file.name} of export ${exportId} broke off after ${parser.count} rows${gzipped ? " (the gzip data is cut short or damaged)" : ""}`,
            { reason: gzipped ? "truncated" : "download", exportId, file: file.name, row: parser.count },
            { cause: error },
          );
        } finally {
          idle.got();
        }
        if (signal?.aborted) throw abortError(signal);
        const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
        const out: Row[] = [];
        let failure: unknown;
        try {
          parser.push(text, out);
          if (chunk.done) {
            // A file shorter than the export lists: its last line, whatever it looks like, is cut.
            if (typeof file.bytes === "number" && file.bytes > 0 && !encoded && fileBytes !== file.bytes) {
              throw new PeakaExportFileError(`${file.name} of export ${exportId} has ${fileBytes} bytes; the export lists ${file.bytes}`, { reason: "truncated", exportId, file: file.name, row: parser.count });
            }
            parser.end(out);
          }
        } catch (error) {
          failure = error;
        }
        // Complete rows before a bad one still reach the caller; then the error.
        if (out.length) {
          rows += out.length;
          yield out;
        }
        if (failure) throw failure;
        if (chunk.done) break;
        progress();
      }
      finished = true;
      progress();
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!finished) await reader.cancel().catch(() => undefined);
    }
  }
}
