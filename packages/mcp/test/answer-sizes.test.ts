// What each task tool's answer costs the model, measured on the simulator through the official MCP
// client and held under a budget (the README lists the budgets). A budget is what a typical call
// may take; the row cap and --max-result-chars bound the rest.
import { createPeakaClient } from "@peaka/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textOf } from "./support/harness.js";
import { answerBytes, connectSimulated, type Simulated } from "./support/simulated.js";

/** Budgets in bytes of answer content, per tool (a typical call on the sample shop). */
export const BUDGETS = {
  run_sql: 2048, // a page of 100 rows of two columns (the default row cap)
  run_saved_query: 6144, // the seeded query's SQL and a page of 50 orders of 6 columns
  browse: 768, // the three tables of a schema
  describe_table: 1536, // 6 columns, a relation, column statistics, cache state
  cache_status: 768, // one cache with its last run
  refresh_cache: 640, // the run that ended
  search_metadata: 640, // one table hit and one golden SQL
  ask_agent: 640, // an answer with its SQL
  export_result: 512, // one finished export with its file link
} as const;

const sizes: Record<string, number> = {};
let s: Simulated;
let ids: Simulated["sim"]["seeded"];

const AGENT_SQL = 'SELECT c.name, sum(o.total) AS revenue FROM "shop"."public"."orders" o JOIN "shop"."public"."customers" c USING (customer_id) GROUP BY 1 ORDER BY 2 DESC LIMIT 5';
/** An agent stream as Peaka sends it (LangGraph updates, then the final state). */
const AGENT_STREAM = [
  `event: updates\ndata: ${JSON.stringify({ find_tables: { tables: ["orders", "customers"] } })}\n\n`,
  `event: updates\ndata: ${JSON.stringify({ generate_sql: { currentGeneratedQuery: AGENT_SQL } })}\n\n`,
  `event: values\ndata: ${JSON.stringify({ currentGeneratedQuery: AGENT_SQL, messages: [{ id: ["langchain_core", "messages", "HumanMessage"], kwargs: { content: "Who are the top 5 customers by revenue?" } }, { id: ["langchain_core", "messages", "AIMessage"], kwargs: { content: "The top 5 customers by revenue are listed by the query below." } }] })}\n\n`,
].join("");

beforeAll(async () => {
  s = await connectSimulated({ allowWrites: true, heartbeatMs: 1000 }, {}, (fetch) => async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (/\/ai-agent\/[^/]+\/chat\/stream$/.test(url)) return new Response(AGENT_STREAM, { headers: { "content-type": "text/event-stream" } });
    return fetch(input, init);
  });
  ids = s.sim.seeded;
  // Recorded answers for what the simulator may not model: a metadata search hit.
  s.sim.fail("searchMetadataTables", {
    status: 200,
    times: Infinity,
    body: { result: [{ projectId: ids.projectId, catalogId: ids.catalogId, catalogQueryName: "shop", schemaName: "public", tableName: "orders", tableDescription: "One row per order.", columns: [{ columnName: "order_id", dataType: "bigint" }, { columnName: "total", dataType: "double" }] }] },
  });
  s.sim.fail("searchMetadataGoldenSqls", {
    status: 200,
    times: Infinity,
    body: { result: [{ question: "Revenue per customer?", sql: 'SELECT customer_id, sum(total) FROM "shop"."public"."orders" GROUP BY 1' }] },
  });
});
afterAll(async () => {
  console.log(`answer sizes on the simulator (bytes, budget): ${Object.entries(sizes).map(([tool, bytes]) => `${tool} ${bytes}/${BUDGETS[tool as keyof typeof BUDGETS]}`).join(", ")}`);
  await s?.close();
});

async function measure(tool: keyof typeof BUDGETS, args: Record<string, unknown>) {
  const r = await s.call(tool, args);
  expect(r.isError, textOf(r)).toBeFalsy();
  sizes[tool] = answerBytes(r);
  expect(sizes[tool], `${tool}: ${textOf(r).slice(0, 300)}`).toBeLessThan(BUDGETS[tool]);
  return r;
}

describe("every task tool's answer stays under its budget", () => {
  it("run_sql: a page of 100 rows", async () => {
    await measure("run_sql", { projectId: ids.projectId, statement: 'SELECT customer_id, country FROM "shop"."public"."customers"', offset: 0 });
  });
  it("run_saved_query: the seeded query's first page of 50 rows", async () => {
    await measure("run_saved_query", { projectId: ids.projectId, query: "Paid orders", offset: 0, maxRows: 50 });
  });
  it("browse: the shop's tables", async () => {
    await measure("browse", { projectId: ids.projectId, catalogId: ids.catalogId, schemaName: "public" });
  });
  it("describe_table: orders, with relations", async () => {
    s.sim.fail("listMetadataRelations", {
      status: 200,
      body: { relations: [{ id: "r1", projectId: ids.projectId, sourceCatalogName: "shop", sourceSchemaName: "public", sourceTableName: "orders", sourceColumnName: "customer_id", targetCatalogName: "shop", targetSchemaName: "public", targetTableName: "customers", targetColumnName: "customer_id", type: "MANY_TO_ONE" }] },
    });
    // Column statistics as Peaka counts them (distinct values, or minus their share past a tenth).
    const columnStatistics = [["order_id", -1], ["customer_id", 0.25], ["status", 4], ["total", -0.95], ["placed_at", -1], ["paid_at", -0.71]].map(([columnName, distinctFraction]) => ({ columnName, distinctFraction }));
    s.sim.fail("getCatalogTableStatistics", { status: 200, body: { catalogId: ids.catalogId, schemaName: "public", tableName: "orders", columnStatistics } });
    await measure("describe_table", { projectId: ids.projectId, catalogId: ids.catalogId, schemaName: "public", tableName: "orders" });
  });
  it("cache_status, refresh_cache and export_result: one cache, one run, one export", async () => {
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    const cache = await peaka.cache.create({ projectId: ids.projectId, body: { catalogId: ids.catalogId, schemaName: "public", tableName: "orders" } });
    s.sim.clock.advance(60_000);
    await measure("cache_status", { projectId: ids.projectId, cacheId: cache.id });
    const started = JSON.parse(textOf(await s.call("refresh_cache", { projectId: ids.projectId, cacheId: cache.id, wait: false })));
    s.sim.clock.advance(60_000);
    await measure("refresh_cache", { projectId: ids.projectId, cacheId: cache.id, continue: started.continue });
    const exported = JSON.parse(textOf(await s.call("export_result", { projectId: ids.projectId, catalogId: ids.catalogId, schemaName: "public", tableName: "orders", wait: false })));
    s.sim.clock.advance(60_000);
    await measure("export_result", { projectId: ids.projectId, exportId: exported.exportId });
  });
  it("search_metadata: one table hit", async () => {
    await measure("search_metadata", { projectId: ids.projectId, query: "orders" });
  });
  it("ask_agent: an answer with its SQL", async () => {
    const r = await measure("ask_agent", { projectId: ids.projectId, message: "Who are the top 5 customers by revenue?" });
    expect(JSON.parse(textOf(r)).sql).toBe(AGENT_SQL);
  });
});
