// Semantic catalogs (no connection; tables defined from saved queries) and sharing a catalog with
// another project. A shared catalog shows in the target project under a new id and reads the same
// tables; the credentials stay with the source project's connection. A project key can share only
// into its own project, like every other call it makes.
import type { components } from "@peaka/api-types";
import { badRequest, notFound } from "../http.js";
import type { ProjectRecord } from "../world.js";
import { projectOf } from "../world.js";
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
  createSemanticTable: (ctx) => {
    const p = projectFor(ctx);
    const c = semanticCatalogOf(p, ctx.params["catalogId"]!);
    const body = ctx.body as S["SemanticTableRequest"];
    if (!p.queries.has(body.queryId)) throw badRequest(`Saved query ${body.queryId} does not exist`);
    if (!/^[a-z_][a-z0-9_]*$/.test(body.schemaName) || !/^[a-z_][a-z0-9_]*$/.test(body.tableName)) throw badRequest("Schema and table names must be lower-case letters, digits and underscores");
    const tables = c.schemas.get(body.schemaName) ?? new Map();
    if (tables.has(body.tableName)) throw badRequest(`Table ${body.schemaName}.${body.tableName} already exists in catalog ${c.catalog.name}`);
    // The simulator does not run the saved query: the table is listed, with no columns and no rows.
    tables.set(body.tableName, { name: body.tableName, columns: [], rowCount: 0, rows: () => [] });
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
