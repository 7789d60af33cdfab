// pnpm test:live: with a real key, two read-only checks against Peaka.
// 1. Shapes: the same GETs against @peaka/simulator (in-process, its sample shop project) and Peaka,
//    reporting where the answers differ in shape (status, keys, JSON types, nullability; not values).
// 2. Contract: the GETs that need at most a project id, through a Prism proxy validating spec/ (and the
//    strict validator of spec:answers).
// Without PEAKA_API_KEY it says so and exits 0.
import { REGIONS } from "@peaka/api";
import { formatLiveReport, isFailure, runLiveCheck } from "../live.js";
import { compareLiveShapes, differs, formatShapeReport } from "../shape.js";
import { comparisonSimulator } from "../simulator.js";

const apiKey = process.env["PEAKA_API_KEY"];
if (!apiKey) {
  console.log(
    "test:live SKIPPED: PEAKA_API_KEY is not set. With a key (and PEAKA_PROJECT_ID for a partner key; optionally " +
      `PEAKA_BASE_URL, default ${REGIONS.us}) it makes read-only calls to Peaka: it compares their answers' shapes ` +
      "with @peaka/simulator's and checks them against spec/ through a validating Prism proxy.",
  );
  process.exit(0);
}
const upstream = (process.env["PEAKA_BASE_URL"] || REGIONS.us).replace(/\/+$/, "");

try {
  // Whose key: a project key names its project; the simulator is then asked with its own project key.
  const info = await fetch(`${upstream}/info`, { headers: { authorization: `Bearer ${apiKey}` }, signal: AbortSignal.timeout(30_000) });
  if (!info.ok) throw new Error(`GET /info answered ${info.status}: is the key right for ${upstream}?`);
  const me = (await info.json()) as { projectId?: string };
  const projectId = process.env["PEAKA_PROJECT_ID"] || me.projectId;
  if (!projectId) throw new Error("a partner key needs PEAKA_PROJECT_ID: which project to read");

  const sim = await comparisonSimulator();
  const shapes = await compareLiveShapes({
    simulator: { baseUrl: sim.baseUrl, apiKey: me.projectId ? sim.projectKey : sim.partnerKey, projectId: sim.seeded.projectId, fetch: sim.fetch },
    peaka: { baseUrl: upstream, apiKey, projectId },
  });
  console.log(formatShapeReport(shapes, upstream));
  console.log("");

  const results = await runLiveCheck({ apiKey, projectId, upstream });
  console.log(formatLiveReport(results, upstream));
  process.exitCode = results.some(isFailure) || differs(shapes) ? 1 : 0;
} catch (error) {
  console.error(`test:live failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
