// The metadata Peaka AI works from: the seeded shop's descriptions and relations, filters and searches,
// relation and golden SQL changes, categorical values, AI usage, generated semantics and questions,
// and the refresh callback.
import { PeakaBadRequestError, PeakaNotFoundError } from "@peaka/api";
import { describe, expect, it } from "vitest";
import { clientOf, simulator } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function setup() {
  const sim = simulator();
  const peaka = clientOf(sim);
  const { projectId, catalogId } = sim.seeded;
  return { sim, peaka, projectId, catalogId, at: (tableName: string) => ({ projectId, catalogId, schemaName: "public", tableName }) };
}

describe("the seeded shop's metadata", () => {
  it("describes the three tables and their columns, with the shop's relations, keys and sample values", async () => {
    const { peaka, projectId, catalogId } = setup();
    const { metadata } = await peaka.metadata.get({ projectId, catalogId });
    expect(metadata.map((d) => d.metadata.tableName)).toEqual(["customers", "orders", "order_items"]);
    for (const d of metadata) {
      expect(d.id).toMatch(UUID);
      expect(d.metadata.tableDescription).toBeTruthy();
      expect(d.metadata.columns!.every((c) => c.columnDescription)).toBe(true);
    }
    const orders = metadata.find((d) => d.metadata.tableName === "orders")!;
    expect(orders.content).toContain("Table shop.public.orders: One row per order");
    expect(orders.metadata).toMatchObject({ projectId, catalogId, catalogType: "postgresql", catalogQueryName: "shop", schemaName: "public", useWithAI: true, isCacheable: true });
    expect(orders.metadata.columns!.map((c) => [c.columnName, c.order])).toEqual([["order_id", 0], ["customer_id", 1], ["status", 2], ["total", 3], ["placed_at", 4], ["paid_at", 5]]);
    expect(orders.metadata.columns![0]).toMatchObject({ isPrimary: true, isUnique: true, dataType: "bigint", sampleValues: [1, 2, 3] });
    const status = orders.metadata.columns!.find((c) => c.columnName === "status")!;
    expect(status.isCategorical).toBe(true);
    expect([...status.categoricalValues!].sort()).toEqual(["cancelled", "delivered", "paid", "placed", "shipped"]);
    expect(orders.metadata.relations).toEqual([
      expect.objectContaining({ id: expect.stringMatching(UUID), sourceTableName: "orders", sourceColumnName: "customer_id", targetTableName: "customers", targetColumnName: "customer_id", type: "MANY_TO_ONE" }),
    ]);
    const { relations } = await peaka.metadata.listRelations({ projectId, catalogId });
    expect(relations.map((r) => `${r.sourceTableName}.${r.sourceColumnName} -> ${r.targetTableName}.${r.targetColumnName}`)).toEqual(["orders.customer_id -> customers.customer_id", "order_items.order_id -> orders.order_id"]);
  });

  it("filters by catalog and schema; the ids of the documents stay the same", async () => {
    const { peaka, projectId, catalogId } = setup();
    const all = await peaka.metadata.get({ projectId });
    expect(all.metadata).toHaveLength(3);
    expect((await peaka.metadata.get({ projectId, catalogId, schemaName: "nope" })).metadata).toEqual([]);
    expect((await peaka.metadata.get({ projectId, catalogId: "1" })).metadata).toEqual([]);
    expect((await peaka.metadata.get({ projectId })).metadata.map((d) => d.id)).toEqual(all.metadata.map((d) => d.id));
  });

  it("finds tables by words of their names, descriptions and columns, best first, at most topK", async () => {
    const { peaka, projectId } = setup();
    const names = async (table: string, topK?: string) => (await peaka.metadata.searchTables({ projectId, table, ...(topK ? { topK } : {}) })).result.map((t) => t.tableName);
    expect((await names("customer"))[0]).toBe("customers");
    expect((await names("order lines product quantity"))[0]).toBe("order_items");
    expect(await names("customer", "1")).toEqual(["customers"]);
    expect(await names("zebra")).toEqual([]);
    await expect(names("customer", "two")).rejects.toBeInstanceOf(PeakaBadRequestError);
  });
});

