import { defineConfig } from "tsup";

// @peaka/api-types is type-only. The build emits the declarations (dist/index.d.ts for import, .d.cts for
// require) and an empty module for each format, so a runtime import of the package resolves too.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  target: "es2022",
  platform: "neutral",
  clean: true,
  outDir: "dist",
});
