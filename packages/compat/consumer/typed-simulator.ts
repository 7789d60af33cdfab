// TypeScript consumer of the installed @peaka/simulator (with its /msw subpath), type-checked with
// moduleResolution node16 and bundler like typed.ts; never run. Its `@ts-expect-error` lines fail the
// check if the types get loose.
import { createPeakaClient } from "@peaka/api";
import { createPeakaSimulator, serveSimulator, type PeakaSimulator, type PeakaSimulatorOptions, type SimulatedRequest } from "@peaka/simulator";
import { simulatorHandlers } from "@peaka/simulator/msw";

const options: PeakaSimulatorOptions = { seed: 2, clock: "manual", jobs: { cacheRunMs: 10 } };
const sim: PeakaSimulator = createPeakaSimulator(options);
const peaka = createPeakaClient({ fetch: sim.fetch, apiKey: sim.partnerKey });

export async function typedSimulator(): Promise<string> {
  const projects = await peaka.legacyProjects.list();
  sim.clock.advance(1000);
  sim.fail("getCacheStatus", { status: 503, times: 2 });
  const last: SimulatedRequest | undefined = sim.requests.at(-1);
  const served = await serveSimulator(sim, { port: 0 });
  await served.close();
  const handlers = simulatorHandlers(sim);
  // @ts-expect-error the clock mode is "manual" or "real"
  createPeakaSimulator({ clock: "fake" });
  // @ts-expect-error a fault needs a status
  sim.fail("getCacheStatus", { times: 1 });
  // @ts-expect-error seeded ids are strings
  const wrong: number = sim.seeded.projectId;
  return `${projects.length} ${last?.status} ${served.url} ${handlers.length} ${wrong}`;
}
