// CSV import into Peaka Tables and the sample CSV, as a live Peaka answers them (spec/EVIDENCE.md:
// importInternalTableCsv, getInternalTableCsvSample). An import finishes before the answer is sent: the
// job comes back COMPLETED (start and end at the simulator's current time) with `result.processed`, the
// rows of this file. Every import appends; a value that does not fit its column fails the whole file
// with a 400 and writes nothing; a mapping to a CSV header the file lacks writes nulls. The sample has a
// header starting with `text` and five made-up rows; an unknown table gives five empty lines.
import type { components } from "@peaka/api-types";
import Papa from "papaparse";
import { badRequest, notFound, PeakaSimError, RawBody } from "../http.js";
import type { Row } from "../shop.js";
import { specModel } from "../spec.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor } from "./data.js";

type S = components["schemas"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The value a CSV cell stores in a column of `dataType`; throws Peaka's 400 when it does not fit. */
function convert(cell: string, dataType: string): Row[string] {
  if (cell === "") return null;
  const bad = () => new PeakaSimError(400, { message: `invalid input syntax for type ${dataType}: "${cell}"` });
  switch (dataType.replace(/\(.*$/, "")) {
    case "bigint":
    case "integer":
      if (!/^[+-]?\d+$/.test(cell.trim())) throw bad();
      return Number(cell);
    case "decimal":
    case "double":
    case "real": {
      const n = Number(cell);
      if (cell.trim() === "" || !Number.isFinite(n)) throw bad();
      return n;
    }
    case "boolean": {
      const v = cell.trim().toLowerCase();
      if (["true", "t", "1", "yes"].includes(v)) return true;
      if (["false", "f", "0", "no"].includes(v)) return false;
      throw bad();
    }
    case "timestamp":
      if (!Number.isFinite(Date.parse(cell))) throw bad();
      return new Date(Date.parse(cell)).toISOString();
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(cell.trim()) || !Number.isFinite(Date.parse(cell))) throw bad();
      return cell.trim();
    case "time":
      if (!/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(cell.trim())) throw bad();
      return cell.trim();
    case "uuid":
      if (!UUID.test(cell.trim())) throw bad();
      return cell.trim().toLowerCase();
    default:
      return cell;
  }
}

async function readRequest(text: string): Promise<S["CsvImportRequest"]> {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    throw badRequest("Invalid request part: not valid JSON");
  }
  const check = await specModel().validator.validateSchema("CsvImportRequest", request);
  if (!check.ok) {
    const first = check.problems[0]!;
    const field = first.at.replace(/^\//, "").replaceAll("/", ".");
    throw badRequest(`Invalid request part: ${field ? `field '${field}' ` : ""}${first.message}`);
  }
  return request as S["CsvImportRequest"];
}

/** A made-up value of a column type for the sample file, written as the sample writes it. */
function sampleCell(ctx: HandlerContext, dataType: string): string {
  const r = ctx.ids.next();
  switch (dataType.replace(/\(.*$/, "")) {
    case "bigint":
    case "integer":
      return String(Math.floor(r * 10_000));
    case "decimal":
    case "double":
      return (r * 1000).toFixed(2);
    case "boolean":
      return r < 0.5 ? "true" : "false";
    case "timestamp":
      return `"${new Date(ctx.clock.now() - Math.floor(r * 30) * 86_400_000).toISOString()}"`;
    case "date":
      return `"${new Date(ctx.clock.now() - Math.floor(r * 30) * 86_400_000).toISOString().slice(0, 10)}"`;
    case "time":
      return `"${String(Math.floor(r * 24)).padStart(2, "0")}:00:00"`;
    case "uuid":
      return `"${ctx.ids.uuid()}"`;
    default:
      return `"sample text"`;
  }
}

export const csvHandlers: HandlerTable = {
  importInternalTableCsv: async (ctx) => {
    const p = projectFor(ctx);
    const t = p.peakaTables.get(ctx.params["tableName"]!);
    if (!t) throw notFound(`No Peaka Table named ${ctx.params["tableName"]}.`);
    const parts = ctx.body as { file: string; request: string };
    const request = await readRequest(parts.request);
    const parsed = Papa.parse<string[]>(parts.file.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
    if (parsed.errors.some((e) => e.type === "Quotes")) throw badRequest(`The CSV file could not be read: ${parsed.errors[0]!.message} (row ${parsed.errors[0]!.row})`);
    const lines = parsed.data;
    const header = request.containsHeader ? (lines.shift() ?? []) : undefined;
    const targets = request.mappings.map((m) => {
      const column = t.columns.find((c) => c.name === m.name);
      if (!column || column.name.startsWith("_")) throw badRequest(`Column ${m.name} does not exist in table ${t.table.tableName}`);
      if (m.csvColumnName !== undefined && !header) throw badRequest("A file without a header line must be mapped by csvColumnIndex");
      // A header the file lacks is not checked: the column is filled with nulls (as on a live Peaka).
      const index = m.csvColumnIndex ?? header?.indexOf(m.csvColumnName ?? m.name) ?? -1;
      return { column, index };
    });
    const now = ctx.clock.now();
    // Every value is converted before any row is written: one bad value fails the whole file.
    const rows = lines.map((cells) => {
      const row: Row = {};
      for (const c of t.columns) row[c.name] = c.defaultValue == null ? null : convert(c.defaultValue, c.dataType);
      for (const { column, index } of targets) row[column.name] = index >= 0 && index < cells.length ? convert(cells[index]!, column.dataType) : null;
      return row;
    });
    for (const [i, row] of rows.entries()) Object.assign(row, { _id: ctx.ids.uuid(), _version: 1, _created_time: new Date(now + i).toISOString() });
    t.rows.push(...rows);
    return { id: ctx.ids.uuid(), status: "COMPLETED", startTime: now, endTime: now, progress: 100, result: { processed: rows.length } } satisfies S["CsvImportJob"];
  },
  getInternalTableCsvSample: (ctx) => {
    const t = projectFor(ctx).peakaTables.get(ctx.params["tableName"]!);
    const headers = { "content-disposition": 'attachment; filename="sample.csv"' };
    if (!t) return new RawBody("\n".repeat(5), "text/csv", headers);
    // `text` first, then the table's own columns (system columns are filled by Peaka, not by the file).
    const columns = [...t.columns.filter((c) => c.name === "text"), ...t.columns.filter((c) => c.name !== "text" && !c.name.startsWith("_"))];
    const lines = [columns.map((c) => c.name).join(",")];
    for (let i = 0; i < 5; i++) lines.push(columns.map((c) => sampleCell(ctx, c.dataType)).join(","));
    return new RawBody(lines.map((l) => `${l}\n`).join(""), "text/csv", headers);
  },
};
