// The AI agent, answering from a small deterministic script instead of a model. A question about the top
// customers (or the customers who spent the most) gets SQL over the project's customers and orders
// tables and, unless `noExecute`, the rows it returns: run on the SQL engine where it loads, else
// computed from the tables' rows as the SQL would; any other question gets a fixed answer saying what
// the script can do. Shapes follow spec/EVIDENCE.md (LK):
// the chat answer wraps the final state in `result`, messages are LangChain-serialized with the text in
// `kwargs.content` (a JSON string with `summary` and `data`), no thread id comes back, and a thread reads
// back as `{ result: { values } }`. The stream sends one server-sent event per step and mode.
import type { components } from "@peaka/api-types";
import { SqlUnavailableError, engineOf } from "../engine.js";
import { notFound, PeakaSimError, RawBody } from "../http.js";
import type { IdSource } from "../random.js";
import type { Row, SampleTable } from "../shop.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor } from "./data.js";
import { knowledgeOf, searchGoldenSqls } from "./knowledge.js";

type S = components["schemas"];
type State = S["AgentState"];

export interface AgentThreadRecord {
  thread: S["AgentThread"];
  state: State;
}

/** A turn of the script: the workflow steps with the state fields each changed, and the final state. */
interface Turn {
  steps: Array<[step: string, changed: Partial<State>]>;
  state: State;
  reply: string;
}

const TOP_CUSTOMERS = /\b(top|best|biggest|largest|most valuable)\b[\s\w-]*\bcustomers?\b|\bcustomers?\b[\s\w-]*\b(spent|spend|spending|paid|bought)\b[\s\w-]*\bmost\b/i;
const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
const DEFAULT_TOP = 5;
const MAX_TOP = 100;

/** How many customers the question asks for: `top 3`, `ten customers`, else five. */
function howMany(message: string): number {
  const m = /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b(?=[\s\w-]*\bcustomers?\b)/i.exec(message);
  if (!m) return DEFAULT_TOP;
  const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : NUMBER_WORDS.indexOf(m[1]!.toLowerCase());
  return Math.min(Math.max(n, 1), MAX_TOP);
}

function message(ids: IdSource, kind: "HumanMessage" | "AIMessage", content: string): S["AgentMessage"] {
  return { lc: 1, type: "constructor", id: ["langchain_core", "messages", kind], kwargs: { content, id: ids.uuid(), additional_kwargs: {}, response_metadata: {} } };
}

