// Export jobs: PENDING for `exportPendingMs`, RUNNING for `exportRunMs`, then SUCCEEDED with real files
// (CSV or JSONL, gzip or not) written from the table's rows, served on the simulator's own fetch at
// signed URLs that stop working `fileUrlTtlMs` after they were handed out. After `exportRetentionMs` a
// succeeded job is EXPIRED and its files are gone.
// gzip in plain JS (fflate): a job writes its file synchronously when a read moves it past its end,
// and CompressionStream is asynchronous only; fflate runs the same in Node, Bun, Deno and a browser.
import { gzipSync } from "fflate";
import type { components } from "@peaka/api-types";
import type { SimulatorClock } from "../clock.js";
import { badRequest, notFound, type Answer } from "../http.js";
import type { Row, SampleTable } from "../shop.js";
import type { ExportRecord, ProjectRecord, World } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { catalogOf, projectFor, tableOf } from "./data.js";

type S = components["schemas"];

export const FILES_PREFIX = "/__peaka-sim/files/";
/** The page size when `limit` is left out: no source tells Peaka's; 50 is the client's default page. */
const DEFAULT_PAGE = 50;

function exportOf(p: ProjectRecord, id: string): ExportRecord {
  const e = p.exports.find((x) => x.job.id === id);
  if (!e) throw notFound(`No export job with id ${id}.`);
  return e;
}

function csvCell(value: Row[string], o: Required<Pick<S["ExportCsvOptions"], "delimiter" | "quoteChar" | "recordSeparator">> & { nullValue: string }): string {
  if (value === null) return o.nullValue;
  const text = String(value);
  const q = o.quoteChar;
  return text.includes(o.delimiter) || text.includes(q) || text.includes("\n") || text.includes("\r") ? `${q}${text.replaceAll(q, q + q)}${q}` : text;
}

/** Writes the job's file (one part) from the table's rows; a column the table lacks fails the job. */
function writeFiles(e: ExportRecord): void {
  const request = e.request;
  if (e.failure !== undefined) {
    Object.assign(e.job, { status: "FAILED", error: e.failure, downloadable: false });
    return;
  }
  const known = e.table.columns.map((c) => c.name);
  const columns = request.columns ?? known;
  const missing = columns.find((c) => !known.includes(c));
  if (missing !== undefined) {
    Object.assign(e.job, { status: "FAILED", error: `Column '${missing}' does not exist in the result.`, downloadable: false });
    return;
  }
  const rows = e.table.rows().slice(0, request.limit ?? undefined);
  const format = request.format ?? "CSV";
  let text: string;
  if (format === "JSONL") {
    // Rows whose keys are the columns, in order (every row of a table has the same keys), are written as they are.
    const keys = rows[0] ? Object.keys(rows[0]) : [];
    const asIs = keys.length === columns.length && keys.every((k, i) => k === columns[i]);
    text = rows.map((r) => JSON.stringify(asIs ? r : Object.fromEntries(columns.map((c) => [c, r[c] ?? null])))).join("\n") + (rows.length ? "\n" : "");
  } else {
    const csv = request.csvOptions ?? {};
    const o = { delimiter: csv.delimiter ?? ",", quoteChar: csv.quoteChar ?? '"', recordSeparator: csv.recordSeparator ?? "\n", nullValue: csv.nullValue ?? "" };
    const lines = rows.map((r) => columns.map((c) => csvCell(r[c] ?? null, o)).join(o.delimiter));
    if (csv.includeHeader ?? true) lines.unshift(columns.map((c) => csvCell(c, o)).join(o.delimiter));
    text = lines.map((l) => l + o.recordSeparator).join("");
  }
  const gzip = request.compression === "GZIP";
  const plain = new TextEncoder().encode(text);
  // Level 1: a standard gzip file, written several times faster than at the default level (a 1,000,000-row export).
  const bytes = gzip ? gzipSync(plain, { level: 1 }) : plain;
  const name = `part-00000.${format === "JSONL" ? "jsonl" : "csv"}${gzip ? ".gz" : ""}`;
  e.files = [{ name, bytes, contentType: gzip ? "application/gzip" : format === "JSONL" ? "application/x-ndjson" : "text/csv" }];
  Object.assign(e.job, { rowCount: rows.length, bytes: bytes.length });
}

/** Brings a job up to the simulator's time. */
function advance(e: ExportRecord, ctx: HandlerContext): void {
  const now = ctx.clock.now();
  const { exportPendingMs, exportRunMs, exportRetentionMs } = ctx.options;
  const job = e.job;
  if (job.status === "PENDING" && now >= e.createdMs + exportPendingMs) job.status = "RUNNING";
  if (job.status === "RUNNING" && now >= e.createdMs + exportPendingMs + exportRunMs) {
    const finished = e.createdMs + exportPendingMs + exportRunMs;
    Object.assign(job, { status: "SUCCEEDED", durationMs: exportRunMs, downloadable: true, expiresAt: new Date(finished + exportRetentionMs).toISOString() });
    writeFiles(e);
  }
  if (job.status === "SUCCEEDED" && job.expiresAt && now >= Date.parse(job.expiresAt)) {
    Object.assign(job, { status: "EXPIRED", downloadable: false });
    delete e.files;
  }
}

