// Honest declarations: every name that the built dist/<entry>.d.ts (ESM) and dist/<entry>.d.cts (CommonJS)
// of the package in the current directory declare as a VALUE must exist at run time in dist/<entry>.js
// (imported) and dist/<entry>.cjs (required) — and the other way round, every runtime export must be
// declared. A declaration bundle that flattens `export type *` can otherwise publish values that do not
// exist (`import { createResources }` type-checks, then fails). Run by `pnpm pack:consume` on the
// packages as npm installs them from their tarballs (outside the workspace, where their imports resolve).
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

/** Names a declaration file exports as values (functions, classes, consts, enums), aliases resolved. */
export function declaredValues(file: string): string[] {
  const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) return [];
  const values: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    // `export { type X }` of a value-and-type symbol is still type-only: look at how it is exported.
    const typeOnly = symbol.declarations?.some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
    if (!typeOnly && target.flags & ts.SymbolFlags.Value) values.push(symbol.getName());
  }
  return values.sort();
}

/** Checks one package directory; returns the list of problems. */
export async function checkDtsExports(where: string): Promise<{ problems: string[]; summary: string }> {
  const dir = resolve(where);
  const problems: string[] = [];
  // Every entry point of the build: dist/<name>.d.ts with dist/<name>.js, dist/<name>.d.cts with dist/<name>.cjs.
  const entries = readdirSync(join(dir, "dist")).filter((f) => f.endsWith(".d.ts")).map((f) => f.slice(0, -".d.ts".length));
  const pairs: Array<[string, string, string]> = entries.flatMap((name): Array<[string, string, string]> => [
    [`ESM ${name}`, join(dir, "dist", `${name}.d.ts`), join(dir, "dist", `${name}.js`)],
    [`CJS ${name}`, join(dir, "dist", `${name}.d.cts`), join(dir, "dist", `${name}.cjs`)],
  ]);
  const summary: string[] = [];
  for (const [format, dts, js] of pairs) {
    if (!existsSync(dts) || !existsSync(js)) {
      problems.push(`${format}: ${dts} or ${js} is missing (build first)`);
      continue;
    }
    const declared = declaredValues(dts);
    const runtime: Record<string, unknown> = format.startsWith("ESM") ? await import(pathToFileURL(js).href) : createRequire(join(dir, "package.json"))(js);
    const actual = Object.keys(runtime).filter((n) => n !== "default" && n !== "__esModule");
    for (const name of declared) if (!(name in runtime) || runtime[name] === undefined) problems.push(`${format}: ${name} is declared as a value in ${dts} but ${js} does not export it`);
    for (const name of actual) if (!declared.includes(name)) problems.push(`${format}: ${js} exports ${name}, which ${dts} does not declare as a value`);
    summary.push(`${format} ${declared.length} values`);
  }
  return { problems, summary: summary.join(", ") };
}

