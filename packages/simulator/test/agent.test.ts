// The agent: a scripted chat whose top-customers answer carries SQL and the rows computed from the
// seeded shop, a fixed answer to anything else, threads that keep the conversation, and the event
// stream read through @peaka/api's own stream reader.
import { PeakaNotFoundError } from "@peaka/api";
import { runSql } from "@peaka/api/sql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { moduleLoader, resetSqlModules } from "../src/internal/engine.js";
import { clientOf, simulator } from "./support.js";

afterEach(() => {
  vi.restoreAllMocks();
  resetSqlModules();
});

const THREAD = "5c0f8e2a-3b71-4d96-a4e8-1f27b9c6d305";

/** The top customers of the seeded shop by the sum of their orders that were not cancelled, counted here from the raw rows. */
function expectedTop(sim: ReturnType<typeof simulator>, n: number) {
  const tables = sim.world.projects.get(sim.seeded.projectId)!.catalogs.get(sim.seeded.catalogId)!.schemas.get("public")!;
  const byCustomer: Record<number, number> = {};
  for (const o of tables.get("orders")!.rows()) if (o["status"] !== "cancelled") byCustomer[o["customer_id"] as number] = (byCustomer[o["customer_id"] as number] ?? 0) + (o["total"] as number);
  const names = new Map(tables.get("customers")!.rows().map((c) => [c["customer_id"] as number, c["name"] as string]));
  return Object.entries(byCustomer)
    .map(([id, total]) => ({ customer_id: Number(id), name: names.get(Number(id))!, total_spent: Math.round(total * 100) / 100 }))
    .sort((a, b) => b.total_spent - a.total_spent || a.customer_id - b.customer_id)
    .slice(0, n);
}

const lastClass = (m: { id: string[] }) => m.id.at(-1);

describe("chat", () => {
  it("answers a top-customers question with SQL over the shop and the rows it returns, as a LangChain AIMessage", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const { result } = await peaka.agent.chat({ projectId: sim.seeded.projectId, body: { message: "Who are our top 3 customers?", threadId: THREAD } });
    expect(result.userIntentReasoning).toBe("TEXT_TO_SQL");
    expect(result.currentGeneratedQuery).toContain('FROM "shop"."public"."customers" c JOIN "shop"."public"."orders" o');
    expect(result.currentGeneratedQuery).toMatch(/LIMIT 3$/);
    expect(result.tableNames).toEqual(["shop.public.customers", "shop.public.orders"]);
    expect(result.goldSQLs?.[0]?.question).toBe("Who are our top customers by total spent?");
    const rows = expectedTop(sim, 3);
    expect(rows).toHaveLength(3);
    expect(result.currentQueryResult).toEqual(rows);
    expect(result.messages?.map(lastClass)).toEqual(["HumanMessage", "AIMessage"]);
    const reply = JSON.parse(result.messages![1]!.kwargs.content as string);
    expect(reply.data).toEqual(rows);
    expect(reply.summary).toContain(`${rows[0]!.name} (${rows[0]!.total_spent.toFixed(2)})`);
  });

  it("runs its SQL on the SQL engine, and counts the same rows itself where the engine cannot load", async () => {
    const sim = simulator();
    expect(await sim.ready()).toEqual({ sql: true });
    const ask = async () => (await clientOf(sim).agent.chat({ projectId: sim.seeded.projectId, body: { message: "top 5 customers" } })).result;
    const withEngine = await ask();
    // The statement the agent wrote, run through executeQuery, gives the rows the agent answered.
    const { rows } = await runSql(clientOf(sim), sim.seeded.projectId, withEngine.currentGeneratedQuery!);
    expect(rows.map((r) => r["name"])).toEqual((withEngine.currentQueryResult as Array<{ name: string }>).map((r) => r.name));
    vi.spyOn(moduleLoader, "importModule").mockRejectedValue(Object.assign(new Error("Cannot find package '@duckdb/node-api'"), { code: "ERR_MODULE_NOT_FOUND" }));
    resetSqlModules();
    const without = await ask();
    expect(without.currentQueryError).toBeNull();
    expect(without.currentQueryResult).toEqual(withEngine.currentQueryResult);
    expect(without.currentQueryResult).toEqual(expectedTop(sim, 5));
  });

  it("writes the SQL without running it under noExecute, and gives a fixed honest answer to other questions", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const dry = (await peaka.agent.chat({ projectId, body: { message: "which customers spent the most?", noExecute: true } })).result;
    expect(dry.currentGeneratedQuery).toMatch(/LIMIT 5$/);
    expect(dry.currentQueryResult).toBeUndefined();
    expect(JSON.parse(dry.messages![1]!.kwargs.content as string).data).toEqual([]);
    const other = (await peaka.agent.chat({ projectId, body: { message: "How many orders shipped to Germany?" } })).result;
    expect(other.userIntentReasoning).toBe("USER_INTENT_NOT_CLEAR");
    expect(other.currentGeneratedQuery).toBeNull();
    expect(JSON.parse(other.messages![1]!.kwargs.content as string).summary).toMatch(/scripted agent.*not answered/);
    // Each chat without a thread id started a thread of its own.
    expect((await peaka.agent.listThreads({ projectId })).threads).toHaveLength(2);
  });

  it("says it cannot compute the top customers when the tables are switched off for AI", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const { projectId, catalogId } = sim.seeded;
    await peaka.metadata.updateTable({ projectId, catalogId, schemaName: "public", tableName: "orders", body: { useWithAI: false } });
    const { result } = await peaka.agent.chat({ projectId, body: { message: "top customers please" } });
    expect(result.currentGeneratedQuery).toBeNull();
    expect(JSON.parse(result.messages![1]!.kwargs.content as string).summary).toMatch(/no customers and orders tables that the agent may use/);
  });
});

