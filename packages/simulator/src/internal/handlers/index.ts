// The operations the simulator answers from its state; every other operation of the spec answers 501.
import { agentHandlers } from "./agent.js";
import { biTableHandlers } from "./bitables.js";
import { cacheHandlers } from "./cache.js";
import { catalogTableHandlers } from "./catalog-tables.js";
import { connectionHandlers } from "./connections.js";
import type { HandlerTable } from "./context.js";
import { csvHandlers } from "./csv.js";
import { dataHandlers } from "./data.js";
import { exportHandlers } from "./exports.js";
import { folderHandlers } from "./folders.js";
import { hierarchyHandlers } from "./hierarchy.js";
import { knowledgeHandlers } from "./knowledge.js";
import { materializedHandlers } from "./materialized.js";
import { metadataHandlers } from "./metadata.js";
import { platformHandlers } from "./platform.js";
import { semanticHandlers } from "./semantic.js";
import { sqlHandlers } from "./sql.js";
import { tableHandlers } from "./tables.js";

export const handlers: HandlerTable = {
  ...hierarchyHandlers,
  ...dataHandlers,
  ...cacheHandlers,
  ...exportHandlers,
  ...materializedHandlers,
  ...metadataHandlers,
  ...connectionHandlers,
  ...folderHandlers,
  ...tableHandlers,
  ...biTableHandlers,
  ...csvHandlers,
  ...knowledgeHandlers,
  ...semanticHandlers,
  ...catalogTableHandlers,
  ...platformHandlers,
  ...agentHandlers,
  ...sqlHandlers,
};
