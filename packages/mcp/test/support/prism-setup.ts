import { startPrismMock, type PrismMock } from "@peaka/mock";
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
