import pkg from "../package.json" with { type: "json" };

/** The version of @peaka/mcp, from its package.json (bundled into the build). */
export const VERSION: string = pkg.version;
