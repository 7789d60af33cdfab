// The task tools on the simulator, through the official MCP client: dialect help (resource and
// prompt), describe_table with relations, search_metadata hits described in one more call, compact
// answers, and waits that keep a client alive and continue in a second call.
import { createPeakaClient } from "@peaka/api";
import { describe, expect, it } from "vitest";
import { DEFAULTS } from "../src/server.js";
import { textOf } from "./support/harness.js";
import { connectSimulated, simulatedPerTest, type Simulated } from "./support/simulated.js";

const simulated = simulatedPerTest();

describe("dialect help", () => {
  it("lists the SQL guide as a resource and reads it, with what this server's flags refuse", async () => {
    const s = await simulated();
    const { resources } = await s.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["peaka://guide/sql"]);
    const read = await s.client.readResource({ uri: "peaka://guide/sql" });
    const guide = (read.contents[0] as { text: string }).text;
    for (const topic of ['"catalog"."schema"."table"', "date_trunc", "from_iso8601_timestamp", "TRY_CAST", "offset: 0", "What is refused", "This server is read-only"]) {
      expect(guide, topic).toContain(topic);
    }
    const writes = await simulated({ allowWrites: true });
    const writeGuide = ((await writes.client.readResource({ uri: "peaka://guide/sql" })).contents[0] as { text: string }).text;
    expect(writeGuide).toContain("writes that only add");
    await expect(s.client.readResource({ uri: "peaka://guide/other" })).rejects.toThrow(/Unknown resource/);
  });

  it("offers a prompt that puts the guide before the question", async () => {
    const s = await simulated();
    const { prompts } = await s.client.listPrompts();
    expect(prompts.map((p) => [p.name, p.arguments?.map((a) => `${a.name}${a.required ? "!" : ""}`)])).toEqual([["peaka_sql", ["question!", "projectId"]]]);
    const prompt = await s.client.getPrompt({ name: "peaka_sql", arguments: { question: "top 5 customers by revenue", projectId: s.sim.seeded.projectId } });
    expect(prompt.messages[0]?.content).toMatchObject({ type: "resource", resource: { uri: "peaka://guide/sql" } });
    expect(prompt.messages[1]?.content).toMatchObject({ type: "text", text: expect.stringContaining(`in project ${s.sim.seeded.projectId}: top 5 customers by revenue`) });
    await expect(s.client.getPrompt({ name: "peaka_sql", arguments: {} })).rejects.toThrow(/needs a question/);
  });
});

/** A relation list as Peaka gives it (listMetadataRelations), for the seeded shop catalog. */
function shopRelations(s: Simulated) {
  const { projectId, catalogId } = s.sim.seeded;
  const link = (id: string, from: [string, string], to: [string, string]) => ({
    id,
    projectId,
    sourceCatalogId: catalogId,
    sourceCatalogName: "shop",
    sourceSchemaName: "public",
    sourceTableName: from[0],
    sourceColumnName: from[1],
    targetCatalogId: catalogId,
    targetCatalogName: "shop",
    targetSchemaName: "public",
    targetTableName: to[0],
    targetColumnName: to[1],
    type: "MANY_TO_ONE",
  });
  return {
    relations: [
      link("6a2d90f4-1c7e-4b35-9e08-d3f5a71c2b64", ["orders", "customer_id"], ["customers", "customer_id"]),
      link("0b5e3c1d-8f2a-4d67-b9e0-1a4c7f3e2d58", ["order_items", "order_id"], ["orders", "order_id"]),
    ],
  };
}

/** Makes the simulator answer an operation with a recorded answer, every time (whether or not it models it). */
function record(s: Simulated, operationId: string, body: unknown) {
  s.sim.fail(operationId, { status: 200, body, times: Infinity });
}

