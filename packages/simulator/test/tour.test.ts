// Every operation of the spec is called here at least once with a valid request, through the operation
// functions of @peaka/api (named by operationId), and answers with success; every answer is checked
// against the spec with the strict validator of the answer fixtures (support.ts, after the test, and
// here for the answers the simulator marks as its own). No operation may answer 501 except those
// listed in NOT_SIMULATED.
import * as api from "@peaka/api";
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { expect, it } from "vitest";
import { invalidAnswers, simulator } from "./support.js";

/** The operations allowed to answer 501, each with the reason: none since the SQL engine came. */
const NOT_SIMULATED: Record<string, string> = {};

it("calls every operation of the spec with a valid request and gets a 2xx answer that fits the spec", async () => {
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

  await tourOfTheRest(sim, call);

  const all = listOperations(loadSpec()).map((op) => op.operationId);
  expect(all).toHaveLength(138);
  const succeeded = new Set(sim.requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.operationId));
  expect(all.filter((id) => !succeeded.has(id) && !(id in NOT_SIMULATED))).toEqual([]);
  expect(sim.requests.filter((r) => r.status === 501).map((r) => r.operationId).sort()).toEqual(Object.keys(NOT_SIMULATED).sort());
  expect(sim.modelled.filter((id) => id in NOT_SIMULATED)).toEqual([]);
  // A 2xx answer the simulator marked as its own would escape the check after the test: check them all here.
  expect(invalidAnswers(sim.requests.filter((r) => r.status < 300).map((r) => ({ ...r, simulated: undefined })))).toEqual([]);
});

type Call = (operationId: string, args?: Record<string, unknown>) => Promise<any>;

