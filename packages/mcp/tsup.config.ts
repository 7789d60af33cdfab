import { defineConfig, type Options } from "tsup";

// The published build: the library entry (createPeakaMcpServer, startHttpServer) as ESM and CommonJS
// with declarations, and the `peaka-mcp` command (dist/cli.js, ESM, with its shebang) sharing the ESM
// code through a chunk. The generated operation table is bundled; the dependencies (@peaka/api, the
// MCP SDK, ajv, minisearch) stay external.
const common = {
  target: "node20",
  platform: "node",
  // Both configs write to dist/ at once: the build script empties it first.
  clean: false,
  treeshake: true,
  outDir: "dist",
} satisfies Options;

export default defineConfig([
  { ...common, entry: { index: "src/index.ts", cli: "src/cli.ts" }, format: "esm", splitting: true, dts: { entry: { index: "src/index.ts" } } },
  { ...common, entry: { index: "src/index.ts" }, format: "cjs", splitting: false, dts: { entry: { index: "src/index.ts" } } },
]);
