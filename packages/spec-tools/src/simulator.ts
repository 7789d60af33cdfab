// @peaka/simulator, loaded from its source in this repository. spec-tools cannot declare it as a
// dependency: the simulator's own tests use spec-tools' validator, and turbo refuses the cycle. So the
// CLI (run by tsx) and the tests import it by path.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createPeakaClient } from "@peaka/api";
import { REPO_ROOT } from "./repo.js";

type SimulatorModule = typeof import("../../simulator/src/index.js");

export async function loadSimulator(): Promise<SimulatorModule> {
  return (await import(pathToFileURL(join(REPO_ROOT, "packages/simulator/src/index.ts")).href)) as SimulatorModule;
}

/**
 * A simulator to compare Peaka with: its sample project plus a finished cache and export, so that the
 * calls that read one (getCacheStatus, getExport) have something to read.
 */
export async function comparisonSimulator(seed?: number) {
  const { createPeakaSimulator } = await loadSimulator();
  const sim = createPeakaSimulator(seed === undefined ? {} : { seed });
  const peaka = createPeakaClient({ fetch: sim.fetch, apiKey: sim.partnerKey, maxRetries: 0 });
  const { projectId, catalogId } = sim.seeded;
  await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
  await peaka.exports.exportTable({ projectId, catalogId, schemaName: "public", tableName: "customers", body: { format: "CSV", limit: 10 } });
  sim.clock.advance(60_000);
  return sim;
}