/** The operations added after the first tour: metadata, agent, BI tables, CSV import and the rest. */
async function tourOfTheRest(sim: ReturnType<typeof simulator>, call: Call): Promise<void> {
  const { projectId, catalogId, queryId, connectionId } = sim.seeded;
  const table = { projectId, catalogId, schemaName: "public", tableName: "orders" };

  await call("listConnectionConfigs");
  await call("getConnectionConfig", { connectionType: "postgresql" });
  const oauth = await call("createConnection", { projectId, body: { name: "crm", type: "salesforce" } });
  const state = new URL(oauth.url).searchParams.get("state");
  await call("completeConnectionOAuth2", { projectId, body: { queryParameters: `code=abc&state=${state}` } });
  expect(connectionId).toBeTruthy();

  await call("getCatalogTableStatistics", table);
  const other = await call("createProject", { organizationId: sim.seeded.organizationId, workspaceId: sim.seeded.workspaceId, body: { name: "other" } });
  await call("shareCatalog", { projectId, catalogId, body: { targetProjectId: other.id } });
  await call("createCacheBatch", { projectId, body: [{ catalogId, schemaName: "public", tableName: "customers" }] });
  await call("createParametricTable", { projectId, catalogId, body: { fromSchema: "public", fromTable: "orders", toSchema: "public", toTable: "orders_fixed", paramValues: [{ key: "_q_since", value: "@today-30d" }] } });
  await call("listParametricTables", { projectId, catalogId });
  await call("deleteParametricTable", { projectId, catalogId, toSchema: "public", toTable: "orders_fixed" });

  const semantic = await call("createSemanticCatalog", { projectId, body: { name: "model" } });
  const semanticTable = await call("createSemanticTable", { projectId, catalogId: semantic.id, body: { schemaName: "finance", tableName: "paid", queryId } });
  await call("shareSemanticCatalog", { projectId, catalogId: semantic.id, body: { target: other.id } });
  await call("deleteSemanticTable", { projectId, catalogId: semantic.id, tableId: semanticTable.tableId });

  await call("createBiTable", { projectId, tableName: "page_views" });
  await call("listBiTables", { projectId });
  await call("addBiTableColumns", { projectId, tableName: "pageviews", body: [{ name: "page_path", dataType: "VARCHAR" }] });
  await call("listBiTableColumns", { projectId, tableName: "pageviews" });
  await call("updateBiTableColumn", { projectId, tableName: "pageviews", columnName: "pagepath", body: { name: "path", dataType: "VARCHAR", displayName: "Path" } });
  await call("deleteBiTableColumn", { projectId, tableName: "pageviews", columnName: "path" });
  await call("deleteBiTable", { projectId, tableName: "pageviews" });

  await call("createInternalTable", { projectId, tableName: "leads" });
  await call("addInternalTableColumns", { projectId, tableName: "leads", body: [{ name: "score", dataType: "BIGINT" }] });
  await call("getInternalTableCsvSample", { projectId, tableName: "leads" });
  await call("importInternalTableCsv", { projectId, tableName: "leads", body: { file: "text,score\nhello,3\n", request: { containsHeader: true, mappings: [{ name: "text", csvColumnName: "text" }, { name: "score", csvColumnIndex: 1 }] } } });

  await call("getProjectMetadata", { projectId });
  await call("searchMetadataTables", { projectId, table: "customer orders", topK: "2" });
  await call("listMetadataRelations", { projectId, catalogId });
  await call("addMetadataRelation", { ...table, tableName: "order_items", columnNameOrRelationId: "order_item_id", body: { targetCatalogId: catalogId, targetSchemaName: "public", targetTableName: "orders", targetColumnName: "order_id", type: "ONE_TO_ONE" } });
  const { relations } = await call("listMetadataRelations", { projectId, catalogId });
  const added = relations.find((r: { sourceColumnName: string }) => r.sourceColumnName === "order_item_id");
  await call("updateMetadataRelation", { ...table, tableName: "order_items", columnNameOrRelationId: added.id, body: { type: "MANY_TO_ONE" } });
  await call("deleteMetadataRelation", { ...table, tableName: "order_items", columnNameOrRelationId: added.id });
  await call("generateMetadataCategoricalValues", { ...table, tableName: "customers", columnName: "country", body: { limit: 10 } });
  await call("deleteMetadataCategoricalValues", { ...table, tableName: "customers", columnName: "country" });
  await call("createMetadataGoldenSql", { projectId, body: { prompt: "Paid orders", sql: "SELECT * FROM orders WHERE paid_at IS NOT NULL" } });
  const golden = await call("listMetadataGoldenSqls", { projectId });
  await call("searchMetadataGoldenSqls", { projectId, q: "paid orders" });
  await call("deleteMetadataGoldenSql", { projectId, id: golden.result.at(-1).id });
  await call("generateMetadataSampleQuestions", { projectId, question: "customers" });
  await call("generateMetadataSemantics", { ...table, body: {} });
  await call("registerMetadataRefreshCallback", { projectId, body: { callbackURL: "https://hooks.example.com/peaka", callbackToken: "t" } });
  await call("getMetadataRefreshCallback", { projectId });
  await call("unregisterMetadataRefreshCallback", { projectId });
  await call("updateMetadataCatalogAiUsage", { projectId, catalogId, body: { useWithAI: true } });
  await call("updateMetadataSchemaAiUsage", { projectId, catalogId, schemaName: "public", body: { useWithAI: true } });
  await call("updateMetadataTable", { ...table, body: { tableDescription: "Orders.", columns: [{ columnName: "status", columnDescription: "State." }] } });

  const threadId = "5c0f8e2a-3b71-4d96-a4e8-1f27b9c6d305";
  await call("chatWithAgent", { projectId, body: { message: "Who are the top 3 customers?", threadId } });
  const stream = await call("streamAgentChat", { projectId, body: { message: "And the top 2 customers?", threadId, streamModes: ["updates", "values", "debug", "messages"] } });
  for await (const event of stream) expect(event.data).toBeTypeOf("object");
  await call("listAgentThreads", { projectId });
  await call("getAgentThread", { projectId, threadId });
  await call("updateAgentThread", { projectId, threadId, body: { displayName: "Top customers" } });
  await call("deleteAgentThread", { projectId, threadId });
  await call("getAgentWorkflowImage");

  await call("getEmbeddedSession", { projectId });
  await call("createEmbeddedSession", { body: { projectId, sessionMode: "FULL_STUDIO" } });
  await call("getSupportedDrivers", { catalogName: "shop" });
  await call("getJdbcDriver");
  await call("getSqlAlchemyDriver", { catalogName: "shop" });
}
