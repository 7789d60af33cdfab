// pnpm test:live: read-only calls to the real Peaka API through a validating Prism proxy.
import { REGIONS } from "@peaka/api";
import { formatLiveReport, isFailure, runLiveCheck } from "../live.js";

const apiKey = process.env["PEAKA_API_KEY"];
const projectId = process.env["PEAKA_PROJECT_ID"];
if (!apiKey || !projectId) {
  console.log(
    "test:live SKIPPED: set PEAKA_API_KEY and PEAKA_PROJECT_ID (and optionally PEAKA_BASE_URL, default " +
      `${REGIONS.us}) to run read-only calls against the real API through a Prism proxy validating spec/.`,
  );
  process.exit(0);
}
const upstream = (process.env["PEAKA_BASE_URL"] || REGIONS.us).replace(/\/+$/, "");
try {
  const results = await runLiveCheck({ apiKey, projectId, upstream });
  console.log(formatLiveReport(results, upstream));
  process.exitCode = results.some(isFailure) ? 1 : 0;
} catch (error) {
  console.error(`test:live failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
