// Semantic catalogs (no connection; tables defined from saved queries) and sharing a catalog with
// another project. A semantic table holds what its saved query gave when the table was made, run on
// the SQL engine (where the engine cannot load, or the query fails, it has no columns and no rows).
// A shared catalog shows in the target project under a new id and reads the same tables; the
// credentials stay with the source project's connection. A project key can share only into its own
// project, like every other call it makes.
import type { components } from "@peaka/api-types";
import { engineOf, type EngineResult } from "../engine.js";
import { badRequest, notFound, PeakaSimError } from "../http.js";
import type { Row, SampleTable } from "../shop.js";
import { projectOf, type ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { catalogOf, projectFor } from "./data.js";

type S = components["schemas"];

export interface SemanticTableRecord {
  tableId: string;
  catalogId: string;
  schemaName: string;
  tableName: string;
  queryId: string;
}

const SEMANTIC = "semantic";

function semanticCatalogOf(p: ProjectRecord, id: string) {
  const c = catalogOf(p, id);
  if (c.catalog.catalogType !== SEMANTIC) throw badRequest(`Catalog ${id} is not a semantic catalog`);
  return c;
}

/** Puts a copy of the catalog (same tables, new id) into the target project and answers its id. */
function share(ctx: HandlerContext, source: ProjectRecord, catalogId: string, targetProjectId: string): string {
  const c = catalogOf(source, catalogId);
  const target = projectOf(ctx.world, ctx.principal, targetProjectId);
  if (target === source) throw badRequest("A catalog cannot be shared with its own project");
  if ([...target.catalogs.values()].some((x) => x.catalog.name === c.catalog.name)) throw badRequest(`Project ${targetProjectId} already has a catalog named ${c.catalog.name}`);
  const id = ctx.ids.numeric();
  target.catalogs.set(id, { catalog: { ...c.catalog, id }, schemas: c.schemas });
  return id;
}

/** A JS value of the engine as a row cell. */
function cell(v: unknown): Row[string] {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return v as string | number | boolean;
}

/** The rows of an engine result (held column by column) as objects keyed by column name, cells as rows hold them. */
export function engineRows(result: EngineResult): Row[] {
  return Array.from({ length: result.rowCount }, (_, i) => Object.fromEntries(result.columns.map((c, j) => [c.name, cell(result.values[j]![i])])));
}

/** The table a saved query gives: its result, run now; no columns and no rows where it cannot run. */
async function tableFromQuery(ctx: HandlerContext, p: ProjectRecord, name: string, sql: string): Promise<SampleTable> {
  try {
    const result = await engineOf(ctx.world).run(p, sql);
    const rows = engineRows(result);
    return { name, columns: result.columns.map((c) => ({ name: c.name, dataType: c.dataType, displayName: c.name, isNotNull: false })), rowCount: rows.length, rows: () => rows };
  } catch (error) {
    if (!(error instanceof PeakaSimError)) throw error;
    return { name, columns: [], rowCount: 0, rows: () => [] };
  }
}

export const semanticHandlers: HandlerTable = {
  createSemanticCatalog: (ctx) => {
    const p = projectFor(ctx);
    const name = (ctx.body as S["SemanticCatalogRequest"]).name;
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw badRequest(`Invalid request body: field 'name' must be letters, digits and underscores, starting with a letter`);
    if ([...p.catalogs.values()].some((c) => c.catalog.name === name)) throw badRequest("A catalog with this name already exists.");
    const id = ctx.ids.numeric();
    p.catalogs.set(id, { catalog: { id, name, displayName: name, catalogType: SEMANTIC, connectionId: null }, schemas: new Map() });
    return { id, name, displayName: name, type: "SEMANTIC" };
  },
  createSemanticTable: async (ctx) => {
    const p = projectFor(ctx);
    const c = semanticCatalogOf(p, ctx.params["catalogId"]!);
    const body = ctx.body as S["SemanticTableRequest"];
    const query = p.queries.get(body.queryId);
    if (!query) throw badRequest(`Saved query ${body.queryId} does not exist`);
    if (!/^[a-z_][a-z0-9_]*$/.test(body.schemaName) || !/^[a-z_][a-z0-9_]*$/.test(body.tableName)) throw badRequest("Schema and table names must be lower-case letters, digits and underscores");
    if (c.schemas.get(body.schemaName)?.has(body.tableName)) throw badRequest(`Table ${body.schemaName}.${body.tableName} already exists in catalog ${c.catalog.name}`);
    const table = await tableFromQuery(ctx, p, body.tableName, query.inputQuery ?? "");
    if (c.schemas.get(body.schemaName)?.has(body.tableName)) throw badRequest(`Table ${body.schemaName}.${body.tableName} already exists in catalog ${c.catalog.name}`);
    const tables = c.schemas.get(body.schemaName) ?? new Map<string, SampleTable>();
    tables.set(body.tableName, table);
    c.schemas.set(body.schemaName, tables);
    const record: SemanticTableRecord = { tableId: ctx.ids.numeric(), catalogId: c.catalog.id, schemaName: body.schemaName, tableName: body.tableName, queryId: body.queryId };
    p.semanticTables.set(record.tableId, record);
    return { tableId: record.tableId, catalogId: c.catalog.id, catalogName: c.catalog.name, schemaName: body.schemaName, tableName: body.tableName };
  },
  deleteSemanticTable: (ctx) => {
    const p = projectFor(ctx);
    const c = semanticCatalogOf(p, ctx.params["catalogId"]!);
    const record = p.semanticTables.get(ctx.params["tableId"]!);
    if (!record || record.catalogId !== c.catalog.id) throw notFound(`No table ${ctx.params["tableId"]} in semantic catalog ${c.catalog.id}.`);
    p.semanticTables.delete(record.tableId);
    const tables = c.schemas.get(record.schemaName);
    tables?.delete(record.tableName);
    if (tables?.size === 0) c.schemas.delete(record.schemaName);
  },
  shareSemanticCatalog: (ctx) => {
    const p = projectFor(ctx);
    share(ctx, p, semanticCatalogOf(p, ctx.params["catalogId"]!).catalog.id, (ctx.body as S["SemanticCatalogShareRequest"]).target);
  },
  shareCatalog: (ctx) => ({ sharedCatalogId: share(ctx, projectFor(ctx), ctx.params["catalogId"]!, (ctx.body as S["CatalogShareRequest"]).targetProjectId) }),
};