describe("relations", () => {
  it("are added between existing columns, change type, and are deleted by id; duplicates and unknown columns are refused", async () => {
    const { peaka, projectId, catalogId, at } = setup();
    const body = { targetCatalogId: catalogId, targetSchemaName: "public", targetTableName: "customers", targetColumnName: "customer_id", type: "MANY_TO_ONE" as const };
    expect(await peaka.metadata.addRelation({ ...at("order_items"), columnNameOrRelationId: "order_item_id", body })).toEqual({});
    await expect(peaka.metadata.addRelation({ ...at("order_items"), columnNameOrRelationId: "order_item_id", body })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(peaka.metadata.addRelation({ ...at("order_items"), columnNameOrRelationId: "nope", body })).rejects.toBeInstanceOf(PeakaNotFoundError);
    await expect(peaka.metadata.addRelation({ ...at("order_items"), columnNameOrRelationId: "order_id", body: { ...body, targetColumnName: "nope" } })).rejects.toBeInstanceOf(PeakaNotFoundError);
    const added = (await peaka.metadata.listRelations({ projectId, catalogId })).relations.find((r) => r.sourceColumnName === "order_item_id")!;
    expect(added).toMatchObject({ projectId, sourceCatalogId: catalogId, sourceCatalogName: "shop", targetCatalogName: "shop", type: "MANY_TO_ONE" });
    await peaka.metadata.updateRelation({ ...at("order_items"), columnNameOrRelationId: added.id, body: { type: "ONE_TO_ONE" } });
    expect((await peaka.metadata.listRelations({ projectId, catalogId })).relations.find((r) => r.id === added.id)?.type).toBe("ONE_TO_ONE");
    // The path names the relation's own table: another table does not find it.
    await expect(peaka.metadata.deleteRelation({ ...at("orders"), columnNameOrRelationId: added.id })).rejects.toBeInstanceOf(PeakaNotFoundError);
    await peaka.metadata.deleteRelation({ ...at("order_items"), columnNameOrRelationId: added.id });
    expect((await peaka.metadata.listRelations({ projectId, catalogId })).relations).toHaveLength(2);
  });
});

describe("golden SQLs", () => {
  it("are listed with their ids, searched by meaning (word overlap), created and deleted", async () => {
    const { peaka, projectId } = setup();
    const seeded = (await peaka.metadata.listGoldenSqls({ projectId })).result;
    expect(seeded.map((g) => g.metadata.prompt)).toEqual(["Who are our top customers by total spent?", "How many orders were placed each month?"]);
    expect(seeded[0]).toMatchObject({ id: expect.stringMatching(UUID), content: seeded[0]!.metadata.prompt, metadata: { projectId, sql: expect.stringContaining('"shop"."public"."customers"') } });
    expect((await peaka.metadata.searchGoldenSqls({ projectId, q: "orders per month" })).result[0]).toEqual({ question: "How many orders were placed each month?", sql: seeded[1]!.metadata.sql });
    expect(await peaka.metadata.createGoldenSql({ projectId, body: { prompt: "Revenue by country", sql: "SELECT country, sum(total) FROM orders GROUP BY 1" } })).toEqual({});
    const after = (await peaka.metadata.listGoldenSqls({ projectId })).result;
    expect(after).toHaveLength(3);
    expect((await peaka.metadata.searchGoldenSqls({ projectId, q: "revenue country" })).result.map((g) => g.question)).toEqual(["Revenue by country"]);
    await peaka.metadata.deleteGoldenSql({ projectId, id: after[2]!.id });
    expect((await peaka.metadata.searchGoldenSqls({ projectId, q: "revenue country" })).result).toEqual([]);
    await expect(peaka.metadata.deleteGoldenSql({ projectId, id: after[2]!.id })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });
});

describe("table and column metadata", () => {
  it("categorical values are read from the rows, most frequent first, up to the limit, and cleared", async () => {
    const { sim, peaka, projectId, catalogId, at } = setup();
    await peaka.metadata.generateCategoricalValues({ ...at("customers"), columnName: "country", body: { limit: 3, frequency: "PT12H" } });
    const country = async () => (await peaka.metadata.get({ projectId, catalogId })).metadata.find((d) => d.metadata.tableName === "customers")!.metadata.columns!.find((c) => c.columnName === "country")!;
    const counts = new Map<string, number>();
    for (const r of sim.world.projects.get(projectId)!.catalogs.get(catalogId)!.schemas.get("public")!.get("customers")!.rows()) counts.set(r["country"] as string, (counts.get(r["country"] as string) ?? 0) + 1);
    const top3 = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 3).map(([c]) => c);
    expect(await country()).toMatchObject({ isCategorical: true, categoricalValues: top3 });
    await peaka.metadata.deleteCategoricalValues({ ...at("customers"), columnName: "country" });
    const cleared = await country();
    expect(cleared.isCategorical).toBe(false);
    expect(cleared.categoricalValues).toBeUndefined();
    await expect(peaka.metadata.generateCategoricalValues({ ...at("customers"), columnName: "nope", body: {} })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });

  it("a table's description, columns and AI usage change as sent; catalog and schema switches reach every table", async () => {
    const { peaka, projectId, catalogId, at } = setup();
    const tables = async () => (await peaka.metadata.get({ projectId, catalogId })).metadata.map((d) => d.metadata);
    await peaka.metadata.updateTable({ ...at("orders"), body: { tableDescription: "Orders, one per checkout.", columns: [{ columnName: "total", columnDescription: "Gross amount.", isCategorical: false }] } });
    const orders = (await tables()).find((t) => t.tableName === "orders")!;
    expect(orders.tableDescription).toBe("Orders, one per checkout.");
    expect(orders.columns!.find((c) => c.columnName === "total")!.columnDescription).toBe("Gross amount.");
    expect(orders.columns!.find((c) => c.columnName === "status")!.columnDescription).toMatch(/^Where the order stands/);
    await expect(peaka.metadata.updateTable({ ...at("orders"), body: { columns: [{ columnName: "nope" }] } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await peaka.metadata.updateCatalogAiUsage({ projectId, catalogId, body: { useWithAI: false } });
    expect((await tables()).map((t) => t.useWithAI)).toEqual([false, false, false]);
    await peaka.metadata.updateSchemaAiUsage({ projectId, catalogId, schemaName: "public", body: { useWithAI: true } });
    expect((await tables()).map((t) => t.useWithAI)).toEqual([true, true, true]);
    await peaka.metadata.updateTable({ ...at("customers"), body: { useWithAI: false } });
    expect((await tables()).map((t) => t.useWithAI)).toEqual([false, true, true]);
    await expect(peaka.metadata.updateSchemaAiUsage({ projectId, catalogId, schemaName: "nope", body: { useWithAI: true } })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });

  it("semantics generation fills only missing descriptions; sample questions follow the topic", async () => {
    const { peaka, projectId, at } = setup();
    await peaka.tables.create({ projectId, tableName: "leads" });
    await peaka.tables.addColumns({ projectId, tableName: "leads", body: [{ name: "lead_id", dataType: "BIGINT" }, { name: "signed_at", dataType: "TIMESTAMP" }] });
    const leads = { projectId, catalogId: "1", schemaName: "table", tableName: "leads" };
    const answer = (await peaka.metadata.generateSemantics({ ...leads, body: { threadId: "t-1" } })) as { metadata: { tableDescription: string; columns: Array<{ columnName: string; columnDescription: string }> }; threadId: string };
    expect(answer.threadId).toBe("t-1");
    expect(answer.metadata.tableDescription).toBeTruthy();
    const described = Object.fromEntries(answer.metadata.columns.map((c) => [c.columnName, c.columnDescription]));
    expect(described["lead_id"]).toBe("Identifier of the lead (bigint).");
    expect(described["signed_at"]).toBe("When the lead was signed (timestamp).");
    const orders = (await peaka.metadata.generateSemantics({ ...at("orders"), body: {} })) as { metadata: { tableDescription: string } };
    expect(orders.metadata.tableDescription).toMatch(/^One row per order/);

    const { questions, threadId } = (await peaka.metadata.generateSampleQuestions({ projectId, question: "order items" })) as { questions: Array<{ question: string; category: string }>; threadId: string };
    expect(threadId).toMatch(UUID);
    expect(questions.length).toBeGreaterThan(0);
    expect(questions.length).toBeLessThanOrEqual(5);
    expect(questions[0]!.question).toContain("order items");
    expect(questions.map((q) => q.category)).toEqual(expect.arrayContaining(["ranking", "aggregation", "count"]));
  });
});

describe("the refresh callback", () => {
  it("is null until registered, then read back, and gone once unregistered; a non-URL is refused", async () => {
    const { peaka, projectId } = setup();
    expect(await peaka.metadata.getRefreshCallback({ projectId })).toEqual({ callbackURL: null, callbackToken: null });
    await peaka.metadata.registerRefreshCallback({ projectId, body: { callbackURL: "https://hooks.example.com/peaka", callbackToken: "secret-1" } });
    expect(await peaka.metadata.getRefreshCallback({ projectId })).toEqual({ callbackURL: "https://hooks.example.com/peaka", callbackToken: "secret-1" });
    await expect(peaka.metadata.registerRefreshCallback({ projectId, body: { callbackURL: "not a url" } })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await peaka.metadata.unregisterRefreshCallback({ projectId });
    expect(await peaka.metadata.getRefreshCallback({ projectId })).toEqual({ callbackURL: null, callbackToken: null });
  });
});
