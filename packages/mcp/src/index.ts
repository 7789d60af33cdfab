// @peaka/mcp: the MCP server for the Peaka API, as a library (the `peaka-mcp` command is cli.ts).
export { createPeakaMcpServer, connectPeaka, selectTools, toolSelectors, DEFAULTS } from "./server.js";
export type { PeakaMcpServerOptions, PeakaConnection } from "./server.js";
export { startHttpServer } from "./http.js";
export type { PeakaMcpHttpOptions, PeakaMcpHttpServer } from "./http.js";
export { isReadOnlySql } from "./safety.js";
export { findDeno } from "./code-mode.js";
export type { SafetyFlags } from "./safety.js";
export type { OperationEntry, Safety, JsonSchema } from "./catalog.js";
export type { ToolDefinition, ToolContext, ResultLimits } from "./tools/types.js";
export { VERSION } from "./version.js";
