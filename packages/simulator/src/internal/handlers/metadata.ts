// Metadata refresh jobs, in the lower-case kebab spelling a live Peaka sends (spec/EVIDENCE.md): a
// catalog never refreshed reports `not-active`; a triggered job stays `not-active` while queued
// (`metadataQueuedMs`), is `active` for `metadataRunMs`, then `completed`.
import type { components } from "@peaka/api-types";
import { badRequest } from "../http.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { catalogOf, projectFor } from "./data.js";

type S = components["schemas"];

function stateAt(ctx: HandlerContext, queuedAt: number | undefined): S["MetadataRefreshStatus"] {
  if (queuedAt === undefined) return "not-active";
  const now = ctx.clock.now();
  const started = queuedAt + ctx.options.metadataQueuedMs;
  if (now < started) return "not-active";
  return now < started + ctx.options.metadataRunMs ? "active" : "completed";
}

export const metadataHandlers: HandlerTable = {
  refreshMetadata: (ctx) => {
    const p = projectFor(ctx);
    const body = (ctx.body ?? {}) as S["MetadataRefreshRequest"];
    if (body.catalogId === undefined) throw badRequest("Invalid request body: field 'catalogId' is required");
    catalogOf(p, body.catalogId);
    p.metadataRefreshes.set(body.catalogId, ctx.clock.now());
    return {};
  },
  getMetadataRefreshStatus: (ctx) => {
    const p = projectFor(ctx);
    const catalogId = ctx.params["catalogId"]!;
    catalogOf(p, catalogId);
    return { status: stateAt(ctx, p.metadataRefreshes.get(catalogId)) };
  },
};
