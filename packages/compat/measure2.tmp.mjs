import { build } from "esbuild";
const r = await build({ stdin: { contents: `import { createPeakaCore, getCacheStatus } from "./src/index.ts";
const core = createPeakaCore({ apiKey: "k" });
export const run = () => getCacheStatus(core, { projectId: "p", cacheId: "c" });`, resolveDir: process.argv[2], loader: "ts" }, bundle: true, minify: true, format: "esm", write: false, platform: "neutral", logLevel: "error", metafile: true });
const out = Object.values(r.metafile.outputs)[0];
for (const [f, v] of Object.entries(out.inputs).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput)) console.log(String(v.bytesInOutput).padStart(6), f.replace(/.*packages\/client\//,""));
