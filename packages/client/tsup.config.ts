import { defineConfig, type Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

// The published build: ESM (dist/index.js + .d.ts) and CommonJS (dist/index.cjs + .d.cts) from the one
// entry point src/index.ts. Dependencies (@peaka/api-types, openapi-fetch, eventsource-parser) stay external.

/**
 * In the CommonJS build, esbuild gives `import createClient from "openapi-fetch"` Node's interop,
 * because our sources sit in a `"type": "module"` package: the default import becomes openapi-fetch's
 * whole `module.exports` (whose `.default` is createClient) instead of honouring its `__esModule`
 * flag, and `createPeakaClient` fails with "is not a function". This routes that import through a
 * virtual module outside any package, where esbuild's interop honours `__esModule`. The ESM build
 * does not need it (it keeps `import` as written).
 */
const cjsDefaultInterop: Plugin = {
  name: "cjs-default-interop",
  setup(build) {
    if (build.initialOptions.format !== "cjs") return;
    build.onResolve({ filter: /^openapi-fetch$/ }, (args) =>
      args.namespace === "cjs-interop"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "cjs-interop" },
    );
    build.onLoad({ filter: /.*/, namespace: "cjs-interop" }, (args) => ({
      contents: `import m from ${JSON.stringify(args.path)};\nexport default m;\n`,
      loader: "js",
    }));
  },
};

const common = {
  // src/sql is its own entry (@peaka/api/sql); it imports @peaka/api by name, which stays external so
  // that both entries share one copy of the client and its error classes.
  entry: { index: "src/index.ts", sql: "src/sql/index.ts", "node-http": "src/node-http.ts" },
  external: ["@peaka/api"],
  dts: true,
  target: "es2022",
  platform: "neutral",
  sourcemap: true,
  // Both configs write to dist/ at once: the build script empties it first.
  clean: false,
  splitting: false,
  treeshake: false,
  outDir: "dist",
} satisfies Options;

export default defineConfig([
  { ...common, format: "esm" },
  // openapi-fetch is "not external" only so that tsup hands it to the plugin, which keeps it external.
  { ...common, format: "cjs", noExternal: ["openapi-fetch"], esbuildPlugins: [cjsDefaultInterop] },
]);