/** The project's customers and orders tables with the columns the script needs, if a catalog has both in one schema. */
function shopTables(p: ProjectRecord): { catalog: string; catalogId: string; schema: string; customers: SampleTable; orders: SampleTable } | undefined {
  const has = (t: SampleTable | undefined, columns: string[]) => t !== undefined && columns.every((c) => t.columns.some((x) => x.name === c));
  for (const c of p.catalogs.values()) {
    for (const [schema, tables] of c.schemas) {
      const customers = tables.get("customers");
      const orders = tables.get("orders");
      if (has(customers, ["customer_id", "name"]) && has(orders, ["customer_id", "total", "status"])) return { catalog: c.catalog.name, catalogId: c.catalog.id, schema, customers: customers!, orders: orders! };
    }
  }
  return undefined;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The rows of the top-customers SQL, computed from the tables' rows as the SQL would. */
export function topCustomers(customers: Row[], orders: Row[], limit: number): Array<{ customer_id: number; name: string; total_spent: number }> {
  const spent = new Map<number, number>();
  for (const o of orders) if (o["status"] !== "cancelled") spent.set(Number(o["customer_id"]), (spent.get(Number(o["customer_id"])) ?? 0) + Number(o["total"]));
  return customers
    .filter((c) => spent.has(Number(c["customer_id"])))
    .map((c) => ({ customer_id: Number(c["customer_id"]), name: String(c["name"]), total_spent: round2(spent.get(Number(c["customer_id"]))!) }))
    .sort((a, b) => b.total_spent - a.total_spent || a.customer_id - b.customer_id)
    .slice(0, limit);
}

/** What the script says to any question it has no script for. */
export const SCRIPT_ONLY_ANSWER =
  "This is the Peaka simulator's scripted agent, not a model: it answers questions about the top customers (for example \"Who are our top 5 customers?\") and nothing else. Your question was not answered.";

/** The rows of the script's SQL: from the SQL engine, or (where it cannot load) counted from the rows. */
async function execute(ctx: HandlerContext, p: ProjectRecord, sql: string, compute: () => Array<Record<string, unknown>>): Promise<{ rows: Array<Record<string, unknown>>; error: string | null }> {
  try {
    const result = await engineOf(ctx.world).run(p, sql);
    // The engine's result is column by column (values[column][row]).
    const rows = Array.from({ length: result.rowCount }, (_, row) =>
      Object.fromEntries(result.columns.map((c, i) => {
        const v = result.values[i]![row];
        return [c.name, typeof v === "bigint" ? Number(v) : v];
      })),
    );
    return { rows, error: null };
  } catch (error) {
    if (error instanceof SqlUnavailableError) return { rows: compute(), error: null };
    if (error instanceof PeakaSimError) return { rows: [], error: error.message };
    throw error;
  }
}

async function runTurn(ctx: HandlerContext, p: ProjectRecord, previous: S["AgentMessage"][], text: string, noExecute: boolean): Promise<Turn> {
  const human = message(ctx.ids, "HumanMessage", text);
  const base: State = { projectId: p.project.id, messages: [...previous, human], noExecute, userIntentReasoning: null, tableNames: [], currentGeneratedQuery: null, currentQueryError: null, invalidQuery: null, goldSQLs: [], currentQueryReasoning: null };
  const steps: Turn["steps"] = [];
  const finish = (summary: string, data: unknown[]): Turn => {
    const reply = JSON.stringify({ summary, data });
    const ai = message(ctx.ids, "AIMessage", reply);
    steps.push(["answer", { messages: [ai] }]);
    const state: State = { ...base };
    for (const [, changed] of steps) Object.assign(state, changed);
    state.messages = [...base.messages!, ai];
    return { steps, state, reply };
  };
  const shop = TOP_CUSTOMERS.test(text) ? shopTables(p) : undefined;
  const usable = shop && [shop.customers, shop.orders].every((t) => knowledgeOf(p, ctx.ids, { catalogId: shop.catalogId, schemaName: shop.schema, tableName: t.name }).useWithAI);
  if (!shop || !usable) {
    steps.push(["classify-intent", { userIntentReasoning: "USER_INTENT_NOT_CLEAR" }]);
    const why = TOP_CUSTOMERS.test(text) ? "This project has no customers and orders tables that the agent may use (useWithAI), so the top customers cannot be computed." : SCRIPT_ONLY_ANSWER;
    return finish(why, []);
  }
  const n = howMany(text);
  const q = (t: string) => `"${shop.catalog}"."${shop.schema}"."${t}"`;
  const sql = `SELECT c.customer_id, c.name, round(sum(o.total), 2) AS total_spent FROM ${q("customers")} c JOIN ${q("orders")} o ON o.customer_id = c.customer_id WHERE o.status <> 'cancelled' GROUP BY c.customer_id, c.name ORDER BY total_spent DESC, c.customer_id LIMIT ${n}`;
  steps.push(["classify-intent", { userIntentReasoning: "TEXT_TO_SQL" }]);
  steps.push(["find-tables", { tableNames: [`${shop.catalog}.${shop.schema}.customers`, `${shop.catalog}.${shop.schema}.orders`], goldSQLs: searchGoldenSqls(p, text).map((g) => ({ question: g.metadata.prompt, sql: g.metadata.sql })) }]);
  steps.push(["generate-query", { currentGeneratedQuery: sql, invalidQuery: false, currentQueryReasoning: `Summed the totals of each customer's orders that were not cancelled, joined on customer_id, and kept the ${n} largest.` }]);
  if (noExecute) return finish(`Here is the SQL for the top ${n} customers by total spent; it was not run (noExecute).`, []);
  const { rows, error } = await execute(ctx, p, sql, () => topCustomers(shop.customers.rows(), shop.orders.rows(), n));
  steps.push(["execute-query", { currentQueryResult: rows, currentQueryError: error }]);
  if (error !== null) return finish(`The SQL did not run: ${error}`, []);
  const list = rows.map((r) => `${String(r["name"])} (${Number(r["total_spent"]).toFixed(2)})`).join(", ");
  return finish(`The top ${rows.length} customers by total spent are ${list}.`, rows);
}

/** Runs a turn in the thread named by the request (a new thread when it names none or an unknown one). */
async function chat(ctx: HandlerContext): Promise<Turn> {
  const p = projectFor(ctx);
  const body = ctx.body as S["AgentChatStreamRequest"];
  const threadId = body.threadId ?? ctx.ids.uuid();
  const existing = p.agentThreads.get(threadId);
  const turn = await runTurn(ctx, p, existing?.state.messages ?? [], body.message, body.noExecute ?? false);
  const displayName = existing?.thread.displayName ?? (body.message.length > 60 ? `${body.message.slice(0, 57)}...` : body.message);
  p.agentThreads.set(threadId, { thread: { threadId, displayName, projectId: p.project.id }, state: turn.state });
  return turn;
}

/** The pieces the `messages` mode sends the reply in: a few words each; joined, they give the reply. */
function chunks(text: string): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 4) out.push(words.slice(i, i + 4).join(""));
  return out;
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function threadOf(p: ProjectRecord, id: string): AgentThreadRecord {
  const t = p.agentThreads.get(id);
  if (!t) throw notFound(`No agent thread with id ${id}.`);
  return t;
}

