// Lints the package in the current directory the way it is published: packs it with `pnpm pack` (which
// applies publishConfig, so exports point at dist/), then runs publint and arethetypeswrong on the
// tarball. Fails on any message, suggestions included. `attw --pack` would run `npm pack`, which
// ignores publishConfig and so checks the workspace exports (src/*.ts types, a `development` condition)
// instead of the published ones.
// Build first (`pnpm build`); the root `pnpm check:package` does.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"));
if (!existsSync(join(cwd, "dist"))) {
  console.error(`${pkg.name}: no dist/ — run \`pnpm build\` first (the root \`pnpm check:package\` builds).`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), "peaka-check-"));
let failed = false;
try {
  execFileSync("pnpm", ["pack", "--pack-destination", dir], { cwd, stdio: ["ignore", "ignore", "inherit"] });
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith(".tgz")));
  const run = (label, cmd, args, ok) => {
    const r = spawnSync("pnpm", ["exec", cmd, ...args], { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
    const out = `${r.stdout}${r.stderr}`.trim();
    const good = r.status === 0 && ok(out);
    console.log(`${good ? "ok  " : "FAIL"} ${pkg.name}: ${label}`);
    if (!good) {
      console.log(out.replace(/^/gm, "     "));
      failed = true;
    }
  };
  run("publint (strict, packed tarball)", "publint", ["run", tarball, "--strict", "--level", "suggestion"], (o) => /All good!/.test(o));
  run("attw (packed tarball, strict profile)", "attw", [tarball, "--format", "ascii", "--no-color"], (o) => /No problems found/.test(o));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
