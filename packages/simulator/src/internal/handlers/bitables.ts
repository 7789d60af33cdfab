// BI tables (the `bitable` schema of the built-in catalog), as a live Peaka keeps them (spec/EVIDENCE.md:
// createBiTable, addBiTableColumns, listBiTableColumns, updateBiTableColumn): table and column names
// lose every underscore, so two names can land on one table and the second create answers 200 with the
// existing table; a new table has no columns; a stored column's label is its name, while the update's
// answer repeats the label sent. The API cannot write rows into a BI table, so they stay empty.
import type { components } from "@peaka/api-types";
import { badRequest, notFound } from "../http.js";
import type { IdSource } from "../random.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerTable } from "./context.js";
import { projectFor } from "./data.js";
import { showInCatalog, type PeakaTableRecord } from "./tables.js";

type S = components["schemas"];

const strip = (name: string) => name.replaceAll("_", "");

function biTableOf(p: ProjectRecord, name: string): PeakaTableRecord {
  const t = p.biTables.get(strip(name));
  if (!t) throw notFound(`No BI table named ${strip(name)}.`);
  return t;
}

function biColumn(ids: IdSource, request: S["BiTableColumnRequest"], id = ids.uuid().slice(0, 8)): S["InternalTableColumn"] {
  const name = strip(request.name);
  return { id, name, dataType: request.dataType.toLowerCase(), displayName: name, defaultValue: request.defaultValue ?? null, isNotNull: request.isNotNull ?? false, isUnique: request.isUnique ?? false, desc: null };
}

export const biTableHandlers: HandlerTable = {
  listBiTables: (ctx) => [...projectFor(ctx).biTables.values()].map((t) => t.table),
  createBiTable: (ctx) => {
    const p = projectFor(ctx);
    const tableName = strip(ctx.params["tableName"]!);
    if (!/^[a-z][a-z0-9]*$/.test(tableName)) throw badRequest(`Table name ${JSON.stringify(ctx.params["tableName"])} must be lower-case letters and digits (underscores are removed)`);
    const existing = p.biTables.get(tableName);
    if (existing) return existing.table;
    const record: PeakaTableRecord = {
      table: { catalogId: "1", catalogName: "peaka", schemaName: "bitable", tableName, supportedCacheTypes: [], isCacheable: false, isDynamicTable: false, isCached: false },
      columns: [],
      rows: [],
    };
    p.biTables.set(tableName, record);
    showInCatalog(p, "bitable", record, tableName);
    return record.table;
  },
  deleteBiTable: (ctx) => {
    const p = projectFor(ctx);
    const name = biTableOf(p, ctx.params["tableName"]!).table.tableName;
    p.biTables.delete(name);
    showInCatalog(p, "bitable", undefined, name);
  },
  listBiTableColumns: (ctx) => biTableOf(projectFor(ctx), ctx.params["tableName"]!).columns,
  addBiTableColumns: (ctx) => {
    const t = biTableOf(projectFor(ctx), ctx.params["tableName"]!);
    const added = (ctx.body as S["BiTableColumnRequest"][]).map((r) => biColumn(ctx.ids, r));
    for (const [i, c] of added.entries()) {
      if (!c.name) throw badRequest("Column name must not be empty once underscores are removed");
      if (t.columns.some((x) => x.name === c.name) || added.findIndex((x) => x.name === c.name) !== i) throw badRequest(`Column ${c.name} already exists`);
    }
    t.columns.push(...added);
    return added;
  },
  updateBiTableColumn: (ctx) => {
    const t = biTableOf(projectFor(ctx), ctx.params["tableName"]!);
    const index = t.columns.findIndex((c) => c.name === strip(ctx.params["columnName"]!));
    if (index < 0) throw notFound(`No column ${strip(ctx.params["columnName"]!)} in BI table ${t.table.tableName}.`);
    const request = ctx.body as S["BiTableColumnRequest"];
    const stored = biColumn(ctx.ids, request, t.columns[index]!.id);
    if (stored.name !== t.columns[index]!.name && t.columns.some((c) => c.name === stored.name)) throw badRequest(`Column ${stored.name} already exists`);
    t.columns[index] = stored;
    return [{ ...stored, displayName: request.displayName ?? stored.name }];
  },
  deleteBiTableColumn: (ctx) => {
    const t = biTableOf(projectFor(ctx), ctx.params["tableName"]!);
    const name = strip(ctx.params["columnName"]!);
    if (!t.columns.some((c) => c.name === name)) throw notFound(`No column ${name} in BI table ${t.table.tableName}.`);
    t.columns = t.columns.filter((c) => c.name !== name);
  },
};
