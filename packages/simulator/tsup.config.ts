import { defineConfig, type Options } from "tsup";

// The published build: the library (createPeakaSimulator, serveSimulator) and the MSW handlers
// (@peaka/simulator/msw) as ESM and CommonJS with declarations, and the `peaka-mock` command
// (dist/cli.js, ESM, with its shebang). The spec model (src/generated/spec-model.ts) is bundled, and so
// is the seeded random generator of the private @peaka/mock; the dependencies (ajv, ajv-formats,
// fflate, @noble/hashes) and msw stay external.
const common = {
  target: "es2022",
  // Both configs write to dist/ at once: the build script empties it first.
  clean: false,
  treeshake: true,
  sourcemap: true,
  outDir: "dist",
  noExternal: ["@peaka/mock"],
  external: ["msw"],
} satisfies Options;
const entry = { index: "src/index.ts", msw: "src/msw.ts" };

export default defineConfig([
  // The library entries run in any runtime (node:http is loaded only by serveSimulator, at run time).
  { ...common, entry, platform: "neutral", format: "esm", splitting: true, dts: { entry } },
  { ...common, entry, platform: "neutral", format: "cjs", splitting: false, dts: { entry } },
  { ...common, entry: { cli: "src/cli.ts" }, platform: "node", target: "node20", format: "esm", splitting: false, dts: false },
]);
