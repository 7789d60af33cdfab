import { build } from "esbuild";
import { gzipSync } from "node:zlib";
const r = await build({ stdin: { contents: `import { createPeakaCore, getCacheStatus } from "./src/index.ts";
const core = createPeakaCore({ apiKey: "k" });
export const run = () => getCacheStatus(core, { projectId: "p", cacheId: "c" });`, resolveDir: process.argv[2], loader: "ts" }, bundle: true, minify: true, format: "esm", write: false, platform: "neutral", logLevel: "error" });
const t = r.outputFiles[0].contents;
console.log(t.length, gzipSync(t, { level: 9 }).length);
