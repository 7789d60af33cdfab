// The README's snippet runs against the simulator and prints what its comments say; its list of
// operations not modelled is the simulator's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { listOperations } from "@peaka/mock/spec";
import { createPeakaSimulator } from "../src/index.js";
import { specModel } from "../src/internal/spec.js";
import "./support.js";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

afterEach(() => vi.restoreAllMocks());

describe("README", () => {
  it("its snippet runs and logs what its comments promise", async () => {
    const code = /```ts\n([\s\S]*?)```/.exec(README)?.[1];
    expect(code).toBeDefined();
    const promised = [...code!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(promised).toHaveLength(2);
    // A scratch folder inside the package, so that "@peaka/api" resolves as it does for the tests.
    const dir = mkdtempSync(join(ROOT, "test", ".readme-"));
    const file = join(dir, "snippet.ts");
    // The snippet's simulator is made through ./support.ts, so its answers are checked against the spec too.
    writeFileSync(file, code!.replace('"@peaka/simulator"', JSON.stringify(pathToFileURL(join(ROOT, "test/support.ts")).href)));
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
    expect(listed).toEqual(listOperations(specModel().spec).map((op) => op.operationId).filter((id) => !modelled.includes(id)).sort());
  });
});
