// vitest globalSetup shared by the packages whose tests call the Prism mock: one Prism per test run,
// its URL handed to the tests as inject("prismUrl").
import { startPrismMock, type PrismMock } from "./index.js";
import type {} from "vitest"; // makes the module known for the augmentation below
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the Prism mock serving spec/peaka.yaml. */
    prismUrl: string;
  }
}

let prism: PrismMock | undefined;

export async function setup(project: TestProject) {
  // PEAKA_PRISM=off: no Prism, for runs of test files that never call it (`pnpm test:loaded` runs only
  // the conformance matrices, on a machine kept busy, where starting Prism is slow and beside the point).
  if (process.env["PEAKA_PRISM"] === "off") return;
  prism = await startPrismMock();
  project.provide("prismUrl", prism.url);
}

export async function teardown() {
  await prism?.stop();
}
