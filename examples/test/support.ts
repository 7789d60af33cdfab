// Simulators for the examples' tests: the examples' own (wall clock, quick jobs), each one's answers
// checked after the test with the strict validator of the spec's answer fixtures (Ajv strict, OpenAPI
// 3.0 nullable). Faults a test asked for (`sim.fail`), the 501 of an operation not modelled and file
// downloads are the simulator's own answers, not Peaka's, and are left out.
import { createResponseValidator } from "@peaka/spec-tools/src/answers";
import type { PeakaSimulator, SimulatedRequest } from "@peaka/simulator";
import { afterEach, expect } from "vitest";
import { exampleSimulator } from "../src/run.js";

const validator = createResponseValidator();
const made: PeakaSimulator[] = [];

/** One line per answer that breaks the spec. */
export function offSpec(requests: readonly SimulatedRequest[]): string[] {
  const out: string[] = [];
  for (const r of requests) {
    if (r.simulated || r.operationId === undefined || r.contentType === undefined) continue;
    const check = validator.validateAnswer(r.operationId, r.status, r.responseBody, r.contentType);
    if (!check.ok) out.push(`${r.method} ${r.url} ${r.status}: ${check.problems.map((p) => `${p.at || "(body)"} ${p.message}`).join("; ")}`);
  }
  return out;
}

/** A fresh simulator as the examples make it; its answers are checked when the test ends. */
export function checkedSimulator(): PeakaSimulator {
  const sim = exampleSimulator();
  made.push(sim);
  return sim;
}

afterEach(() => {
  for (const sim of made.splice(0)) expect(offSpec(sim.requests)).toEqual([]);
});