/** A small PNG (8x8, one colour) in place of Peaka's workflow diagram. */
const WORKFLOW_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR42mPQyr+NFTEMLQkAKqRdAbZgjH8AAAAASUVORK5CYII=";

export const agentHandlers: HandlerTable = {
  chatWithAgent: async (ctx) => ({ result: (await chat(ctx)).state }),
  streamAgentChat: async (ctx) => {
    const modes = new Set((ctx.body as S["AgentChatStreamRequest"]).streamModes ?? ["messages"]);
    const turn = await chat(ctx);
    const state: State = { ...turn.state, messages: turn.state.messages!.slice(0, -1) };
    let out = "";
    for (const [index, [step, changed]] of turn.steps.entries()) {
      if (step === "answer" && modes.has("messages")) for (const content of chunks(turn.reply)) out += frame("messages", { type: "AIMessageChunk", content });
      if (modes.has("updates")) out += frame("updates", { [step]: changed });
      Object.assign(state, step === "answer" ? { messages: turn.state.messages } : changed);
      if (modes.has("values")) out += frame("values", state);
      if (modes.has("debug")) out += frame("debug", { type: "task_result", step: index + 1, payload: { name: step, result: changed } });
    }
    return new RawBody(out, "text/event-stream", { "cache-control": "no-cache" });
  },
  listAgentThreads: (ctx) => ({ threads: [...projectFor(ctx).agentThreads.values()].map((t) => t.thread) }),
  getAgentThread: (ctx) => ({ result: { values: threadOf(projectFor(ctx), ctx.params["threadId"]!).state } }),
  updateAgentThread: (ctx) => {
    const t = threadOf(projectFor(ctx), ctx.params["threadId"]!);
    t.thread.displayName = (ctx.body as S["AgentThreadUpdate"]).displayName;
    return t.thread;
  },
  deleteAgentThread: (ctx) => {
    const p = projectFor(ctx);
    const t = threadOf(p, ctx.params["threadId"]!);
    p.agentThreads.delete(t.thread.threadId);
    return { threadId: t.thread.threadId, deleted: true };
  },
  getAgentWorkflowImage: () => new RawBody(Uint8Array.from(atob(WORKFLOW_PNG), (c) => c.charCodeAt(0)), "image/png"),
};
