// Materialized query refreshes. A query that never ran reports COMPLETED with null times; a refresh is
// RUNNING for `materializedRunMs`, then COMPLETED; cancelled, it is CANCELED (one L, unlike caches).
// After a trigger the next `staleReads` status reads still show the previous state (spec:
// MaterializedQueryRefreshStatus), so only a changed `lastExecutionStartTime` tells the new run.
import type { components } from "@peaka/api-types";
import { badRequest, notFound } from "../http.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor } from "./data.js";

type S = components["schemas"];

export interface MaterializedRun {
  startMs: number;
  endsAt: number;
  canceledAt?: number;
}

export interface MaterializedState {
  runs: MaterializedRun[];
  staleReads: number;
}

function stateOf(p: ProjectRecord, queryId: string): { query: S["SavedQuery"]; state: MaterializedState } {
  const query = p.queries.get(queryId);
  if (!query) throw notFound(`No saved query with id ${queryId}.`);
  if (query.queryType !== "MATERIALIZED") throw badRequest(`Query ${queryId} is not a materialized query`);
  let state = p.materialized.get(queryId);
  if (!state) p.materialized.set(queryId, (state = { runs: [], staleReads: 0 }));
  return { query, state };
}

function statusOf(ctx: HandlerContext, query: S["SavedQuery"], state: MaterializedState, read: boolean): S["MaterializedQueryStatus"] {
  let index = state.runs.length - 1;
  if (read && state.staleReads > 0) {
    state.staleReads--;
    index--;
  }
  const run = state.runs[index];
  const now = ctx.clock.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const schedule = query.schedule ? { type: query.schedule.type, repeatDuration: query.schedule.repeatDuration ?? null, cronExpression: query.schedule.cronExpression ?? null, timezone: query.schedule.timezone ?? null } : null;
  const base = { queryId: query.id, queryName: query.name, scheduleSettings: schedule, nextExecutionStartTime: null };
  if (!run) return { ...base, status: "COMPLETED", lastExecutionStartTime: null, lastUpdateTime: null };
  if (run.canceledAt !== undefined) return { ...base, status: "CANCELED", lastExecutionStartTime: iso(run.startMs), lastUpdateTime: iso(run.canceledAt) };
  const done = now >= run.endsAt;
  return { ...base, status: done ? "COMPLETED" : "RUNNING", lastExecutionStartTime: iso(run.startMs), lastUpdateTime: iso(done ? run.endsAt : run.startMs) };
}

const running = (ctx: HandlerContext, state: MaterializedState) => {
  const last = state.runs.at(-1);
  return last && last.canceledAt === undefined && ctx.clock.now() < last.endsAt ? last : undefined;
};

export const materializedHandlers: HandlerTable = {
  getMaterializedQueryStatus: (ctx) => {
    const { query, state } = stateOf(projectFor(ctx), ctx.params["queryId"]!);
    return statusOf(ctx, query, state, true);
  },
  listMaterializedQueryStatuses: (ctx) => {
    const p = projectFor(ctx);
    return [...p.queries.values()].filter((q) => q.queryType === "MATERIALIZED").map((q) => statusOf(ctx, q, stateOf(p, q.id).state, false));
  },
  refreshMaterializedQuery: (ctx) => {
    const { state } = stateOf(projectFor(ctx), ctx.params["queryId"]!);
    const now = ctx.clock.now();
    state.runs.push({ startMs: now, endsAt: now + ctx.options.materializedRunMs });
    state.staleReads = ctx.options.staleReads;
  },
  cancelMaterializedQueryRefresh: (ctx) => {
    const { state } = stateOf(projectFor(ctx), ctx.params["queryId"]!);
    const run = running(ctx, state);
    if (!run) throw badRequest("No refresh of this query is in progress");
    run.canceledAt = ctx.clock.now();
    state.staleReads = 0;
  },
};
