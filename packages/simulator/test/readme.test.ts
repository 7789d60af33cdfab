// The README's snippets run against the simulator and print what their comments say; its list of
// operations not modelled is the simulator's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { createPeakaSimulator } from "../src/index.js";
import "./support.js";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const SNIPPETS = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

afterEach(() => vi.restoreAllMocks());

describe("README", () => {
  it("has two snippets (the quick start and MSW), each logging what its comments promise", () => {
    expect(SNIPPETS).toHaveLength(2);
    expect(SNIPPETS[1]).toContain('"@peaka/simulator/msw"');
  });

  it.each(SNIPPETS.map((code, i) => [i + 1, code] as const))("snippet %i runs and logs what its comments promise", async (_, code) => {
    const promised = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(promised.length).toBeGreaterThan(0);
    // A scratch folder inside the package, so that "@peaka/api" and "msw" resolve as they do for the tests.
    const dir = mkdtempSync(join(ROOT, "test", ".readme-"));
    const file = join(dir, "snippet.ts");
    // The snippet's simulator is made through ./support.ts, so its answers are checked against the spec too.
    const source = code
      .replace('"@peaka/simulator/msw"', JSON.stringify(pathToFileURL(join(ROOT, "src/msw.ts")).href))
      .replace('"@peaka/simulator"', JSON.stringify(pathToFileURL(join(ROOT, "test/support.ts")).href));
    writeFileSync(file, source);
    const logged: string[] = [];
    vi.spyOn(console, "log").mockImplementation((value: unknown) => void logged.push(Array.isArray(value) ? `[ ${value.map((v) => `'${v}'`).join(", ")} ]` : String(value)));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(logged).toEqual(promised);
  });

  it("names exactly the operations the simulator does not model", () => {
    const section = README.slice(README.indexOf("`sim.modelled` lists"), README.indexOf("- **On a port.**"));
    const listed = [...section.matchAll(/`([a-z][A-Za-z]+)`/g)].map((m) => m[1]).filter((n) => n !== "modelled");
    const modelled = createPeakaSimulator().modelled;
    expect(listed).toEqual(listOperations(loadSpec()).map((op) => op.operationId).filter((id) => !modelled.includes(id)).sort());
  });
});
