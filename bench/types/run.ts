// Type-checking cost of calling 20 operations three ways, measured side by side in one run:
//   resources     peaka.cache.getStatus({ ... })            (our generated resource methods)
//   openapi-fetch peaka.GET("/data/projects/{projectId}/...", { params })  (path-generic calls)
//   plain         hand-typed functions over fetch, one per operation, typed from `operations[...]`
// Each consumer is checked by `tsc --extendedDiagnostics` against emitted declarations of
// @peaka/api-types and @peaka/api (skipLibCheck, so only the consumer's own checking is counted),
// several rounds interleaved; the medians are printed with their ratios.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { listOperations, loadSpec } from "../../packages/mock/src/spec.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const out = join(here, ".out");
const tsc = createRequire(join(root, "packages/client/package.json")).resolve("typescript/bin/tsc");
const ROUNDS = Number(process.env["ROUNDS"] ?? 5);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 1. Declarations of both packages, as a consumer of the published packages would see them.
writeFileSync(
  join(out, "tsconfig.decl.json"),
  JSON.stringify({
    extends: join(root, "tsconfig.base.json"),
    compilerOptions: {
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: join(root, "packages"),
      outDir: join(out, "decl"),
      types: [],
      paths: { "@peaka/api-types": [join(root, "packages/types/src/index.ts")] },
    },
    files: [join(root, "packages/client/src/index.ts")],
  }),
);
execFileSync(process.execPath, [tsc, "-p", join(out, "tsconfig.decl.json")], { stdio: "inherit" });

// 2. Twenty GET operations with JSON answers, their arguments from the spec's examples.
const spec = loadSpec();
const resourceOf = new Map<string, string>(spec["tags"].map((t: any) => [t.name, t["x-sdk-resource"]]));
const picked = listOperations(spec)
  .filter((op) => op.method === "get" && !op.operation.deprecated && op.operation.responses["200"]?.content?.["application/json"])
  .slice(0, 20);
if (picked.length < 20) throw new Error(`only ${picked.length} GET operations with JSON answers`);
const argsOf = (op: (typeof picked)[number], where: string[]) =>
  Object.fromEntries(op.parameters.filter((p) => where.includes(p["in"]) && p["example"] !== undefined).map((p) => [p["name"], p["example"]]));

const header = `import { createPeakaClient } from "@peaka/api";\nconst peaka = createPeakaClient({ apiKey: "k" });\n`;
const consumers: Record<string, string> = {
  resources:
    header +
    picked
      .map((op, i) => `export const r${i} = await peaka.${resourceOf.get(op.tag)}.${op.operation["x-sdk-method"]}(${JSON.stringify(argsOf(op, ["path", "query"]))});`)
      .join("\n"),
  "openapi-fetch":
    header +
    picked
      .map((op, i) => {
        const path = argsOf(op, ["path"]);
        const query = argsOf(op, ["query"]);
        const params = { ...(Object.keys(path).length ? { path } : {}), ...(Object.keys(query).length ? { query } : {}) };
        return `export const { data: r${i} } = await peaka.GET(${JSON.stringify(op.path)}, { params: ${JSON.stringify(params)} });`;
      })
      .join("\n"),
  plain:
    `import type { operations } from "@peaka/api-types";\n` +
    picked
      .map((op, i) => {
        const id = JSON.stringify(op.operationId);
        const hasQuery = op.parameters.some((p) => p["in"] === "query");
        const args = [
          op.parameters.some((p) => p["in"] === "path") ? `operations[${id}]["parameters"]["path"]` : "{}",
          hasQuery ? `NonNullable<operations[${id}]["parameters"]["query"]>` : "{}",
        ].join(" & ");
        return [
          `async function op${i}(args: ${args}): Promise<operations[${id}]["responses"][200]["content"]["application/json"]> {`,
          `  const response = await fetch("https://partner.peaka.studio/api/v1" + ${JSON.stringify(op.path)} + "?" + new URLSearchParams(args as Record<string, string>));`,
          `  return response.json();`,
          `}`,
          `export const r${i} = await op${i}(${JSON.stringify(argsOf(op, ["path", "query"]))});`,
        ].join("\n");
      })
      .join("\n"),
};

for (const [name, code] of Object.entries(consumers)) {
  mkdirSync(join(out, name), { recursive: true });
  writeFileSync(join(out, name, "consumer.ts"), code + "\n");
  writeFileSync(
    join(out, name, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        lib: ["ES2022", "DOM"],
        paths: {
          "@peaka/api-types": [join(out, "decl/types/src/index.d.ts")],
          "@peaka/api": [join(out, "decl/client/src/index.d.ts")],
          "openapi-fetch": [createRequire(join(root, "packages/client/package.json")).resolve("openapi-fetch").replace(/index\.(c|m)?js$/, "index.d.ts")],
          "eventsource-parser": [join(root, "packages/client/node_modules/eventsource-parser")],
        },
      },
      files: ["consumer.ts"],
    }),
  );
}

// 3. Check each consumer ROUNDS times, interleaved.
const samples: Record<string, { instantiations: number[]; checkMs: number[] }> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(consumers)) {
    let text: string;
    try {
      text = execFileSync(process.execPath, [tsc, "-p", join(out, name, "tsconfig.json"), "--extendedDiagnostics"], { encoding: "utf8" });
    } catch (error: any) {
      throw new Error(`the ${name} consumer does not type-check:\n${error.stdout ?? error}`);
    }
    const inst = Number(/Instantiations:\s+(\d+)/.exec(text)?.[1]);
    const check = Number(/Check time:\s+([\d.]+)s/.exec(text)?.[1]) * 1000;
    (samples[name] ??= { instantiations: [], checkMs: [] }).instantiations.push(inst);
    samples[name].checkMs.push(check);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const rows = Object.entries(samples).map(([name, s]) => ({ name, inst: median(s.instantiations), check: median(s.checkMs) }));
const plain = rows.find((r) => r.name === "plain")!;
console.log(`\nType-checking a consumer of ${picked.length} operations (median of ${ROUNDS} interleaved rounds)\n`);
console.log("| consumer | instantiations | ÷ plain | check time (ms) | ÷ plain |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  console.log(`| ${r.name} | ${r.inst} | ${(r.inst / Math.max(plain.inst, 1)).toFixed(2)}× | ${r.check.toFixed(0)} | ${(r.check / Math.max(plain.check, 1)).toFixed(2)}× |`);
}
const res = rows.find((r) => r.name === "resources")!;
console.log(`\ntarget: resources ≤ 2× plain in instantiations — ${res.inst <= 2 * plain.inst ? "met" : "NOT met"} (${(res.inst / Math.max(plain.inst, 1)).toFixed(2)}×)`);
