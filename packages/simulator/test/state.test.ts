// State that behaves like Peaka: what is created can be read, listed, updated and deleted, with ids
// shaped like Peaka's, and a fresh simulator holds the seeded shop project.
import { iterateCatalogSearch, PeakaBadRequestError, PeakaNotFoundError } from "@peaka/api";
import { describe, expect, it } from "vitest";
import { createPeakaSimulator } from "../src/index.js";
import { clientOf, simulator } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("the seeded world", () => {
  it("holds one organization, its default workspace and the shop project with three tables", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const [org] = await peaka.organizations.list();
    expect(org?.id).toMatch(UUID);
    const workspaces = await peaka.workspaces.list({ organizationId: org!.id });
    expect(workspaces).toEqual([expect.objectContaining({ id: sim.seeded.workspaceId, defaultWorkspace: true })]);
    const projects = await peaka.projects.list({ organizationId: org!.id, workspaceId: sim.seeded.workspaceId });
    expect(projects.map((p) => p.name)).toEqual(["shop"]);
    expect(projects[0]!.id).toMatch(/^[A-Za-z0-9]{8}$/);
    const projectId = sim.seeded.projectId;
    const catalogs = await peaka.catalogs.list({ projectId });
    expect(catalogs.map((c) => c.name).sort()).toEqual(["internal", "query", "shop"]);
    expect(sim.seeded.catalogId).toMatch(/^\d{18}$/);
    expect(await peaka.catalogs.listSchemas({ projectId, catalogId: sim.seeded.catalogId })).toEqual([{ catalogId: sim.seeded.catalogId, catalogName: "shop", schemaName: "public" }]);
    const tables = await peaka.catalogs.listTables({ projectId, catalogId: sim.seeded.catalogId, schemaName: "public" });
    expect(tables.map((t) => t.tableName)).toEqual(["customers", "orders", "order_items"]);
    const columns = await peaka.catalogs.listColumns({ projectId, catalogId: sim.seeded.catalogId, schemaName: "public", tableName: "orders" });
    expect(columns.map((c) => c.name)).toEqual(["order_id", "customer_id", "status", "total", "placed_at", "paid_at"]);
    await expect(peaka.catalogs.listColumns({ projectId, catalogId: sim.seeded.catalogId, schemaName: "public", tableName: "nope" })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });

  it("is the same for the same seed and differs for another seed", () => {
    const ids = (seed: number) => {
      const sim = createPeakaSimulator({ seed });
      return { ...sim.seeded, partnerKey: sim.partnerKey, rows: sim.world.projects.get(sim.seeded.projectId)!.catalogs.get(sim.seeded.catalogId)!.schemas.get("public")!.get("orders")!.rows().slice(0, 3) };
    };
    expect(ids(7)).toEqual(ids(7));
    expect(ids(7).projectId).not.toBe(ids(8).projectId);
    expect(ids(7).rows).not.toEqual(ids(8).rows);
    const orders = ids(7).rows;
    expect(orders[0]).toEqual({ order_id: 1, customer_id: expect.any(Number), status: expect.any(String), total: expect.any(Number), placed_at: expect.any(String), paid_at: expect.toBeOneOf([null, expect.any(String)]) });
  });
});

describe("organizations, workspaces and projects", () => {
  it("create, read, list, update and delete consistently", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const organizationId = sim.seeded.organizationId;
    const ws = await peaka.workspaces.create({ organizationId, body: { name: "Analytics" } });
    expect(ws.id).toMatch(UUID);
    expect(await peaka.workspaces.get({ organizationId, workspaceId: ws.id })).toMatchObject({ name: "Analytics", defaultWorkspace: false, createdAt: sim.clock.iso() });
    await peaka.workspaces.update({ organizationId, workspaceId: ws.id, body: { name: "BI" } });
    expect((await peaka.workspaces.list({ organizationId })).map((w) => w.name)).toEqual(["Default", "BI"]);

    const project = await peaka.projects.create({ organizationId, workspaceId: ws.id, body: { name: "dashboards" } });
    expect(project).toMatchObject({ name: "dashboards", workspaceId: ws.id });
    expect((await peaka.catalogs.list({ projectId: project.id })).map((c) => c.name)).toEqual(["internal", "query"]);
    await peaka.projects.update({ organizationId, workspaceId: ws.id, projectId: project.id, body: { name: "boards" } });
    expect((await peaka.legacyProjects.get({ projectId: project.id })).name).toBe("boards");
    await expect(peaka.workspaces.delete({ organizationId, workspaceId: ws.id })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await peaka.projects.delete({ organizationId, workspaceId: ws.id, projectId: project.id });
    await expect(peaka.legacyProjects.get({ projectId: project.id })).rejects.toBeInstanceOf(PeakaNotFoundError);
    await peaka.workspaces.delete({ organizationId, workspaceId: ws.id });
    await expect(peaka.workspaces.get({ organizationId, workspaceId: ws.id })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });

  it("puts a project made on the workspace-less route into the default workspace", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const p = await peaka.legacyProjects.create({ body: { name: "legacy", description: "old route" } });
    expect(p.workspaceId).toBe(sim.seeded.workspaceId);
    expect((await peaka.legacyProjects.list()).map((x) => x.name)).toEqual(["shop", "legacy"]);
  });
});

