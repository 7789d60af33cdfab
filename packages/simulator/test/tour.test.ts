// Every modelled operation answers with success at least once here, through the operation functions
// of @peaka/api (named by operationId), and every answer fits the spec (checked after the test).
import * as api from "@peaka/api";
import { expect, it } from "vitest";
import { simulator } from "./support.js";

it("calls every modelled operation once with a 2xx answer", async () => {
  const sim = simulator({ jobs: { staleReads: 0 } });
  const core = api.createPeakaCore({ fetch: sim.fetch, apiKey: sim.partnerKey, maxRetries: 0 });
  const call = (operationId: string, args: Record<string, unknown> = {}) => (api as unknown as Record<string, (c: unknown, a: unknown) => Promise<any>>)[operationId]!(core, args);
  const { organizationId, workspaceId, projectId, catalogId, queryId } = sim.seeded;
  const table = { projectId, catalogId, schemaName: "public", tableName: "orders" };

  await call("getKeyInfo");
  await call("listOrganizations");
  await call("getOrganization", { organizationId });
  await call("listWorkspaces", { organizationId });
  const ws = await call("createWorkspace", { organizationId, body: { name: "tour" } });
  await call("getWorkspace", { organizationId, workspaceId: ws.id });
  await call("updateWorkspace", { organizationId, workspaceId: ws.id, body: { name: "tour 2" } });
  await call("listProjects", { organizationId, workspaceId });
  const p = await call("createProject", { organizationId, workspaceId: ws.id, body: { name: "tour" } });
  await call("getProject", { organizationId, workspaceId: ws.id, projectId: p.id });
  await call("updateProject", { organizationId, workspaceId: ws.id, projectId: p.id, body: { name: "tour 2" } });
  await call("deleteProject", { organizationId, workspaceId: ws.id, projectId: p.id });
  await call("deleteWorkspace", { organizationId, workspaceId: ws.id });
  await call("listLegacyProjects");
  const legacy = await call("createLegacyProject", { body: { name: "legacy" } });
  await call("getLegacyProject", { projectId: legacy.id });
  await call("updateLegacyProject", { projectId: legacy.id, body: { name: "legacy 2" } });
  await call("deleteLegacyProject", { projectId: legacy.id });
  const key = await call("createApiKey", { projectId, body: { name: "tour" } });
  await call("listApiKeys", { projectId });
  await call("deleteApiKey", { projectId, apiKeyId: key.apiKeyId });

  await call("listConnections", { projectId });
  const conn = await call("createConnection", { projectId, body: { name: "tour", type: "mysql", credential: { host: "h" } } });
  await call("getConnection", { projectId, connectionId: conn.id });
  await call("getConnectionDetail", { projectId, connectionId: conn.id });
  await call("updateConnection", { projectId, connectionId: conn.id, body: { name: "tour 2", type: "mysql", credential: { host: "h2" } } });
  const made = await call("createCatalog", { projectId, body: { name: "tour", connectionId: conn.id } });
  await call("deleteCatalog", { projectId, catalogId: made.id });
  await call("deleteConnection", { projectId, connectionId: conn.id });

  await call("listInternalTables", { projectId });
  await call("createInternalTable", { projectId, tableName: "tour" });
  await call("listInternalTableColumns", { projectId, tableName: "tour" });
  await call("addInternalTableColumns", { projectId, tableName: "tour", body: [{ name: "n", dataType: "BIGINT" }] });
  await call("updateInternalTableColumn", { projectId, tableName: "tour", columnName: "n", body: { name: "m", dataType: "BIGINT" } });
  await call("deleteInternalTableColumn", { projectId, tableName: "tour", columnName: "m" });
  await call("deleteInternalTable", { projectId, tableName: "tour" });

  await call("listCatalogs", { projectId });
  await call("getCatalog", { projectId, catalogId });
  await call("listCatalogSchemas", { projectId, catalogId });
  await call("listCatalogTables", { projectId, catalogId, schemaName: "public" });
  await call("listCatalogColumns", table);
  await call("getCatalogTableCacheState", table);
  await call("searchCatalogs", { projectId, body: { query: "ord" } });

  await call("listQueries", { projectId });
  await call("getQuery", { projectId, queryId });
  const q = await call("createQuery", { projectId, body: { displayName: "Tour", inputQuery: "SELECT 1", queryType: "MATERIALIZED", schedule: { type: "none" } } });
  await call("updateQuery", { projectId, queryId: q.id, body: { displayName: "Tour 2" } });
  await call("refreshMaterializedQuery", { projectId, queryId: q.id });
  await call("getMaterializedQueryStatus", { projectId, queryId: q.id });
  await call("listMaterializedQueryStatuses", { projectId });
  await call("cancelMaterializedQueryRefresh", { projectId, queryId: q.id });
  await call("moveQuery", { projectId, queryId: q.id, body: { path: "/reports" } });
  const folder = await call("createQueryFolder", { projectId, body: { folderName: "tour" } });
  const child = await call("createChildQueryFolder", { projectId, folderId: folder.id, body: { folderName: "inner" } });
  await call("updateQueryFolderQueries", { projectId, folderId: child.id, body: { queryIdsAdded: [q.id], queryIdsRemoved: [] } });
  await call("getQueryFolder", { projectId, folderId: folder.id });
  await call("getQueryFolderTree", { projectId, includeQueries: true });
  await call("listQueryFolders", { projectId });
  await call("renameQueryFolder", { projectId, folderId: child.id, body: { name: "inner2" } });
  await call("moveQueryFolder", { projectId, folderId: child.id, body: { path: "/inner3" } });
  await call("deleteQueryFolder", { projectId, folderId: child.id, force: true });
  await call("deleteQueryFolder", { projectId, folderId: folder.id });
  const q2 = await call("createQuery", { projectId, body: { displayName: "Tour three", inputQuery: "SELECT 1" } });
  await call("deleteQuery", { projectId, queryId: q2.id });

  await call("getMetadataRefreshStatus", { projectId, catalogId });
  await call("refreshMetadata", { projectId, body: { catalogId } });

  const cache = await call("createCache", { projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
  const cacheId = cache.id;
  await call("getCacheSettings", { projectId, cacheId });
  await call("updateCacheSettings", { projectId, cacheId, body: { fullRefreshCacheSchedule: { type: "NONE" } } });
  await call("getCacheStatus", { projectId, cacheId });
  await call("listCacheStatusesByProject", { projectId });
  await call("listCacheStatusesByCatalog", { projectId, catalogId });
  await call("listCacheStatusesBySchema", { projectId, catalogId, schemaName: "public" });
  await call("cancelCacheFullRefresh", { projectId, cacheId });
  await call("triggerCacheFullRefresh", { projectId, cacheId });
  await call("triggerCacheIncrementalUpdate", { projectId, cacheId });
  await call("cancelCacheIncrementalUpdate", { projectId, cacheId });
  await call("listCacheExecutionHistory", { projectId, cacheId });
  sim.clock.advance(60_000);
  await call("getCacheStatus", { projectId, cacheId });
  await call("deleteCache", { projectId, cacheId });

  const job = await call("exportTable", { ...table, body: { format: "JSONL" } });
  await call("cancelExport", { projectId, exportId: job.id });
  const done = await call("exportTable", { ...table, body: { compression: "GZIP" } });
  sim.clock.advance(60_000);
  await call("getExport", { projectId, exportId: done.id });
  await call("listExports", { projectId, status: "SUCCEEDED,CANCELLED" });

  await call("executeQuery", { projectId, body: { statement: "SELECT count(*) FROM \"shop\".\"public\".\"orders\"" } });
  await call("exportQuery", { projectId, queryId, body: {} });
  await call("transpileSql", { dialect: "mysql", body: { query: "SELECT 1" } });

  const succeeded = new Set(sim.requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.operationId));
  expect(sim.modelled.filter((id) => !succeeded.has(id))).toEqual([]);
});
