// Catalogs (listing, schemas, tables, columns, cache state) and saved queries.
import type { components } from "@peaka/api-types";
import { badRequest, notFound } from "../http.js";
import type { SampleTable } from "../shop.js";
import { projectOf, type CatalogRecord, type ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";

type S = components["schemas"];

export function projectFor(ctx: HandlerContext): ProjectRecord {
  return projectOf(ctx.world, ctx.principal, ctx.params["projectId"]!);
}

export function catalogOf(p: ProjectRecord, catalogId: string): CatalogRecord {
  const c = p.catalogs.get(catalogId);
  if (!c) throw notFound(`No catalog with id ${catalogId} in project ${p.project.id}.`);
  return c;
}

/** The table a catalog id, schema and table name point at; `fail` makes the error (404 by default). */
export function tableOf(p: ProjectRecord, catalogId: string, schemaName: string, tableName: string, fail = notFound): SampleTable {
  const table = p.catalogs.get(catalogId)?.schemas.get(schemaName)?.get(tableName);
  if (!table) throw fail(`No table ${schemaName}.${tableName} in catalog ${catalogId}.`);
  return table;
}

export function isCached(p: ProjectRecord, catalogId: string, schemaName: string, tableName: string): boolean {
  return [...p.caches.values()].some((c) => !c.deleted && c.cache.catalogId === catalogId && c.cache.schemaName === schemaName && c.cache.tableName === tableName);
}

/** A saved query's SQL name, as Peaka derives it from the display name (`Weekly revenue` -> `weeklyrevenue`). */
const sqlName = (displayName: string) => displayName.toLowerCase().replace(/[^a-z0-9_]/g, "");

function queryOf(p: ProjectRecord, id: string): S["SavedQuery"] {
  const q = p.queries.get(id);
  if (!q) throw notFound(`No saved query with id ${id}.`);
  return q;
}

export const dataHandlers: HandlerTable = {
  listCatalogs: (ctx) => [...projectFor(ctx).catalogs.values()].map((c) => c.catalog),
  getCatalog: (ctx) => catalogOf(projectFor(ctx), ctx.params["catalogId"]!).catalog,
  listCatalogSchemas: (ctx) => {
    const c = catalogOf(projectFor(ctx), ctx.params["catalogId"]!);
    return [...c.schemas.keys()].map((schemaName) => ({ catalogId: c.catalog.id, catalogName: c.catalog.name, schemaName }));
  },
  listCatalogTables: (ctx) => {
    const p = projectFor(ctx);
    const c = catalogOf(p, ctx.params["catalogId"]!);
    const schema = c.schemas.get(ctx.params["schemaName"]!);
    if (!schema) throw notFound(`No schema ${ctx.params["schemaName"]} in catalog ${c.catalog.id}.`);
    return [...schema.values()].map((t) => ({
      catalogId: c.catalog.id,
      catalogName: c.catalog.name,
      schemaName: ctx.params["schemaName"]!,
      tableName: t.name,
      supportedCacheTypes: ["FULL_REFRESH", "INCREMENTAL"],
      isCacheable: true,
      isDynamicTable: false,
      isCached: isCached(p, c.catalog.id, ctx.params["schemaName"]!, t.name),
    }));
  },
  listCatalogColumns: (ctx) => tableOf(projectFor(ctx), ctx.params["catalogId"]!, ctx.params["schemaName"]!, ctx.params["tableName"]!).columns,
  getCatalogTableCacheState: (ctx) => {
    const p = projectFor(ctx);
    const { catalogId, schemaName, tableName } = ctx.params as Record<string, string>;
    tableOf(p, catalogId!, schemaName!, tableName!);
    return { isCached: isCached(p, catalogId!, schemaName!, tableName!), isCacheable: true, supportedCacheTypes: ["FULL_REFRESH", "INCREMENTAL"] };
  },

  searchCatalogs: (ctx) => {
    const p = projectFor(ctx);
    const body = ctx.body as S["CatalogSearchRequest"];
    const text = body.query.toLowerCase();
    const hit = (name: string) => name.toLowerCase().includes(text);
    const all: Array<{ kind: "matchedCatalogs" | "matchedSchemas" | "matchedTables"; match: S["CatalogSearchMatch"] }> = [];
    for (const c of p.catalogs.values()) {
      const catalog = c.catalog.name;
      if (body.catalog !== undefined && body.catalog !== catalog) continue;
      if (body.schema === undefined && hit(catalog)) all.push({ kind: "matchedCatalogs", match: { catalog } });
      for (const [schema, tables] of c.schemas) {
        if (body.schema !== undefined && body.schema !== schema) continue;
        if (hit(schema)) all.push({ kind: "matchedSchemas", match: { catalog, schema } });
        for (const table of tables.keys()) if (hit(table)) all.push({ kind: "matchedTables", match: { catalog, schema, table } });
      }
    }
    // One page is `limit` matches of the whole list (catalogs, then schemas, then tables), split into the three arrays.
    const limit = body.limit ?? 100;
    const offset = body.offset ?? 0;
    const page = all.slice(offset, offset + limit);
    const of = (kind: (typeof all)[number]["kind"]) => page.filter((m) => m.kind === kind).map((m) => m.match);
    return {
      matchedCatalogs: of("matchedCatalogs"),
      matchedSchemas: of("matchedSchemas"),
      matchedTables: of("matchedTables"),
      meta: { page: { limit, offset, nextOffset: offset + limit < all.length ? offset + limit : null }, query: { text: body.query } },
    };
  },

  listQueries: (ctx) => [...projectFor(ctx).queries.values()],
  getQuery: (ctx) => queryOf(projectFor(ctx), ctx.params["queryId"]!),
  createQuery: (ctx) => {
    const p = projectFor(ctx);
    const body = ctx.body as S["SavedQueryInput"];
    if (!body.displayName?.trim()) throw badRequest("Invalid request body: field 'displayName' must not be empty");
    const name = sqlName(body.displayName);
    if (!name) throw badRequest("Invalid request body: field 'displayName' must contain a letter or digit");
    if ([...p.queries.values()].some((q) => q.name === name)) throw badRequest(`A saved query named ${name} already exists`);
    if (!body.inputQuery && !body.inputQueryRefId) throw badRequest("Invalid request body: field 'inputQuery' is required");
    const id = ctx.ids.numeric();
    const query: S["SavedQuery"] = {
      id,
      name,
      displayName: body.displayName,
      inputQuery: body.inputQuery ?? queryOf(p, body.inputQueryRefId!).inputQuery ?? "",
      queryType: body.queryType ?? "PLAIN",
      path: body.path ?? null,
      folderId: null,
      ...(body.queryType === "MATERIALIZED" ? { schedule: body.schedule ? { ...body.schedule } : { type: "none" } } : {}),
    };
    p.queries.set(id, query);
    return query;
  },
  updateQuery: (ctx) => {
    const q = queryOf(projectFor(ctx), ctx.params["queryId"]!);
    const body = ctx.body as S["SavedQueryInput"];
    if (body.displayName !== undefined) q.displayName = body.displayName;
    if (body.inputQuery != null) q.inputQuery = body.inputQuery;
    if (body.path !== undefined) q.path = body.path;
    if (body.schedule !== undefined && q.queryType === "MATERIALIZED") q.schedule = body.schedule ? { ...body.schedule } : null;
    return q;
  },
  moveQuery: (ctx) => {
    queryOf(projectFor(ctx), ctx.params["queryId"]!).path = (ctx.body as S["QueryPathUpdate"]).path;
  },
  deleteQuery: (ctx) => {
    const p = projectFor(ctx);
    queryOf(p, ctx.params["queryId"]!);
    p.queries.delete(ctx.params["queryId"]!);
  },
};
