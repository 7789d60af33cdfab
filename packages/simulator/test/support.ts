// Every simulator a test makes through `simulator()` has each of its answers checked, after the test,
// with the strict validator of the answer fixtures (@peaka/spec-tools, Ajv strict, OpenAPI 3.0
// nullable). Only the simulator's own answers are exempt: a fault the test asked for with `sim.fail`,
// the 501 of an operation not modelled yet, and file downloads (not an operation of the spec).
import { createPeakaClient } from "@peaka/api";
import { createResponseValidator } from "@peaka/spec-tools/src/answers";
import { afterEach, expect } from "vitest";
import { createPeakaSimulator, type PeakaSimulator, type PeakaSimulatorOptions, type SimulatedRequest } from "../src/index.js";

const validator = createResponseValidator();
const made: PeakaSimulator[] = [];

/** The answers of `requests` that do not fit the spec, one line each. */
export function invalidAnswers(requests: SimulatedRequest[]): string[] {
  const out: string[] = [];
  for (const r of requests) {
    if (r.simulated || r.operationId === undefined) continue;
    // A binary body (the PNG) is checked as the string of its bytes, which is what `format: binary` declares.
    const body = r.responseBody instanceof Uint8Array ? new TextDecoder("latin1").decode(r.responseBody) : r.responseBody;
    const check = validator.validateAnswer(r.operationId, r.status, body, r.contentType ?? "none/none");
    const empty = r.contentType === undefined && r.responseBody === undefined;
    // An answer without a body fits when the spec declares that status with no content.
    if (empty) {
      const declared = validator.validateAnswer(r.operationId, r.status, undefined, "application/json");
      if (declared.ok || declared.problems.some((p) => p.message.includes("declares no body"))) continue;
      out.push(`${r.method} ${r.url} ${r.status}: no body, but ${declared.problems.map((p) => p.message).join("; ")}`);
      continue;
    }
    if (!check.ok) out.push(`${r.method} ${r.url} ${r.status}: ${check.problems.map((p) => `${p.at || "(body)"} ${p.message}`).join("; ")}`);
  }
  return out;
}

/** Checks the answers of `sim` against the spec; exported for tests that want to check mid-way. */
export function expectAnswersValid(sim: PeakaSimulator): void {
  expect(invalidAnswers(sim.requests)).toEqual([]);
}

export function simulator(options?: PeakaSimulatorOptions): PeakaSimulator {
  const sim = createPeakaSimulator(options);
  made.push(sim);
  return sim;
}

/** `simulator` under the package's own name, for snippets written against `@peaka/simulator`. */
export { simulator as createPeakaSimulator };

export function clientOf(sim: PeakaSimulator, apiKey = sim.partnerKey) {
  return createPeakaClient({ fetch: sim.fetch, apiKey, maxRetries: 0 });
}

afterEach(() => {
  const sims = made.splice(0);
  for (const sim of sims) expectAnswersValid(sim);
});
