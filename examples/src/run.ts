// What every example shares: a simulator to run on, a client wired to it, and the few lines that run
// an example's `main` when its file is started as a program (`pnpm --filter @peaka/examples example
// src/sql.ts`). The examples themselves take any client: pass one made with your own key to run the
// same code against Peaka.
import { pathToFileURL } from "node:url";
import { createPeakaClient, type PeakaClient } from "@peaka/api";
import { createPeakaSimulator, type PeakaSimulator, type SeededIds } from "@peaka/simulator";

/** What an example's `main` gets: a client, the ids it works on, and where to print. */
export interface Example {
  peaka: PeakaClient;
  ids: SeededIds;
  /**
   * The fetch that export files are downloaded with (`streamRows`' `fetch` option): the simulator's own
   * when it runs in-process, since its signed file URLs are served by that same function; against
   * Peaka, `globalThis.fetch`.
   */
  fetch: typeof fetch;
  /** Prints one line (console.log when run as a program; the tests collect the lines). */
  log: (line: string) => void;
}

/**
 * Job durations short enough to watch: the simulator runs on the wall clock here (as Peaka does), so a
 * waiter sees a cache refresh or an export go through its states in a second or two.
 */
export const QUICK_JOBS = {
  cacheRunMs: 1200,
  exportPendingMs: 150,
  exportRunMs: 600,
  materializedRunMs: 900,
  metadataQueuedMs: 200,
  metadataRunMs: 800,
} as const;

/** A fresh simulator on the wall clock with quick jobs. */
export function exampleSimulator(): PeakaSimulator {
  return createPeakaSimulator({ clock: "real", jobs: QUICK_JOBS });
}

/** An Example on `sim`, with the partner key. */
export function onSimulator(sim: PeakaSimulator, log: (line: string) => void = console.log): Example {
  return { peaka: createPeakaClient({ fetch: sim.fetch, apiKey: sim.partnerKey }), ids: sim.seeded, fetch: sim.fetch, log };
}

/** True when the module at `url` is the program node (or tsx) started. */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && url === pathToFileURL(entry).href;
}

/** Runs `main` on a fresh simulator and prints what it returns; sets the exit code when it throws. */
export async function runOnSimulator<T>(main: (example: Example, sim: PeakaSimulator) => Promise<T>): Promise<void> {
  const sim = exampleSimulator();
  try {
    const result = await main(onSimulator(sim), sim);
    if (result !== undefined) console.log("\nreturned:", result);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
