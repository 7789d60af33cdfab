// Connections and the catalogs made from them. A connection needs a non-empty credential: an empty or
// missing one answers 400 `INVALID_CREDENTIALS`, and an unknown or deleted connection id 400 with a
// message, as a live Peaka does (spec/answers/createConnection, getConnection). The simulator checks
// no credential further: any non-empty one connects. A catalog made from a connection has no schemas.
// An OAuth2 connector's connection needs no credential: it answers a consent URL (platform.ts).
import type { components } from "@peaka/api-types";
import { badRequest, PeakaSimError } from "../http.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { catalogOf, projectFor } from "./data.js";
import { startOAuth2 } from "./platform.js";

type S = components["schemas"];

export interface ConnectionRecord {
  connection: S["Connection"];
  credential: S["ConnectionCredential"];
  /** Set while an OAuth2 connection waits for its consent (platform.ts). */
  oauthState?: string;
}

function connectionOf(p: ProjectRecord, id: string): ConnectionRecord {
  const c = p.connections.get(id);
  if (!c) throw new PeakaSimError(400, { message: `Connection ${id} does not exist.` });
  return c;
}

function checkCredential(p: ProjectRecord, id: string, body: S["ConnectionRequest"]): S["ConnectionCredential"] {
  const credential = body.credential ?? {};
  if (Object.keys(credential).length === 0) {
    throw new PeakaSimError(400, { errorCode: "INVALID_CREDENTIALS", message: `Credential check failed for /internal/connection-secret/${p.project.id}/${id.slice(0, 8)}` });
  }
  return { ...credential };
}

export const connectionHandlers: HandlerTable = {
  listConnections: (ctx) => [...projectFor(ctx).connections.values()].map((c) => c.connection),
  createConnection: (ctx) => {
    const p = projectFor(ctx);
    const body = ctx.body as S["ConnectionRequest"];
    const id = ctx.ids.uuid();
    const record: ConnectionRecord = { connection: { id, name: body.name, type: body.type }, credential: {} };
    const url = startOAuth2(ctx, record, body.connectionCallback);
    if (url === undefined) record.credential = checkCredential(p, id, body);
    p.connections.set(id, record);
    return url === undefined ? record.connection : { ...record.connection, url };
  },
  getConnection: (ctx) => connectionOf(projectFor(ctx), ctx.params["connectionId"]!).connection,
  updateConnection: (ctx) => {
    const p = projectFor(ctx);
    const record = connectionOf(p, ctx.params["connectionId"]!);
    const body = ctx.body as S["ConnectionRequest"];
    record.credential = checkCredential(p, record.connection.id, body);
    record.connection = { ...record.connection, name: body.name, type: body.type };
    return record.connection;
  },
  deleteConnection: (ctx: HandlerContext) => {
    const p = projectFor(ctx);
    connectionOf(p, ctx.params["connectionId"]!);
    p.connections.delete(ctx.params["connectionId"]!);
  },
  // A live connection answered its detail with `type` alone (spec/EVIDENCE.md: ConnectionDetail).
  getConnectionDetail: (ctx) => ({ type: connectionOf(projectFor(ctx), ctx.params["connectionId"]!).connection.type }),

  createCatalog: (ctx) => {
    const p = projectFor(ctx);
    const body = ctx.body as S["CatalogCreateRequest"];
    const connectionRecord = connectionOf(p, body.connectionId);
    if (connectionRecord.oauthState) throw badRequest(`Connection ${body.connectionId} waits for its OAuth2 consent; complete it first`);
    const connection = connectionRecord.connection;
    if ([...p.catalogs.values()].some((c) => c.catalog.name === body.name)) throw badRequest("A catalog with this name already exists.");
    const id = ctx.ids.numeric();
    const catalog: S["Catalog"] = { id, name: body.name, displayName: body.name, catalogType: connection.type, connectionId: connection.id };
    p.catalogs.set(id, { catalog, schemas: new Map() });
    return catalog;
  },
  deleteCatalog: (ctx) => {
    const p = projectFor(ctx);
    const record = catalogOf(p, ctx.params["catalogId"]!);
    if (!record.catalog.connectionId) throw badRequest(`The built-in catalog ${record.catalog.name} cannot be deleted`);
    p.catalogs.delete(record.catalog.id);
    for (const [id, c] of p.caches) if (c.cache.catalogId === record.catalog.id) p.caches.delete(id);
  },
};