describe("catalog search", () => {
  it("finds catalogs, schemas and tables by name, ignoring case, one page of `limit` matches at a time", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const first = await peaka.catalogs.search({ projectId, body: { query: "O", limit: 3 } });
    expect(first).toEqual({
      matchedCatalogs: [{ catalog: "shop" }],
      matchedSchemas: [],
      matchedTables: [
        { catalog: "shop", schema: "public", table: "customers" },
        { catalog: "shop", schema: "public", table: "orders" },
      ],
      meta: { page: { limit: 3, offset: 0, nextOffset: 3 }, query: { text: "O" } },
    });
    const items: string[] = [];
    for await (const item of iterateCatalogSearch(peaka, { projectId, body: { query: "o" } }, { pageSize: 2 })) items.push(`${item.kind}:${item.match.table ?? item.match.catalog}`);
    expect(items).toEqual(["catalog:shop", "table:customers", "table:orders", "table:order_items"]);
    const scoped = await peaka.catalogs.search({ projectId, body: { query: "order", catalog: "shop", schema: "public" } });
    expect(scoped.matchedTables.map((m) => m.table)).toEqual(["orders", "order_items"]);
    expect(scoped.meta.page.nextOffset).toBeNull();
  });
});

describe("saved queries", () => {
  it("create, read, list, update and delete, with the SQL name derived from the display name", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const q = await peaka.queries.create({ projectId, body: { displayName: "Weekly revenue", inputQuery: "SELECT 1" } });
    expect(q).toMatchObject({ name: "weeklyrevenue", queryType: "PLAIN", id: expect.stringMatching(/^\d{18}$/) });
    await expect(peaka.queries.create({ projectId, body: { displayName: "Weekly Revenue", inputQuery: "SELECT 2" } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await peaka.queries.update({ projectId, queryId: q.id, body: { inputQuery: "SELECT 3" } });
    await peaka.queries.move({ projectId, queryId: q.id, body: { path: "/reports/weekly" } });
    expect((await peaka.queries.get({ projectId, queryId: q.id })).path).toBe("/reports/weekly");
    expect((await peaka.queries.get({ projectId, queryId: q.id })).inputQuery).toBe("SELECT 3");
    expect((await peaka.queries.list({ projectId })).map((x) => x.name)).toEqual(["paid_orders", "weeklyrevenue"]);
    await peaka.queries.delete({ projectId, queryId: q.id });
    await expect(peaka.queries.get({ projectId, queryId: q.id })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });
});

describe("query folders", () => {
  it("nest, hold queries, rename and move with everything below them, and refuse taken paths and non-empty deletes", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const finance = await peaka.queryFolders.create({ projectId, body: { folderName: "finance" } });
    expect(finance).toMatchObject({ name: "finance", path: "/finance", parentId: null, id: expect.stringMatching(UUID) });
    const weekly = await peaka.queryFolders.createChild({ projectId, folderId: finance.id, body: { folderName: "weekly" } });
    expect(weekly).toMatchObject({ path: "/finance/weekly", parentId: finance.id });
    await expect(peaka.queryFolders.create({ projectId, body: { folderName: "finance" } })).rejects.toMatchObject({ status: 409 });

    const filed = await peaka.queryFolders.updateQueries({ projectId, folderId: weekly.id, body: { queryIdsAdded: [sim.seeded.queryId], queryIdsRemoved: [] } });
    expect(filed.queries?.map((q) => q.id)).toEqual([sim.seeded.queryId]);
    expect((await peaka.queries.get({ projectId, queryId: sim.seeded.queryId })).path).toBe("/finance/weekly");
    const tree = await peaka.queryFolders.getTree({ projectId, includeQueries: true });
    expect(tree.tree).toMatchObject([{ name: "finance", queries: [], children: [{ name: "weekly", children: [], queries: [{ id: sim.seeded.queryId }] }] }]);
    expect((await peaka.queryFolders.getTree({ projectId, rootFolderId: weekly.id })).tree).toEqual([{ id: weekly.id, name: "weekly", path: "/finance/weekly", children: [] }]);

    const renamed = await peaka.queryFolders.rename({ projectId, folderId: finance.id, body: { name: "money" } });
    expect(renamed.path).toBe("/money");
    expect((await peaka.queryFolders.get({ projectId, folderId: weekly.id })).path).toBe("/money/weekly");
    expect((await peaka.queries.get({ projectId, queryId: sim.seeded.queryId })).path).toBe("/money/weekly");
    await expect(peaka.queryFolders.move({ projectId, folderId: renamed.id, body: { path: "/money/weekly/inside" } })).rejects.toMatchObject({ status: 409 });
    const moved = await peaka.queryFolders.move({ projectId, folderId: weekly.id, body: { path: "/weekly" } });
    expect(moved).toMatchObject({ path: "/weekly", parentId: null });
    expect((await peaka.queryFolders.list({ projectId })).items.map((f) => f.path).sort()).toEqual(["/money", "/weekly"]);

    await expect(peaka.queryFolders.delete({ projectId, folderId: weekly.id })).rejects.toMatchObject({ status: 409 });
    await peaka.queryFolders.delete({ projectId, folderId: weekly.id, force: true });
    await expect(peaka.queries.get({ projectId, queryId: sim.seeded.queryId })).rejects.toBeInstanceOf(PeakaNotFoundError);
    await peaka.queryFolders.delete({ projectId, folderId: renamed.id });
    expect((await peaka.queryFolders.list({ projectId })).items).toEqual([]);
  });
});

describe("Peaka Tables", () => {
  it("are created with system columns and `text`; columns keep their default, read back not-null and unique as false, and system columns stay", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const table = await peaka.tables.create({ projectId, tableName: "leads" });
    expect(table).toMatchObject({ catalogName: "peaka", schemaName: "table", tableName: "leads" });
    await expect(peaka.tables.create({ projectId, tableName: "leads" })).rejects.toMatchObject({ status: 400, errorCode: 100 });
    expect((await peaka.tables.listColumns({ projectId, tableName: "leads" })).map((c) => c.name)).toEqual(["_id", "_version", "_created_time", "text"]);
    const added = await peaka.tables.addColumns({ projectId, tableName: "leads", body: [{ name: "score", dataType: "BIGINT", defaultValue: "10", isNotNull: true, isUnique: true }] });
    expect(added).toEqual([expect.objectContaining({ name: "score", dataType: "bigint", defaultValue: "10", isNotNull: false, isUnique: false, desc: null })]);
    await expect(peaka.tables.addColumns({ projectId, tableName: "leads", body: [{ name: "doc", dataType: "JSON" as never }] })).rejects.toMatchObject({ status: 400 });
    const [updated] = await peaka.tables.updateColumn({ projectId, tableName: "leads", columnName: "score", body: { name: "points", dataType: "DECIMAL" } });
    expect(updated).toMatchObject({ name: "points", dataType: "decimal", id: added[0]!.id });
    await expect(peaka.tables.deleteColumn({ projectId, tableName: "leads", columnName: "_id" })).rejects.toMatchObject({ status: 400 });
    await peaka.tables.deleteColumn({ projectId, tableName: "leads", columnName: "points" });
    expect((await peaka.tables.listColumns({ projectId, tableName: "leads" })).map((c) => c.name)).toEqual(["_id", "_version", "_created_time", "text"]);
    expect((await peaka.tables.list({ projectId })).map((t) => t.tableName)).toEqual(["leads"]);
    await peaka.tables.delete({ projectId, tableName: "leads" });
    await expect(peaka.tables.listColumns({ projectId, tableName: "leads" })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });
});

describe("caches", () => {
  it("create, read settings, list statuses, update schedules and delete", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const { projectId, catalogId } = sim.seeded;
    const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
    expect(cache).toMatchObject({ id: expect.stringMatching(UUID), incrementalCacheSchedule: null, fullRefreshCacheSchedule: null, projectId });
    expect(await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } })).toEqual(cache);
    expect((await peaka.catalogs.getTableCacheState({ projectId, catalogId, schemaName: "public", tableName: "orders" })).isCached).toBe(true);
    const updated = await peaka.cache.updateSettings({ projectId, cacheId: cache.id, body: { incrementalCacheSchedule: { type: "BASIC", expression: "PT1H" } } });
    expect(updated.incrementalCacheSchedule).toEqual({ type: "BASIC", expression: "PT1H" });
    expect((await peaka.cache.listStatusesByProject({ projectId })).map((s) => s.id)).toEqual([cache.id]);
    expect(await peaka.cache.listStatusesBySchema({ projectId, catalogId, schemaName: "other" })).toEqual([]);
    await peaka.cache.delete({ projectId, cacheId: cache.id });
    const gone = await peaka.cache.getSettings({ projectId, cacheId: cache.id }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(PeakaBadRequestError);
    expect((gone as PeakaBadRequestError).message).toContain("Cache settings not found");
    await expect(peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "nope" } })).rejects.toBeInstanceOf(PeakaBadRequestError);
  });
});

