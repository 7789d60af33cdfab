// The operations the simulator answers from its state; every other operation of the spec answers 501.
import { cacheHandlers } from "./cache.js";
import { connectionHandlers } from "./connections.js";
import type { HandlerTable } from "./context.js";
import { dataHandlers } from "./data.js";
import { exportHandlers } from "./exports.js";
import { folderHandlers } from "./folders.js";
import { hierarchyHandlers } from "./hierarchy.js";
import { materializedHandlers } from "./materialized.js";
import { metadataHandlers } from "./metadata.js";
import { sqlHandlers } from "./sql.js";
import { tableHandlers } from "./tables.js";

export const handlers: HandlerTable = { ...hierarchyHandlers, ...dataHandlers, ...cacheHandlers, ...exportHandlers, ...materializedHandlers, ...metadataHandlers, ...connectionHandlers, ...folderHandlers, ...tableHandlers, ...sqlHandlers };
