// pnpm release:metadata [--write] — the public packages' `repository`, `homepage` and `bugs` come from
// one value, release/metadata.json's `repository`. Without --write it checks every public package.json
// (and that the package's README.md links to the repository); with --write it sets them. The
// rehearsal's manifest checks compare the published manifests with the same expected values.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");

/** release/metadata.json of the repository at root. */
export function readMetadata(root = ROOT) {
  const meta = JSON.parse(readFileSync(join(root, "release", "metadata.json"), "utf8"));
  const url = String(meta.repository ?? "").replace(/\/+$/, "");
  if (!/^https:\/\/[^/]+\/[^/]+\/[^/]+$/.test(url)) throw new Error(`release/metadata.json: repository must be https://host/owner/name (got ${JSON.stringify(meta.repository)})`);
  return { repository: url, placeholder: meta.placeholder === true };
}

/** The fields a public package in folder `directory` (relative to the root, with `/`) must carry. */
export function expectedFields(meta, directory) {
  return {
    repository: { type: "git", url: `git+${meta.repository}.git`, directory },
    homepage: `${meta.repository}/tree/main/${directory}#readme`,
    bugs: { url: `${meta.repository}/issues` },
  };
}

/** One line saying where the metadata comes from, flagging a placeholder. */
export function describeMetadata(meta) {
  return `repository ${meta.repository} (from release/metadata.json)${meta.placeholder ? " — PLACEHOLDER: set the real address there before the first release" : ""}`;
}

/** Every package of the pnpm workspace at root: name, version, dir, private. */
export function workspacePackages(root = ROOT) {
  const out = execFileSync("pnpm", ["ls", "-r", "--depth", "-1", "--json"], { cwd: root, encoding: "utf8" });
  return JSON.parse(out)
    .filter((p) => p.path !== root && p.name)
    .map((p) => ({ name: p.name, version: p.version, dir: p.path, private: p.private === true }));
}

/** The differences between a manifest's fields and the expected ones, as messages. */
export function compareFields(manifest, expected) {
  const problems = [];
  for (const [key, want] of Object.entries(expected)) {
    const have = manifest[key];
    if (JSON.stringify(have) !== JSON.stringify(want)) problems.push(`${key} is ${JSON.stringify(have)}, expected ${JSON.stringify(want)}`);
  }
  return problems;
}

/** Inserts or replaces keys after `after` in an object, keeping the other keys' order. */
function withFields(manifest, fields, after) {
  const out = {};
  for (const [k, v] of Object.entries(manifest)) {
    if (k in fields) continue;
    out[k] = v;
    if (k === after) Object.assign(out, fields);
  }
  for (const [k, v] of Object.entries(fields)) if (!(k in out)) out[k] = v;
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes("--write");
  const meta = readMetadata();
  console.log(describeMetadata(meta));
  let failed = false;
  for (const pkg of workspacePackages().filter((p) => !p.private)) {
    const directory = relative(ROOT, pkg.dir).split("\\").join("/");
    const file = join(pkg.dir, "package.json");
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    const expected = expectedFields(meta, directory);
    const problems = compareFields(manifest, expected);
    if (write && problems.length) {
      writeFileSync(file, `${JSON.stringify(withFields(manifest, expected, "license"), null, 2)}\n`);
      console.log(`wrote ${directory}/package.json`);
      continue;
    }
    const readme = join(pkg.dir, "README.md");
    if (!existsSync(readme)) problems.push("README.md is missing");
    else if (!readFileSync(readme, "utf8").includes(meta.repository)) problems.push(`README.md does not link to ${meta.repository}`);
    for (const p of problems) console.error(`FAIL ${pkg.name}: ${p}`);
    if (problems.length) failed = true;
    else console.log(`ok   ${pkg.name}: repository, homepage, bugs`);
  }
  if (failed) {
    console.error("run `pnpm release:metadata --write` (and fix READMEs by hand)");
    process.exit(1);
  }
}
