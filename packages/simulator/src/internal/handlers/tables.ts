// Peaka Tables (the `table` schema of the built-in catalog). A new table holds system columns and a
// plain `text` column. Columns keep their default value, while `isNotNull` and `isUnique` read back
// false and `desc` null whatever was sent, as seen on a live Peaka (spec: InternalTableColumnRequest,
// InternalTableColumn); a second table of the same name answers 400 with `errorCode` 100. Rows arrive by
// CSV import (csv.ts).
import type { components } from "@peaka/api-types";
import { badRequest, notFound } from "../http.js";
import type { IdSource } from "../random.js";
import type { Row, SampleTable } from "../shop.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor } from "./data.js";

type S = components["schemas"];

export interface PeakaTableRecord {
  table: S["InternalTable"];
  columns: S["InternalTableColumn"][];
  /** The rows, by column name (Peaka Tables fill them by CSV import; BI tables stay empty). */
  rows: Row[];
}

const SYSTEM_COLUMNS: Array<[string, string]> = [
  ["_id", "varchar"],
  ["_version", "bigint"],
  ["_created_time", "timestamp"],
];

function tableOf(p: ProjectRecord, name: string): PeakaTableRecord {
  const t = p.peakaTables.get(name);
  if (!t) throw notFound(`No Peaka Table named ${name}.`);
  return t;
}

function column(ids: IdSource, request: S["InternalTableColumnRequest"]): S["InternalTableColumn"] {
  return {
    id: ids.uuid().slice(0, 8),
    name: request.name,
    dataType: request.dataType.toLowerCase(),
    displayName: request.displayName ?? request.name,
    defaultValue: request.defaultValue ?? null,
    isNotNull: false,
    isUnique: false,
    desc: null,
  };
}

function systemColumn(ids: IdSource, name: string, dataType: string): S["InternalTableColumn"] {
  return { id: ids.uuid().slice(0, 8), name, dataType, displayName: name, defaultValue: null, isNotNull: name === "_id", isUnique: name === "_id", desc: null };
}

const isSystem = (name: string) => name.startsWith("_");

/**
 * Shows a Peaka Table or BI table in the built-in catalog (id "1") under `schemaName`, as a live view
 * of its columns and rows, so that browsing, exports, metadata and SQL read what imports wrote.
 */
export function showInCatalog(p: ProjectRecord, schemaName: "table" | "bitable", record: PeakaTableRecord | undefined, name: string): void {
  const schemas = p.catalogs.get("1")?.schemas;
  if (!schemas) return;
  const tables = schemas.get(schemaName) ?? new Map<string, SampleTable>();
  if (record) {
    tables.set(name, {
      name,
      get columns() {
        return record.columns.map((c) => ({ name: c.name, dataType: c.dataType, displayName: c.displayName ?? c.name, isNotNull: c.isNotNull ?? false }));
      },
      get rowCount() {
        return record.rows.length;
      },
      rows: () => record.rows,
    });
  } else tables.delete(name);
  if (tables.size) schemas.set(schemaName, tables);
  else schemas.delete(schemaName);
}

export const tableHandlers: HandlerTable = {
  listInternalTables: (ctx) => [...projectFor(ctx).peakaTables.values()].map((t) => t.table),
  createInternalTable: (ctx: HandlerContext) => {
    const p = projectFor(ctx);
    const tableName = ctx.params["tableName"]!;
    if (!/^[a-z_][a-z0-9_]*$/.test(tableName)) throw badRequest(`Table name ${JSON.stringify(tableName)} must be lower-case letters, digits and underscores`);
    if (p.peakaTables.has(tableName)) throw badRequest(`A table named ${tableName} already exists`);
    const record: PeakaTableRecord = {
      table: { catalogId: "1", catalogName: "peaka", schemaName: "table", tableName, supportedCacheTypes: [], isCacheable: false, isDynamicTable: false, isCached: false },
      columns: [...SYSTEM_COLUMNS.map(([name, type]) => systemColumn(ctx.ids, name, type)), column(ctx.ids, { name: "text", dataType: "VARCHAR" })],
      rows: [],
    };
    p.peakaTables.set(tableName, record);
    showInCatalog(p, "table", record, tableName);
    return record.table;
  },
  deleteInternalTable: (ctx) => {
    const p = projectFor(ctx);
    tableOf(p, ctx.params["tableName"]!);
    p.peakaTables.delete(ctx.params["tableName"]!);
    showInCatalog(p, "table", undefined, ctx.params["tableName"]!);
  },
  listInternalTableColumns: (ctx) => tableOf(projectFor(ctx), ctx.params["tableName"]!).columns,
  addInternalTableColumns: (ctx) => {
    const t = tableOf(projectFor(ctx), ctx.params["tableName"]!);
    const requests = ctx.body as S["InternalTableColumnRequest"][];
    for (const r of requests) {
      if (isSystem(r.name)) throw badRequest(`Column name ${r.name} is reserved: names starting with an underscore are system columns`);
      if (t.columns.some((c) => c.name === r.name)) throw badRequest(`Column ${r.name} already exists`);
    }
    const added = requests.map((r) => column(ctx.ids, r));
    t.columns.push(...added);
    return added;
  },
  updateInternalTableColumn: (ctx) => {
    const t = tableOf(projectFor(ctx), ctx.params["tableName"]!);
    const index = t.columns.findIndex((c) => c.name === ctx.params["columnName"]);
    if (index < 0) throw notFound(`No column ${ctx.params["columnName"]} in table ${t.table.tableName}.`);
    if (isSystem(t.columns[index]!.name)) throw badRequest(`System column ${t.columns[index]!.name} cannot be changed`);
    const request = ctx.body as S["InternalTableColumnRequest"];
    if (request.name !== t.columns[index]!.name && t.columns.some((c) => c.name === request.name)) throw badRequest(`Column ${request.name} already exists`);
    const updated = { ...column(ctx.ids, request), id: t.columns[index]!.id };
    t.columns[index] = updated;
    return [updated];
  },
  deleteInternalTableColumn: (ctx) => {
    const t = tableOf(projectFor(ctx), ctx.params["tableName"]!);
    const name = ctx.params["columnName"]!;
    if (!t.columns.some((c) => c.name === name)) throw notFound(`No column ${name} in table ${t.table.tableName}.`);
    if (isSystem(name)) throw badRequest(`System column ${name} cannot be deleted`);
    t.columns = t.columns.filter((c) => c.name !== name);
    for (const row of t.rows) delete row[name];
  },
};
