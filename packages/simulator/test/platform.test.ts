// Connectors and OAuth2, embedded sessions, driver strings, table statistics, sharing, semantic
// catalogs, parametric tables, batch caches; and the partner-only operations refused to a project key.
import { PeakaBadRequestError, PeakaNotFoundError, PeakaPermissionDeniedError } from "@peaka/api";
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { describe, expect, it } from "vitest";
import { clientOf, simulator } from "./support.js";

describe("connectors", () => {
  it("lists five configurations; an OAuth2 connection answers a consent URL and is usable once completed with its state", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const configs = await peaka.connections.listConfigs();
    expect(configs.map((c) => [c.connectionType, c.redirectRequired])).toEqual([["postgresql", false], ["mysql", false], ["stripe", false], ["salesforce", true], ["google_analytics", true]]);
    expect(await peaka.connections.getConfig({ connectionType: "stripe" })).toEqual(configs[2]);
    await expect(peaka.connections.getConfig({ connectionType: "nope" })).rejects.toBeInstanceOf(PeakaNotFoundError);

    const created = await peaka.connections.create({ projectId, body: { name: "crm", type: "salesforce", connectionCallback: "https://app.example.com/cb" } });
    const consent = new URL(created.url!);
    expect(consent.hostname).toMatch(/(^|\.)example\.com$/);
    expect(consent.searchParams.get("redirect_uri")).toBe("https://app.example.com/cb");
    const state = consent.searchParams.get("state")!;
    await expect(peaka.catalogs.create({ projectId, body: { name: "crm", connectionId: created.id } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(peaka.connections.completeOAuth2({ projectId, body: { queryParameters: "code=x&state=wrong" } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(peaka.connections.completeOAuth2({ projectId, body: { queryParameters: `error=access_denied&state=${state}` } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    expect(await peaka.connections.completeOAuth2({ projectId, body: { queryParameters: `?code=x&state=${state}` } })).toEqual({ id: created.id, name: "crm", type: "salesforce" });
    expect(await peaka.catalogs.create({ projectId, body: { name: "crm", connectionId: created.id } })).toMatchObject({ catalogType: "salesforce" });
    // The state is used up.
    await expect(peaka.connections.completeOAuth2({ projectId, body: { queryParameters: `code=x&state=${state}` } })).rejects.toBeInstanceOf(PeakaBadRequestError);
  });
});

describe("embedded sessions and drivers", () => {
  it("open a session for a project the key may use; the driver strings carry the calling key", async () => {
    const sim = simulator();
    const partner = clientOf(sim);
    const project = clientOf(sim, sim.projectKey);
    const projectId = sim.seeded.projectId;
    const session = await partner.embedded.createSession({ body: { projectId, sessionMode: "FULL_STUDIO", timeoutInSeconds: 900 } });
    expect(session.sessionUrl).toMatch(/^https:\/\/partner\.peaka\.studio\/api\/v1\/ui\/session\?code=[0-9a-f]{64}$/);
    expect(session.partnerOrigin).toBe("https://partner.peaka.studio/");
    expect((await project.embedded.createSession({ body: {} })).sessionUrl).not.toBe(session.sessionUrl);
    expect((await project.embedded.getSession({ projectId })).sessionUrl).toContain("/ui/session?code=");
    await expect(partner.embedded.createSession({ body: {} })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(partner.embedded.getSession({ projectId: "nope1234" })).rejects.toBeInstanceOf(PeakaNotFoundError);
    const other = await partner.projects.create({ organizationId: sim.seeded.organizationId, workspaceId: sim.seeded.workspaceId, body: { name: "other" } });
    await expect(project.embedded.createSession({ body: { projectId: other.id } })).rejects.toBeInstanceOf(PeakaPermissionDeniedError);

    expect(await project.drivers.getJdbc()).toEqual({ JDBC: `jdbc:peaka://dbc.peaka.studio:4567/?extraCredentials=peakaKey:${sim.projectKey}` });
    expect((await partner.drivers.getJdbc()).JDBC).toContain(sim.partnerKey);
    expect((await project.drivers.getSqlAlchemy({ catalogName: "shop" })).SQL_ALCHEMY).toBe(`peaka://dbc.peaka.studio:4567/shop?http_scheme=https&extra_credential=[["peakaKey","${sim.projectKey}"]]&access_token=true`);
    expect((await project.drivers.getAll()).SQL_ALCHEMY).toContain("/{catalogName}?");
  });
});

describe("catalog features", () => {
  it("statistics count distinct values PostgreSQL style; a Stripe catalog answers 400 with errorCode 100", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const { projectId, catalogId } = sim.seeded;
    const stats = await peaka.catalogs.getTableStatistics({ projectId, catalogId, schemaName: "public", tableName: "orders" });
    const byColumn = Object.fromEntries(stats.columnStatistics!.map((c) => [c.columnName, c.distinctFraction]));
    expect(byColumn["order_id"]).toBe(-1);
    expect(byColumn["status"]).toBe(5);
    expect(byColumn["customer_id"]).toBeLessThan(-0.1);
    const conn = await peaka.connections.create({ projectId, body: { name: "pay", type: "stripe", credential: { token: "t" } } });
    const stripe = await peaka.catalogs.create({ projectId, body: { name: "pay", connectionId: conn.id } });
    await expect(peaka.catalogs.getTableStatistics({ projectId, catalogId: stripe.id, schemaName: "public", tableName: "charges" })).rejects.toMatchObject({ status: 400, errorCode: 100, message: expect.stringContaining("Catalog type: stripe is not being supported yet") });
  });

  it("a shared catalog shows in the target project under a new id with the same tables; a project key cannot share elsewhere", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const { projectId, catalogId, organizationId, workspaceId } = sim.seeded;
    const target = await peaka.projects.create({ organizationId, workspaceId, body: { name: "target" } });
    const { sharedCatalogId } = await peaka.catalogs.share({ projectId, catalogId, body: { targetProjectId: target.id } });
    expect(sharedCatalogId).toMatch(/^\d{18}$/);
    expect(sharedCatalogId).not.toBe(catalogId);
    expect((await peaka.catalogs.listTables({ projectId: target.id, catalogId: sharedCatalogId, schemaName: "public" })).map((t) => t.tableName)).toEqual(["customers", "orders", "order_items"]);
    await expect(peaka.catalogs.share({ projectId, catalogId, body: { targetProjectId: target.id } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(clientOf(sim, sim.projectKey).catalogs.share({ projectId, catalogId, body: { targetProjectId: target.id } })).rejects.toBeInstanceOf(PeakaPermissionDeniedError);
  });

  it("semantic catalogs hold tables named after saved queries, deleted by table id, and can be shared", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const { projectId, queryId, organizationId, workspaceId } = sim.seeded;
    const catalog = await peaka.semanticCatalogs.create({ projectId, body: { name: "model" } });
    expect(catalog).toEqual({ id: expect.stringMatching(/^\d{18}$/), name: "model", displayName: "model", type: "SEMANTIC" });
    await expect(peaka.semanticCatalogs.create({ projectId, body: { name: "model" } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    const table = await peaka.semanticCatalogs.createTable({ projectId, catalogId: catalog.id, body: { schemaName: "finance", tableName: "paid", queryId } });
    expect(table).toEqual({ tableId: expect.stringMatching(/^\d{18}$/), catalogId: catalog.id, catalogName: "model", schemaName: "finance", tableName: "paid" });
    expect((await peaka.catalogs.listTables({ projectId, catalogId: catalog.id, schemaName: "finance" })).map((t) => t.tableName)).toEqual(["paid"]);
    expect(await peaka.catalogs.listColumns({ projectId, catalogId: catalog.id, schemaName: "finance", tableName: "paid" })).toEqual([]);
    await expect(peaka.semanticCatalogs.createTable({ projectId, catalogId: catalog.id, body: { schemaName: "finance", tableName: "x", queryId: "1" } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(peaka.semanticCatalogs.createTable({ projectId, catalogId: sim.seeded.catalogId, body: { schemaName: "finance", tableName: "x", queryId } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    const target = await peaka.projects.create({ organizationId, workspaceId, body: { name: "target" } });
    await peaka.semanticCatalogs.share({ projectId, catalogId: catalog.id, body: { target: target.id } });
    expect((await peaka.catalogs.list({ projectId: target.id })).map((c) => c.name)).toContain("model");
    await peaka.semanticCatalogs.deleteTable({ projectId, catalogId: catalog.id, tableId: table.tableId });
    expect(await peaka.catalogs.listSchemas({ projectId, catalogId: catalog.id })).toEqual([]);
    await expect(peaka.semanticCatalogs.deleteTable({ projectId, catalogId: catalog.id, tableId: table.tableId })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });

  it("a parametric table reads its source table under the new name until deleted; a taken name answers 400", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const { projectId, catalogId } = sim.seeded;
    const body = { fromSchema: "public", fromTable: "orders", toSchema: "reports", toTable: "recent_orders", paramValues: [{ key: "_q_since", value: "@today-30d" }] };
    expect(await peaka.parametricTables.create({ projectId, catalogId, body })).toEqual(body);
    expect(await peaka.parametricTables.list({ projectId, catalogId })).toEqual([body]);
    const columns = await peaka.catalogs.listColumns({ projectId, catalogId, schemaName: "reports", tableName: "recent_orders" });
    expect(columns).toEqual(await peaka.catalogs.listColumns({ projectId, catalogId, schemaName: "public", tableName: "orders" }));
    await expect(peaka.parametricTables.create({ projectId, catalogId, body })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(peaka.parametricTables.create({ projectId, catalogId, body: { ...body, fromTable: "nope", toTable: "x" } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await peaka.parametricTables.delete({ projectId, catalogId, toSchema: "reports", toTable: "recent_orders" });
    expect(await peaka.parametricTables.list({ projectId, catalogId })).toEqual([]);
    expect((await peaka.catalogs.listSchemas({ projectId, catalogId })).map((s) => s.schemaName)).toEqual(["public"]);
    await expect(peaka.parametricTables.delete({ projectId, catalogId, toSchema: "reports", toTable: "recent_orders" })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });

  it("a batch of caches answers one result per entry, in order, a failing entry with its error", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const { projectId, catalogId } = sim.seeded;
    const results = await peaka.cache.createBatch({ projectId, body: [{ catalogId, schemaName: "public", tableName: "orders" }, { catalogId, schemaName: "public", tableName: "nope" }] });
    expect(results).toEqual([
      { success: true, error: null, cache: expect.objectContaining({ tableName: "orders", projectId }) },
      { success: false, error: expect.stringContaining("nope"), cache: null },
    ]);
    expect((await peaka.cache.getStatus({ projectId, cacheId: results[0]!.cache!.id })).status).toBe("RUNNING");
  });
});

describe("keys", () => {
  it("every partner-only operation of the spec answers 403 to a project key", async () => {
    const sim = simulator();
    const partnerOnly = listOperations(loadSpec()).filter((op) => JSON.stringify(op.operation["x-peaka-key-types"]) === '["partner"]');
    expect(partnerOnly.length).toBe(20);
    for (const op of partnerOnly) {
      const path = op.path.replace("{projectId}", sim.seeded.projectId).replace("{organizationId}", sim.seeded.organizationId).replace("{workspaceId}", sim.seeded.workspaceId).replace(/\{[^}]+\}/g, "x");
      const res = await sim.fetch(`${sim.baseUrl}${path}`, { method: op.method.toUpperCase(), headers: { authorization: `Bearer ${sim.projectKey}`, "content-type": "application/json" }, ...(op.method === "get" || op.method === "delete" ? {} : { body: "{}" }) });
      expect(res.status, `${op.method} ${op.path}`).toBe(403);
    }
  });
});
