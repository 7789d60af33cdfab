// The old-name check (scripts/check-names.mjs) on small throwaway git repositories: it passes on what is
// allowed and fails, naming file and line, on everything else.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findOldNames, OLD_NAMES } from "../scripts/check-names.mjs";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../scripts/check-names.mjs");
const [DRIVER, OLD_TYPES] = OLD_NAMES;
const dirs = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const README = `# SDK

> **Not the SQL driver.** Peaka's own [\`${DRIVER}\`](https://example.invalid) is a different package,
> a SQL driver on the Trino protocol.

## Running SQL

Other text.
`;

/** A git repository with the given files (path -> text); files under `untracked` are not added. */
function repo(files, { untracked = {}, ignore = "" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "peaka-names-"));
  dirs.push(dir);
  const write = (path, text) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  if (ignore) write(".gitignore", ignore);
  execFileSync("git", ["init", "-q"], { cwd: dir });
  execFileSync("git", ["add", "."], { cwd: dir });
  for (const [path, text] of Object.entries(untracked)) write(path, text);
  return dir;
}

function check(dir, ...args) {
  const r = spawnSync(process.execPath, [SCRIPT, "--root", dir, ...args], { encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test("passes on the README's SQL-driver paragraph and on CHANGELOG.md files", () => {
  const dir = repo({
    "README.md": README,
    "packages/client/CHANGELOG.md": `Renamed: was ${DRIVER} and ${OLD_TYPES}.\n`,
    "src/index.ts": 'export * from "@peaka/api";\n',
  });
  const r = check(dir);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /old names: none in 3 files/);
});

test("fails on the name in any other file, with file and line", () => {
  const dir = repo({ "README.md": README, "examples/demo.ts": `// x\nimport { createPeakaClient } from "${DRIVER}";\n` });
  const r = check(dir);
  assert.equal(r.code, 1);
  assert.match(r.out, /examples\/demo\.ts:2: @peaka\/client/);
});

test("fails on the name in a README paragraph that does not say it is the SQL driver", () => {
  const dir = repo({ "README.md": `${README}\nInstall it: \`npm install ${DRIVER}\`.\n` });
  const r = check(dir);
  assert.equal(r.code, 1);
  assert.match(r.out, /README\.md:10:/);
});

test("the exception is for the root README only, not a package README", () => {
  const dir = repo({ "packages/client/README.md": README });
  assert.equal(check(dir).code, 1);
});

test("fails on the old types name, also in the README", () => {
  const dir = repo({ "README.md": `A SQL driver paragraph naming ${OLD_TYPES}.\n` });
  const r = check(dir);
  assert.equal(r.code, 1);
  assert.match(r.out, /README\.md:1: @peaka\/types/);
});

test("new untracked files count, ignored files do not", () => {
  assert.equal(check(repo({ "a.md": "ok\n" }, { untracked: { "new.ts": `"${DRIVER}"\n` } })).code, 1);
  assert.equal(check(repo({ "a.md": "ok\n" }, { untracked: { "node_modules/x/index.js": `"${DRIVER}"\n` }, ignore: "node_modules/\n" })).code, 0);
});

test("--dist scans packages/*/dist and --dir a folder, with no README exception", () => {
  const built = repo({ "README.md": README }, { untracked: { "packages/client/dist/index.d.ts": `/** from ${DRIVER} */\n` }, ignore: "dist/\n" });
  assert.equal(check(built).code, 0);
  const r = check(built, "--dist");
  assert.equal(r.code, 1);
  assert.match(r.out, /packages\/client\/dist\/index\.d\.ts:1:/);
  const unpacked = repo({ "README.md": "ok\n" }, { untracked: { "pkg/package/README.md": README } });
  assert.equal(check(unpacked, "--dir", join(unpacked, "pkg")).code, 1);
});

test("findOldNames: whole names only; paragraphs end at blank lines", () => {
  assert.deepEqual(findOldNames("x.ts", `${DRIVER}s ${DRIVER}-extra @peaka/api`), []);
  assert.equal(findOldNames("x.ts", `(${DRIVER})`).length, 1);
  const text = `Our SQL driver note.\n\n${DRIVER} alone.\n`;
  assert.equal(findOldNames("README.md", text).length, 1);
  assert.equal(findOldNames("README.md", `Our SQL driver note,\n${DRIVER} same paragraph.\n`).length, 0);
});
