// Simulators for the examples' tests: the examples' own (wall clock, quick jobs), each one's answers
// checked after the test with the strict validator of the spec's answer fixtures (Ajv strict, OpenAPI
// 3.0 nullable). Faults a test asked for (`sim.fail`), the 501 of an operation not modelled and file
// downloads are the simulator's own answers, not Peaka's, and are left out.
import type { PeakaSimulator, SimulatedRequest } from "@peaka/simulator";
import { afterEach, expect } from "vitest";
// The simulator's own check of its answers (the strict validator of the spec's answer fixtures).
import { invalidAnswers } from "../../packages/simulator/test/support.js";
import { exampleSimulator } from "../src/run.js";

const made: PeakaSimulator[] = [];

/** One line per answer that breaks the spec. */
export const offSpec = (requests: readonly SimulatedRequest[]): string[] => invalidAnswers([...requests]);

/** A fresh simulator as the examples make it; its answers are checked when the test ends. */
export function checkedSimulator(): PeakaSimulator {
  const sim = exampleSimulator();
  made.push(sim);
  return sim;
}

afterEach(() => {
  for (const sim of made.splice(0)) expect(offSpec(sim.requests)).toEqual([]);
});
