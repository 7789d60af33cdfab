#!/usr/bin/env node
// peaka-mock: serves a fresh simulator on 127.0.0.1 until SIGINT or SIGTERM.
//   peaka-mock [--port N] [--seed N]
// The clock is real: jobs move on with the wall clock.
// Prints one line of JSON with the URL and the simulated keys (they open nothing but this process).
import { parseArgs } from "node:util";
import { serveSimulator } from "./serve.js";
import { createPeakaSimulator } from "./simulator.js";

const USAGE = "usage: peaka-mock [--port N] [--seed N]";

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new TypeError(`--${name} must be a whole number, got ${JSON.stringify(value)}\n${USAGE}`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string" }, seed: { type: "string" }, help: { type: "boolean" } }, strict: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sim = createPeakaSimulator({ seed: integer("seed", values.seed, 1), clock: "real" });
  const served = await serveSimulator(sim, { port: integer("port", values.port, 0) });
  process.stdout.write(`${JSON.stringify({ url: served.url, pid: process.pid, partnerKey: sim.partnerKey, projectKey: sim.projectKey, ...sim.seeded })}\n`);
  const stop = () => void served.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`peaka-mock: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