describe("reset", () => {
  it("puts back the seeded state, forgets faults and empties the log; later ids follow a fresh simulator's", async () => {
    const sim = simulator();
    const fresh = createPeakaSimulator();
    const peaka = clientOf(sim);
    await peaka.legacyProjects.create({ body: { name: "scratch" } });
    await peaka.cache.create({ projectId: sim.seeded.projectId, body: { catalogId: sim.seeded.catalogId, schemaName: "public", tableName: "orders" } });
    sim.fail("listLegacyProjects", { status: 500, times: Infinity });
    sim.delay("listLegacyProjects", { ms: 60_000, times: Infinity });
    sim.reset();
    expect(sim.requests).toEqual([]);
    expect((await peaka.legacyProjects.list()).map((p) => p.name)).toEqual(["shop"]);
    expect(await peaka.cache.listStatusesByProject({ projectId: sim.seeded.projectId })).toEqual([]);
    const again = await peaka.legacyProjects.create({ body: { name: "x" } });
    const first = await clientOf(fresh).legacyProjects.create({ body: { name: "x" } });
    expect(again.id).toBe(first.id);
  });
});

describe("connections and catalogs", () => {
  it("create, read, list, update and delete connections; an empty credential is refused as Peaka refuses it", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    expect((await peaka.connections.list({ projectId })).map((c) => c.id)).toEqual([sim.seeded.connectionId]);
    const refused = await peaka.connections.create({ projectId, body: { name: "crm", type: "hubspot", credential: {} } }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, errorCode: "INVALID_CREDENTIALS" });
    const crm = await peaka.connections.create({ projectId, body: { name: "crm", type: "hubspot", credential: { accessToken: "t" } } });
    expect(crm).toEqual({ id: expect.stringMatching(UUID), name: "crm", type: "hubspot" });
    expect(await peaka.connections.getDetail({ projectId, connectionId: crm.id })).toEqual({ type: "hubspot" });
    await peaka.connections.update({ projectId, connectionId: crm.id, body: { name: "crm 2", type: "hubspot", credential: { accessToken: "u" } } });
    expect((await peaka.connections.get({ projectId, connectionId: crm.id })).name).toBe("crm 2");
    await peaka.connections.delete({ projectId, connectionId: crm.id });
    const gone = await peaka.connections.get({ projectId, connectionId: crm.id }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ status: 400, message: expect.stringContaining(`Connection ${crm.id} does not exist.`) });
  });

  it("make a catalog from a connection, refuse a duplicate name, delete it (never a built-in one)", async () => {
    const sim = simulator();
    const peaka = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const catalog = await peaka.catalogs.create({ projectId, body: { name: "shop_copy", connectionId: sim.seeded.connectionId } });
    expect(catalog).toMatchObject({ name: "shop_copy", catalogType: "postgresql", connectionId: sim.seeded.connectionId, id: expect.stringMatching(/^\d{18}$/) });
    expect(await peaka.catalogs.listSchemas({ projectId, catalogId: catalog.id })).toEqual([]);
    await expect(peaka.catalogs.create({ projectId, body: { name: "shop", connectionId: sim.seeded.connectionId } })).rejects.toMatchObject({ status: 400, errorCode: 100 });
    await expect(peaka.catalogs.create({ projectId, body: { name: "x", connectionId: "nope" } })).rejects.toMatchObject({ status: 400 });
    await peaka.catalogs.delete({ projectId, catalogId: catalog.id });
    await expect(peaka.catalogs.get({ projectId, catalogId: catalog.id })).rejects.toBeInstanceOf(PeakaNotFoundError);
    await expect(peaka.catalogs.delete({ projectId, catalogId: "1" })).rejects.toMatchObject({ status: 400 });
  });
});
