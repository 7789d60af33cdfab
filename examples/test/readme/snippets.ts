// The ```ts snippets of the READMEs (README.md and packages/*/README.md), and the module each one runs
// as: its imports at the top (those of @peaka/api and @peaka/mcp pointed at wired copies, ./api.ts and
// ./mcp.ts, unless the snippet makes its own simulator), then the names it uses without declaring them (`peaka`, `projectId`, ...) taken from the
// harness's context (./context.ts), then the snippet's own code in a block of its own, so that a
// snippet may declare a name the context also gives (`const peaka = createPeakaClient(...)`).
//
// A snippet that cannot run is marked on the line right above its fence, with the reason:
//   <!-- snippet: not run — needs a real Peaka account -->
// It is still compiled; the test lists every such snippet by name.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CONTEXT_NAMES } from "./context.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Snippet {
  /** `README.md:39`: the file (from the repository root) and the line of the opening fence. */
  name: string;
  file: string;
  line: number;
  code: string;
  /** Why it is not run, from its `<!-- snippet: not run — ... -->` marker. */
  notRun?: string;
}

/** Every README of the repository that users read: the root one and each package's. */
export function readmes(): string[] {
  const packages = join(ROOT, "packages");
  const files = readdirSync(packages)
    .map((p) => join(packages, p, "README.md"))
    .filter((f) => {
      try {
        return readFileSync(f, "utf8").length > 0;
      } catch {
        return false;
      }
    });
  return [join(ROOT, "README.md"), ...files.sort()];
}

const NOT_RUN = /^<!--\s*snippet:\s*not run\s*[—-]+\s*(.+?)\s*-->\s*$/;

export function extractSnippets(file: string): Snippet[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```ts") continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== "```"; i++) body.push(lines[i]!);
    const rel = relative(ROOT, file);
    const marker = NOT_RUN.exec(lines[start - 1]?.trim() ?? "");
    out.push({ name: `${rel}:${start + 1}`, file: rel, line: start + 1, code: body.join("\n"), ...(marker ? { notRun: marker[1]! } : {}) });
  }
  return out;
}

const IMPORT = /^import\s+(type\s+)?([\s\S]*?)\s+from\s+"([^"]+)";?\s*$/gm;
/** Where a snippet's imports point instead, so that its clients and servers talk to the simulator. */
const WIRED: Record<string, string> = { "@peaka/api": "./api.js", "@peaka/mcp": "./mcp.js" };

/** The names a snippet imports. */
function importedNames(clause: string): string[] {
  const names: string[] = [];
  const braces = /\{([^}]*)\}/.exec(clause);
  if (braces) for (const part of braces[1]!.split(",")) {
    const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop()?.trim();
    if (name) names.push(name);
  }
  const outside = clause.replace(/\{[^}]*\}/, "").replace(/,/g, " ").trim();
  const star = /\*\s+as\s+(\w+)/.exec(outside);
  if (star) names.push(star[1]!);
  else if (outside) names.push(outside);
  return names;
}

/** The names each import of `code` brings in, with the module and whether it is type-only. */
function importsOf(code: string): Map<string, { from: string; typeOnly: boolean }> {
  const out = new Map<string, { from: string; typeOnly: boolean }>();
  for (const m of code.matchAll(IMPORT)) for (const name of importedNames(m[2]!)) out.set(name, { from: m[3]!, typeOnly: Boolean(m[1]) });
  return out;
}

const uses = (code: string, name: string) => new RegExp(`(?<![\\w.$])${name.replace(/\$/g, "\\$")}(?![\\w$])`).test(code);

/**
 * The module a snippet runs as (written next to ./api.ts, so the relative imports resolve). A README
 * reads top to bottom: a snippet may use what a snippet above it in the same file imported.
 */
export function moduleOf(snippet: Snippet, earlier: readonly Snippet[] = []): string {
  const imports: string[] = [];
  const imported = new Set<string>();
  // A snippet that makes its own simulator talks to that one: its clients stay as they are.
  const wired: Record<string, string> = /from "@peaka\/simulator["/]/.test(snippet.code) ? {} : WIRED;
  const code = snippet.code.replace(IMPORT, (_all, typeOnly: string | undefined, clause: string, from: string) => {
    for (const name of importedNames(clause)) imported.add(name);
    imports.push(`import ${typeOnly ?? ""}${clause} from ${JSON.stringify(wired[from] ?? from)};`);
    return "";
  });
  const above = new Map<string, { from: string; typeOnly: boolean }>();
  for (const s of earlier) for (const [name, from] of importsOf(s.code)) above.set(name, from);
  for (const [name, { from, typeOnly }] of above) {
    if (imported.has(name) || !uses(code, name)) continue;
    imported.add(name);
    imports.push(`import ${typeOnly ? "type " : ""}{ ${name} } from ${JSON.stringify(wired[from] ?? from)};`);
  }
  const free = CONTEXT_NAMES.filter((name) => !imported.has(name) && uses(code, name));
  return [
    `// ${snippet.name}, as the README snippet test runs it. Generated: do not edit.`,
    ...imports,
    `import { context } from "./context.js";`,
    free.length ? `const { ${free.join(", ")} } = context();` : "",
    "{",
    code,
    "}",
    "export {};",
    "",
  ].join("\n");
}