describe("threads", () => {
  it("keep the conversation; list, read, rename and delete them", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    expect(await peaka.agent.listThreads({ projectId })).toEqual({ threads: [] });
    await peaka.agent.chat({ projectId, body: { message: "Who are the top 2 customers?", threadId: THREAD } });
    await peaka.agent.chat({ projectId, body: { message: "And what is the weather?", threadId: THREAD } });
    expect(await peaka.agent.listThreads({ projectId })).toEqual({ threads: [{ threadId: THREAD, displayName: "Who are the top 2 customers?", projectId }] });
    const detail = await peaka.agent.getThread({ projectId, threadId: THREAD });
    expect(detail.result.values?.messages?.map((m) => [lastClass(m), typeof m.kwargs.content])).toEqual([
      ["HumanMessage", "string"],
      ["AIMessage", "string"],
      ["HumanMessage", "string"],
      ["AIMessage", "string"],
    ]);
    expect(detail.result.values?.messages?.[2]?.kwargs.content).toBe("And what is the weather?");
    expect(await peaka.agent.updateThread({ projectId, threadId: THREAD, body: { displayName: "Top two" } })).toEqual({ threadId: THREAD, displayName: "Top two", projectId });
    expect(await peaka.agent.deleteThread({ projectId, threadId: THREAD })).toEqual({ threadId: THREAD, deleted: true });
    await expect(peaka.agent.getThread({ projectId, threadId: THREAD })).rejects.toBeInstanceOf(PeakaNotFoundError);
    await expect(peaka.agent.deleteThread({ projectId, threadId: THREAD })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });
});

describe("the event stream", () => {
  it("sends one SSE event per step and mode, read by @peaka/api; the message pieces join into the reply", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const stream = await peaka.agent.stream({ projectId, body: { message: "Top 4 customers?", threadId: THREAD, streamModes: ["updates", "messages", "values"] } });
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream");
    const events: Array<{ event: string | undefined; data: Record<string, any> }> = [];
    for await (const e of stream) events.push({ event: e.event, data: e.data });
    const updates = events.filter((e) => e.event === "updates").map((e) => Object.keys(e.data)[0]);
    expect(updates).toEqual(["classify-intent", "find-tables", "generate-query", "execute-query", "answer"]);
    expect(events.filter((e) => e.event === "values")).toHaveLength(5);
    const pieces = events.filter((e) => e.event === "messages");
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.data).toEqual({ type: "AIMessageChunk", content: expect.any(String) });
    const joined = pieces.map((p) => p.data["content"]).join("");
    const final = events.filter((e) => e.event === "values").at(-1)!.data;
    expect(final["messages"].at(-1).kwargs.content).toBe(joined);
    expect(JSON.parse(joined).data).toEqual(expectedTop(sim, 4));
    expect(events.find((e) => e.event === "updates" && "execute-query" in e.data)!.data["execute-query"].currentQueryResult).toEqual(expectedTop(sim, 4));
    // The turn is stored in the thread like a blocking chat's.
    expect((await peaka.agent.getThread({ projectId, threadId: THREAD })).result.values?.messages?.at(-1)?.kwargs.content).toBe(joined);
  });

  it("sends only `messages` events when no mode is asked for, framed as the spec shows", async () => {
    const sim = simulator();
    const res = await sim.fetch(`${sim.baseUrl}/ai-agent/${sim.seeded.projectId}/chat/stream`, {
      method: "POST",
      headers: { authorization: `Bearer ${sim.projectKey}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "hello" }),
    });
    const text = await res.text();
    const frames = text.split("\n\n").filter(Boolean);
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) expect(f).toMatch(/^event: messages\ndata: \{"type":"AIMessageChunk","content":".*"\}$/);
    expect(text.endsWith("\n\n")).toBe(true);
  });

  it("serves a PNG as the workflow image", async () => {
    const sim = simulator();
    const blob = await clientOf(sim).agent.getWorkflowImage();
    const bytes = new Uint8Array(await (blob as Blob).arrayBuffer());
    expect([...bytes.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
