// The simulator's core runs in Node, Bun, Deno and a browser (`pnpm test:runtimes` runs it there): no
// module under src/ but the peaka-mock command imports a node: module at run time (serve.ts loads
// node:http when a server starts), and none reads spec/ (the spec model is generated into src/generated).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src", import.meta.url));
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

describe("runtime-neutral sources", () => {
  it("import no node: module at run time (only the CLI does) and no YAML", () => {
    const offending: string[] = [];
    for (const file of files(SRC)) {
      const name = relative(SRC, file);
      if (name === "cli.ts") continue;
      for (const m of readFileSync(file, "utf8").matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
        if (!m[1] && (m[2]!.startsWith("node:") || m[2] === "yaml" || m[2]!.startsWith("@peaka/mock/spec"))) offending.push(`${name}: ${m[2]}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
