// Parametric tables, table statistics and caches made in a batch. A parametric table is shown in its
// catalog as `toSchema.toTable`, reading the source table's columns and rows (the simulator binds the
// parameter values but has no REST source that would use them). Statistics are counted from the rows,
// PostgreSQL style: the number of distinct values, or minus their share of the rows when it exceeds
// a tenth; Stripe, MongoDB and Google Ads catalogs answer 400 with `errorCode` 100 as on a live Peaka.
import type { components } from "@peaka/api-types";
import { badRequest, notFound, PeakaSimError } from "../http.js";
import type { HandlerTable } from "./context.js";
import { cacheHandlers } from "./cache.js";
import { catalogOf, projectFor, tableOf } from "./data.js";

type S = components["schemas"];

/** Catalog types whose statistics a live Peaka answered with "not supported yet". */
const NO_STATISTICS = /stripe|mongo|google_?ads/i;

export const catalogTableHandlers: HandlerTable = {
  listParametricTables: (ctx) => {
    const p = projectFor(ctx);
    return p.parametricTables.get(catalogOf(p, ctx.params["catalogId"]!).catalog.id) ?? [];
  },
  createParametricTable: (ctx) => {
    const p = projectFor(ctx);
    const c = catalogOf(p, ctx.params["catalogId"]!);
    const body = ctx.body as S["ParametricTable"];
    const source = tableOf(p, c.catalog.id, body.fromSchema, body.fromTable, badRequest);
    if (c.schemas.get(body.toSchema)?.has(body.toTable)) throw badRequest(`Table ${body.toSchema}.${body.toTable} already exists`);
    const stored: S["ParametricTable"] = { fromSchema: body.fromSchema, fromTable: body.fromTable, toSchema: body.toSchema, toTable: body.toTable, paramValues: body.paramValues ?? [] };
    const tables = c.schemas.get(body.toSchema) ?? new Map();
    tables.set(body.toTable, { name: body.toTable, columns: source.columns, rowCount: source.rowCount, rows: source.rows });
    c.schemas.set(body.toSchema, tables);
    p.parametricTables.set(c.catalog.id, [...(p.parametricTables.get(c.catalog.id) ?? []), stored]);
    return stored;
  },
  deleteParametricTable: (ctx) => {
    const p = projectFor(ctx);
    const c = catalogOf(p, ctx.params["catalogId"]!);
    const { toSchema, toTable } = ctx.query as { toSchema: string; toTable: string };
    const list = p.parametricTables.get(c.catalog.id) ?? [];
    if (!list.some((t) => t.toSchema === toSchema && t.toTable === toTable)) throw notFound(`No parametric table ${toSchema}.${toTable} in catalog ${c.catalog.id}.`);
    p.parametricTables.set(c.catalog.id, list.filter((t) => !(t.toSchema === toSchema && t.toTable === toTable)));
    const tables = c.schemas.get(toSchema);
    tables?.delete(toTable);
    if (tables?.size === 0) c.schemas.delete(toSchema);
  },

  getCatalogTableStatistics: (ctx) => {
    const p = projectFor(ctx);
    const { catalogId, schemaName, tableName } = ctx.params as Record<string, string>;
    const c = catalogOf(p, catalogId!);
    if (NO_STATISTICS.test(c.catalog.catalogType)) throw badRequest(`Catalog type: ${c.catalog.catalogType} is not being supported yet`);
    const table = tableOf(p, catalogId!, schemaName!, tableName!);
    const rows = table.rows();
    const columnStatistics = rows.length === 0 ? [] : table.columns.map((col) => {
      const distinct = new Set(rows.map((r) => r[col.name]).filter((v) => v !== null && v !== undefined)).size;
      const share = distinct / rows.length;
      return { columnName: col.name, distinctFraction: share > 0.1 ? -Math.round(share * 100) / 100 : distinct };
    });
    return { catalogId: c.catalog.id, schemaName: schemaName!, tableName: tableName!, columnStatistics };
  },

  // Each entry is created as the single create would; a failing entry gives `success: false` and its error.
  createCacheBatch: (ctx) =>
    (ctx.body as S["CacheCreateRequest"][]).map((entry) => {
      try {
        return { success: true, error: null, cache: cacheHandlers["createCache"]!({ ...ctx, body: entry }) as S["Cache"] };
      } catch (error) {
        if (!(error instanceof PeakaSimError)) throw error;
        return { success: false, error: error.message, cache: null };
      }
    }),
};
