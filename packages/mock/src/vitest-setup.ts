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
  prism = await startPrismMock();
  project.provide("prismUrl", prism.url);
}

export async function teardown() {
  await prism?.stop();
}