describe("describe_table", () => {
  it("gives the columns compactly, the table's SQL name and its relations both ways", async () => {
    const s = await simulated();
    record(s, "listMetadataRelations", shopRelations(s));
    const { projectId, catalogId } = s.sim.seeded;
    const r = await s.call("describe_table", { projectId, catalogId, schemaName: "public", tableName: "orders" });
    expect(r.isError, textOf(r)).toBeFalsy();
    const body = JSON.parse(textOf(r));
    expect(body.sqlName).toBe('"shop"."public"."orders"');
    expect(body.relations).toEqual([
      { column: "customer_id", references: '"shop"."public"."customers"."customer_id"', type: "MANY_TO_ONE" },
      { column: "order_id", referencedBy: '"shop"."public"."order_items"."order_id"', type: "MANY_TO_ONE" },
    ]);
    // Compact: no displayName that repeats the name, no nulls, no ids the call already gave.
    expect(body.columns[0]).toEqual({ name: "order_id", dataType: "bigint", isNotNull: true });
    expect(textOf(r)).not.toMatch(/displayName|null|"projectId"|"catalogId"/);
  });

  it("falls back to the project's metadata store for the relations", async () => {
    const s = await simulated();
    const { projectId, catalogId } = s.sim.seeded;
    s.sim.fail("listMetadataRelations", { status: 404, body: { message: "no relations here" }, times: Infinity });
    const entry = { id: "4c1e9a7d-2b6f-4e0a-8d35-97f0b2a6c118", content: "orders", metadata: { projectId, catalogId, schemaName: "public", tableName: "orders", relations: shopRelations(s).relations } };
    s.sim.fail("getProjectMetadata", { status: 200, body: { metadata: [entry] }, times: Infinity });
    const r = await s.call("describe_table", { projectId, catalogId, schemaName: "public", tableName: "customers" });
    expect(JSON.parse(textOf(r)).relations).toEqual([{ column: "customer_id", referencedBy: '"shop"."public"."orders"."customer_id"', type: "MANY_TO_ONE" }]);
  });
});

describe("search_metadata", () => {
  it("gives hits that describe_table takes as they are, in one more call", async () => {
    const s = await simulated();
    const { projectId, catalogId } = s.sim.seeded;
    record(s, "listMetadataRelations", shopRelations(s));
    record(s, "searchMetadataTables", {
      result: [
        {
          projectId,
          catalogId,
          catalogType: "postgresql",
          catalogQueryName: "shop",
          catalogDisplayName: "Shop",
          schemaName: "public",
          tableName: "orders",
          tableDescription: "One row per order.",
          isCacheable: true,
          isDynamicTable: false,
          useWithAI: true,
          columns: [
            { columnName: "order_id", columnDescription: null, dataType: "bigint", order: 1, isNotNull: true, isCategorical: false, sampleValues: [] },
            { columnName: "status", columnDescription: "Order state.", dataType: "varchar", order: 3, isNotNull: true, isCategorical: true, sampleValues: ["paid", "shipped"] },
          ],
        },
      ],
    });
    const found = await s.call("search_metadata", { projectId, query: "orders", kind: "tables" });
    const hit = JSON.parse(textOf(found)).tables[0];
    expect(hit).toEqual({ sqlName: '"shop"."public"."orders"', description: "One row per order.", columns: ["order_id bigint", "status varchar"], describe: { catalogId, schemaName: "public", tableName: "orders" } });
    const described = await s.call("describe_table", { projectId, ...hit.describe });
    expect(described.isError, textOf(described)).toBeFalsy();
    expect(JSON.parse(textOf(described)).relations).toHaveLength(2);
  });
});