function view(e: ExportRecord, ctx: HandlerContext, p: ProjectRecord, withFiles: boolean): S["ExportJob"] {
  advance(e, ctx);
  const { files: _omit, ...job } = e.job;
  if (!withFiles || e.job.status !== "SUCCEEDED" || !e.files) return job;
  const expires = ctx.clock.now() + ctx.options.fileUrlTtlMs;
  return {
    ...job,
    files: e.files.map((f) => {
      const path = `${FILES_PREFIX}${encodeURIComponent(p.project.id)}/${encodeURIComponent(e.job.id)}/${encodeURIComponent(f.name)}`;
      return { name: f.name, url: `${ctx.baseUrl}${path}?expires=${expires}&signature=${ctx.sign(path, expires)}`, bytes: f.bytes.length };
    }),
  };
}

/** What an export reads: a table's rows (a table export) or a saved query's result (a query export). */
export interface ExportSource {
  table: SampleTable;
  /** The exported object's qualified name, quoted for display. */
  source: string;
  queryId?: string;
  catalogId?: string;
  schemaName?: string;
  tableName?: string;
  /** Makes the job FAILED with this error when it would finish. */
  failure?: string | undefined;
}

/** Queues an export job (PENDING) of `from`; the lifecycle above runs it. The 202 body. */
export function startExport(ctx: HandlerContext, p: ProjectRecord, request: S["ExportRequest"], from: ExportSource): S["ExportJobAccepted"] {
  if (request.limit !== undefined && request.limit < 0) throw badRequest("Invalid request body: field 'limit' must be >= 0");
  const record: ExportRecord = {
    job: {
      id: ctx.ids.uuid(),
      status: "PENDING",
      format: request.format ?? "CSV",
      compression: request.compression ?? "NONE",
      rowCount: null,
      bytes: null,
      durationMs: null,
      expiresAt: null,
      downloadable: false,
      error: null,
      createdAt: ctx.clock.iso(),
      queryId: from.queryId ?? null,
      catalogId: from.catalogId ?? null,
      schemaName: from.schemaName ?? null,
      tableName: from.tableName ?? null,
      source: from.source,
      userId: ctx.world.user.userId,
      userName: ctx.world.user.email,
      apiKeyPrefix: ctx.principal.kind === "project" ? ctx.principal.key.secret.slice(0, 8) : null,
      clientSource: null,
    },
    createdMs: ctx.clock.now(),
    table: from.table,
    request,
    ...(from.failure !== undefined ? { failure: from.failure } : {}),
  };
  p.exports.push(record);
  return { id: record.job.id, status: record.job.status };
}

export const exportHandlers: HandlerTable = {
  exportTable: (ctx) => {
    const p = projectFor(ctx);
    const { catalogId, schemaName, tableName } = ctx.params as Record<string, string>;
    const catalog = catalogOf(p, catalogId!).catalog;
    const table = tableOf(p, catalogId!, schemaName!, tableName!);
    return startExport(ctx, p, (ctx.body ?? {}) as S["ExportRequest"], { table, source: `${catalog.name}.${schemaName}."${tableName}"`, catalogId: catalogId!, schemaName: schemaName!, tableName: tableName! });
  },
  getExport: (ctx) => {
    const p = projectFor(ctx);
    return view(exportOf(p, ctx.params["exportId"]!), ctx, p, true);
  },
  listExports: (ctx) => {
    const p = projectFor(ctx);
    const statuses = typeof ctx.query["status"] === "string" ? new Set(ctx.query["status"].split(",").map((s: string) => s.trim().toUpperCase())) : undefined;
    const before = typeof ctx.query["createdBefore"] === "string" ? Date.parse(ctx.query["createdBefore"]) : Infinity;
    const limit = Math.max(1, (ctx.query["limit"] as number | undefined) ?? DEFAULT_PAGE);
    return p.exports
      .filter((e) => e.createdMs < before)
      .map((e) => view(e, ctx, p, false))
      .filter((job) => !statuses || statuses.has(job.status))
      .sort((a, b) => Date.parse(b.createdAt!) - Date.parse(a.createdAt!))
      .slice(0, limit);
  },
  cancelExport: (ctx) => {
    const p = projectFor(ctx);
    const e = exportOf(p, ctx.params["exportId"]!);
    advance(e, ctx);
    if (e.job.status === "PENDING" || e.job.status === "RUNNING") Object.assign(e.job, { status: "CANCELLED", downloadable: false });
  },
};

/** Serves an export file at a signed URL: 403 (as an object store does) once expired or when the signature is wrong. */
export function serveFile(world: World, url: URL, clock: SimulatorClock, sign: (path: string, expiresMs: number) => string): Answer {
  const denied = (why: string): Answer => ({ status: 403, raw: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${why}</Message></Error>`, contentType: "application/xml" });
  const expires = Number(url.searchParams.get("expires"));
  const signature = url.searchParams.get("signature") ?? "";
  if (!Number.isFinite(expires) || signature !== sign(url.pathname, expires)) return denied("The request signature does not match.");
  if (clock.now() >= expires) return denied("Request has expired");
  const [projectId, exportId, name] = url.pathname.slice(FILES_PREFIX.length).split("/").map(decodeURIComponent);
  const file = world.projects.get(projectId ?? "")?.exports.find((e) => e.job.id === exportId)?.files?.find((f) => f.name === name);
  if (!file) return { status: 404, raw: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The file is gone.</Message></Error>`, contentType: "application/xml" };
  return { status: 200, raw: file.bytes, contentType: file.contentType };
}
