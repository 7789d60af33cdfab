// pnpm bench (fourth part) — how long a fresh @peaka/simulator takes to start from its built dist (as
// users get it; bench/simulator.mjs measures the sources through tsx): each run is a new Node process that imports the package, makes a simulator and has it
// answer a first request (`GET /info`) and a first request with a JSON body (its schema compiled on
// first use). Reports the medians; target: import + create + first answer < 300 ms.
// Not part of `pnpm test`. Options: --runs=N (default 9), --json.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(import.meta.url);
const dist = pathToFileURL(join(dirname(here), "..", "packages", "simulator", "dist", "index.js")).href;
const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.split("=")[1] ?? 9);
const TARGET_MS = 300;

const child = `
const t0 = performance.now();
const { createPeakaSimulator } = await import(${JSON.stringify(dist)});
const t1 = performance.now();
const sim = createPeakaSimulator();
const t2 = performance.now();
const auth = { authorization: "Bearer " + sim.partnerKey };
const info = await sim.fetch(sim.baseUrl + "/info", { headers: auth });
if (info.status !== 200) throw new Error("GET /info answered " + info.status);
const t3 = performance.now();
const made = await sim.fetch(sim.baseUrl + "/data/projects/" + sim.seeded.projectId + "/queries/folders", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ folderName: "bench" }) });
if (made.status >= 300) throw new Error("the body request answered " + made.status);
const t4 = performance.now();
console.log(JSON.stringify({ boot: t0, import: t1 - t0, create: t2 - t1, firstAnswer: t3 - t2, firstBody: t4 - t3, start: t3 - t0 }));
`;

const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", child], { encoding: "utf8" })));
const median = (key) => {
  const sorted = runs.map((r) => r[key]).sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
};
const result = Object.fromEntries(["boot", "import", "create", "firstAnswer", "firstBody", "start"].map((k) => [k, median(k)]));
if (process.argv.includes("--json")) console.log(JSON.stringify({ runs: RUNS, ...result, targetMs: TARGET_MS }));
else {
  console.log(`@peaka/simulator start (dist, a fresh Node ${process.versions.node} process each, median of ${RUNS}):`);
  console.log(`  import ${result.import} ms + createPeakaSimulator ${result.create} ms + first answer ${result.firstAnswer} ms = ${result.start} ms (target < ${TARGET_MS} ms: ${result.start < TARGET_MS ? "met" : "MISSED"})`);
  console.log(`  first request with a JSON body (its schema compiled): ${result.firstBody} ms; Node's own start before the import: ${result.boot} ms`);
}