describe("waits that keep the client alive", () => {
  it("refresh_cache sends progress at once and on its heartbeat, answers a continue token at its time limit, and the second call waits for the same run", async () => {
    const s = await simulated({ allowWrites: true, heartbeatMs: 50 });
    const { projectId, catalogId } = s.sim.seeded;
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
    s.sim.clock.advance(60_000); // the first run, started by creating the cache, ends
    const firstRun = (await peaka.cache.getStatus({ projectId, cacheId: cache.id })).lastFullRefreshCacheExecution?.id;
    const progress: string[] = [];
    // The simulator's clock stands still: the new run cannot end within this call.
    const first = await s.call("refresh_cache", { projectId, cacheId: cache.id, timeoutSeconds: 1 }, (p) => progress.push(p.message ?? ""));
    expect(first.isError, textOf(first)).toBeFalsy();
    const waiting = JSON.parse(textOf(first));
    expect(waiting).toMatchObject({ status: "STILL_RUNNING", waitedSeconds: 1, continue: expect.stringMatching(/^FULL_REFRESH:/) });
    expect(waiting.next).toContain(`continue: ${JSON.stringify(waiting.continue)}`);
    expect(progress[0]).toBe(`cache ${cache.id}: starting a full refresh`);
    // The heartbeat (50 ms here, 5 s by default) goes on while the status reads wait.
    expect(progress.some((m) => /starting a full refresh \(\d+ s\)$/.test(m))).toBe(true);
    const triggers = () => s.sim.requests.filter((r) => r.operationId === "triggerCacheFullRefresh").length;
    expect(triggers()).toBe(1);

    s.sim.clock.advance(60_000);
    const second = await s.call("refresh_cache", { projectId, cacheId: cache.id, continue: waiting.continue }, (p) => progress.push(p.message ?? ""));
    const done = JSON.parse(textOf(second));
    expect(done.status).toBe("COMPLETED");
    expect(done.run.status).toBe("COMPLETED");
    // The run the first call started, not the cache's first run.
    const runs = (await peaka.cache.listExecutionHistory({ projectId, cacheId: cache.id })).map((run) => run.id);
    expect(runs).toHaveLength(2);
    expect(done.run.id).toBe(runs.find((id) => id !== firstRun));
    expect(triggers()).toBe(1);
    expect(progress).toContain(`cache ${cache.id}: still waiting for the full refresh`);

    const bad = await s.call("refresh_cache", { projectId, cacheId: cache.id, continue: "tomorrow" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain("continue must be the token");
  });

  it("export_result answers its exportId at its time limit, and waits for that export when called with it", async () => {
    const s = await simulated({ heartbeatMs: 50 });
    const { projectId, catalogId } = s.sim.seeded;
    const progress: string[] = [];
    const first = await s.call("export_result", { projectId, catalogId, schemaName: "public", tableName: "customers", format: "JSONL", timeoutSeconds: 1 }, (p) => progress.push(p.message ?? ""));
    const waiting = JSON.parse(textOf(first));
    expect(waiting).toMatchObject({ status: "STILL_RUNNING", exportId: expect.any(String) });
    expect(progress[0]).toBe(`export ${waiting.exportId}: started`);
    s.sim.clock.advance(10_000);
    const second = await s.call("export_result", { projectId, exportId: waiting.exportId });
    const done = JSON.parse(textOf(second));
    expect(done).toMatchObject({ exportId: waiting.exportId, status: "SUCCEEDED" });
    expect(done.files).toHaveLength(1);
    expect(s.sim.requests.filter((r) => r.operationId === "exportTable")).toHaveLength(1);
  });
});

describe("cache_status", () => {
  it("leaves out nulls and action logs unless logs: true", async () => {
    const s = await simulated();
    const { projectId, catalogId } = s.sim.seeded;
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
    const raw = await peaka.cache.getStatus({ projectId, cacheId: cache.id });
    const plain = await s.call("cache_status", { projectId, cacheId: cache.id });
    expect(textOf(plain)).not.toMatch(/null|cacheActionLogs|"projectId"/);
    expect(JSON.parse(textOf(plain)).id).toBe(raw.id);
    const list = await s.call("cache_status", { projectId });
    expect(textOf(list)).not.toMatch(/null|cacheActionLogs/);
    expect(textOf(list)).toContain(cache.id);
    // Logs as Peaka sends them when asked (the simulator keeps none): left out unless logs: true.
    const logged = { ...raw, cacheActionLogs: [{ action: "FULL_REFRESH", createdAt: "2026-01-05T09:00:00.000Z", message: "refresh started" }] };
    s.sim.fail("getCacheStatus", { status: 200, body: logged, times: 2 });
    expect(textOf(await s.call("cache_status", { projectId, cacheId: cache.id }))).not.toContain("refresh started");
    const logs = await s.call("cache_status", { projectId, cacheId: cache.id, logs: true });
    expect(s.sim.requests.at(-1)?.url).toContain("excludeLogs=false");
    expect(JSON.parse(textOf(logs)).cacheActionLogs).toEqual(logged.cacheActionLogs);
  });
});

describe("run_saved_query: finding and checking (running: simulator-sql.test.ts)", () => {
  it("refuses a saved query whose SQL is not a proven read on a read-only server, saying why, and sends nothing to run", async () => {
    const s = await simulated();
    const { projectId } = s.sim.seeded;
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    await peaka.queries.create({ projectId, body: { displayName: "Purge old orders", inputQuery: "DELETE FROM \"shop\".\"public\".\"orders\" WHERE placed_at < DATE '2020-01-01'" } });
    await peaka.queries.create({ projectId, body: { displayName: "Sneaky", inputQuery: "SELECT 1; DROP TABLE \"shop\".\"public\".\"orders\"" } });
    for (const name of ["purge old orders", "Sneaky"]) {
      const r = await s.call("run_saved_query", { projectId, query: name });
      expect(r.isError, name).toBe(true);
      expect(textOf(r)).toMatch(/Refused: run_saved_query runs only proven reads on this read-only server/);
    }
    expect(s.sim.requests.filter((r) => r.operationId === "executeQuery")).toEqual([]);
  });

  it("says which saved queries there are when none matches, and asks for an id when several do", async () => {
    const s = await simulated();
    const { projectId, queryId } = s.sim.seeded;
    const none = await s.call("run_saved_query", { projectId, query: "weekly revenue" });
    expect(none.isError).toBe(true);
    expect(textOf(none)).toContain(`No saved query has the id or name "weekly revenue". The project's saved queries (1):\n${queryId} "Paid orders"`);
    const peaka = createPeakaClient({ fetch: s.sim.fetch, apiKey: s.sim.partnerKey });
    await peaka.queries.create({ projectId, body: { displayName: "Paid orders", inputQuery: "SELECT 2", path: "/finance" } });
    const two = await s.call("run_saved_query", { projectId, query: "paid orders" });
    expect(textOf(two)).toMatch(/^2 saved queries are called "paid orders"; pass one's id:\n/);
    expect(textOf(two)).toContain(" in /finance");
  });
});

describe("waits: defaults and the other waiting tools", () => {
  it("waits 45 s by default (below a 60 s client timeout) and beats every 5 s", async () => {
    const s = await simulated({ allowWrites: true });
    const tools = (await s.client.listTools()).tools;
    for (const name of ["refresh_cache", "export_result"]) {
      expect((tools.find((t) => t.name === name)?.inputSchema.properties?.["timeoutSeconds"] as { default?: number }).default, name).toBe(45);
    }
    expect(DEFAULTS.heartbeatMs).toBe(5000);
  });

  it("run_sql beats while Peaka holds the answer", async () => {
    const s = await simulated({ heartbeatMs: 50 });
    s.sim.delay("executeQuery", { ms: 400 });
    const progress: string[] = [];
    const r = await s.call("run_sql", { projectId: s.sim.seeded.projectId, statement: "SELECT 1 AS one" }, (p) => progress.push(p.message ?? ""));
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(progress[0]).toBe("run_sql: running");
    expect(progress.some((m) => /^run_sql: running \(\d+ s\)$/.test(m))).toBe(true);
  });

  it("ask_agent says it is thinking before the first event", async () => {
    const progress: string[] = [];
    const s = await simulated({ heartbeatMs: 50 }, {}, (fetch) => async (input, init) => {
      if (!String(input instanceof Request ? input.url : input).endsWith("/chat/stream")) return fetch(input, init);
      await new Promise((r) => setTimeout(r, 300));
      return new Response(`event: values\ndata: ${JSON.stringify({ messages: [{ id: ["AIMessage"], kwargs: { content: "42" } }] })}\n\n`, { headers: { "content-type": "text/event-stream" } });
    });
    const r = await s.call("ask_agent", { projectId: s.sim.seeded.projectId, message: "?" }, (p) => progress.push(p.message ?? ""));
    expect(JSON.parse(textOf(r)).answer).toBe("42");
    expect(progress[0]).toBe("agent: thinking");
    expect(progress.some((m) => /^agent: thinking \(\d+ s\)$/.test(m))).toBe(true);
  });
});

describe("options", () => {
  it("refuses a heartbeat too short to be one", async () => {
    await expect(connectSimulated({ heartbeatMs: 0 })).rejects.toThrow("heartbeatMs must be a number of milliseconds of at least 10; got 0.");
  });
});

describe("on the simulator's own metadata (no recorded answers)", () => {
  it("a search_metadata hit is described in one more call, with the seeded relations both ways", async () => {
    const s = await simulated();
    const { projectId, catalogId } = s.sim.seeded;
    const found = await s.call("search_metadata", { projectId, query: "orders", kind: "tables", topK: 1 });
    expect(found.isError, textOf(found)).toBeFalsy();
    const [hit] = JSON.parse(textOf(found)).tables;
    expect(hit.sqlName).toBe('"shop"."public"."orders"');
    expect(hit.describe).toEqual({ catalogId, schemaName: "public", tableName: "orders" });
    const described = await s.call("describe_table", { projectId, ...hit.describe });
    expect(JSON.parse(textOf(described)).relations).toEqual([
      { column: "customer_id", references: '"shop"."public"."customers"."customer_id"', type: "MANY_TO_ONE" },
      { column: "order_id", referencedBy: '"shop"."public"."order_items"."order_id"', type: "MANY_TO_ONE" },
    ]);
  });
});
