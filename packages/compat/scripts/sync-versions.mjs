// Part of `pnpm version-packages` (after `changeset version`): a public package that states its own
// version in src/version.ts (`export const VERSION = "x.y.z";`, e.g. @peaka/api for its
// X-Peaka-Client header) as a string literal gets the version changeset just wrote into its package.json, so the
// published code reports the published version. Prints what it changed.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT, workspacePackages } from "./metadata.mjs";

const LINE = /^(export const VERSION = )"[^"]*";$/m;
for (const pkg of workspacePackages(ROOT).filter((p) => !p.private)) {
  const file = join(pkg.dir, "src", "version.ts");
  if (!existsSync(file)) continue;
  const text = readFileSync(file, "utf8");
  if (!LINE.test(text)) continue; // derives it otherwise (e.g. imports package.json)
  const version = JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8")).version;
  const next = text.replace(LINE, `$1"${version}";`);
  if (next !== text) {
    writeFileSync(file, next);
    console.log(`${relative(ROOT, file)}: VERSION = "${version}"`);
  }
}
