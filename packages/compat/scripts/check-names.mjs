// pnpm check:names — fails if an old package name comes back: OLD_NAMES below. The first is Peaka's own
// SQL driver on the npm registry (a different library; our client is @peaka/api), the second the old name
// of @peaka/api-types. Neither may appear in the repository, the built dist/ folders or the published
// tarballs.
//
// Where the SQL driver's name is allowed:
//   - README.md at the root, in a paragraph (consecutive non-blank lines) that also says "SQL driver":
//     the paragraph that tells users which package to use;
//   - any CHANGELOG.md (release notes may say what something was called before).
// The old types name is allowed in CHANGELOG.md files only.
//
// Usage: node check-names.mjs [--root DIR] [--dist] [--dir DIR ...]
//   (default)   every file git tracks, plus untracked files that are not ignored (new files count too)
//   --dist      also every file under packages/*/dist (what gets packed)
//   --dir DIR   also every file under DIR, as shipped (e.g. an unpacked tarball; no exceptions but CHANGELOG.md)
// Binary files (with a NUL byte) are skipped. Exit 1 with one line per occurrence.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Spelled in two parts so that this file does not name them itself.
const SCOPE = "@peaka/";
export const OLD_NAMES = [`${SCOPE}client`, `${SCOPE}types`];
const SQL_DRIVER = OLD_NAMES[0];
const MARKER = /SQL driver/i;

/** The name as a whole word: not followed by a letter, digit, `_` or `-` (so `.../clients` does not count). */
function pattern(name) {
  return new RegExp(`${name.replace(/[/.]/g, "\\$&")}(?![\\w-])`, "g");
}

/**
 * The occurrences of the old names in one file's text that are not allowed.
 * @param {string} path path relative to the repository root (or the scanned folder), with `/`
 * @param {string} text
 * @param {{ readmeParagraphs?: boolean }} [options] allow the SQL-driver paragraph of a root README.md
 * @returns {{ path: string, line: number, name: string, text: string }[]}
 */
export function findOldNames(path, text, options = { readmeParagraphs: true }) {
  if (basename(path) === "CHANGELOG.md") return [];
  const lines = text.split(/\r?\n/);
  const found = [];
  for (const name of OLD_NAMES) {
    const re = pattern(name);
    lines.forEach((line, i) => {
      if (!re.test(line)) return;
      re.lastIndex = 0;
      if (options.readmeParagraphs && path === "README.md" && name === SQL_DRIVER && MARKER.test(paragraphAt(lines, i))) return;
      found.push({ path, line: i + 1, name, text: excerpt(line, line.search(pattern(name))) });
    });
  }
  return found;
}

/** At most 160 characters of a line around position at (minified files have long lines). */
function excerpt(line, at) {
  const t = line.trim();
  if (t.length <= 160) return t;
  const start = Math.max(0, line.indexOf(line.trim()) > at ? 0 : at - 60);
  return `…${line.slice(start, start + 160).trim()}…`;
}

/** The paragraph (run of non-blank lines) around line i. */
function paragraphAt(lines, i) {
  let start = i;
  let end = i;
  while (start > 0 && lines[start - 1].trim() !== "") start--;
  while (end < lines.length - 1 && lines[end + 1].trim() !== "") end++;
  return lines.slice(start, end + 1).join("\n");
}

/** Files git knows about in root: tracked, plus untracked ones not ignored; those that exist. */
export function repositoryFiles(root) {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(out.split("\0").filter(Boolean))].filter((f) => {
    const p = join(root, f);
    return existsSync(p) && statSync(p).isFile();
  });
}

function walk(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(p));
    else if (entry.isFile()) files.push(p);
  }
  return files;
}

function readText(file) {
  const buf = readFileSync(file);
  return buf.includes(0) ? undefined : buf.toString("utf8");
}

/** Scans every file under dir (no README exception). Paths in the result are relative to dir's parent label. */
export function scanDir(dir, label = dir) {
  const found = [];
  for (const file of walk(dir)) {
    const text = readText(file);
    if (text !== undefined) found.push(...findOldNames(`${label}/${relative(dir, file).split("\\").join("/")}`, text, { readmeParagraphs: false }));
  }
  return found;
}

/** Scans the repository at root (and, with dist, packages/*\/dist). */
export function scanRepository(root, { dist = false } = {}) {
  const found = [];
  let files = 0;
  for (const f of repositoryFiles(root)) {
    const text = readText(join(root, f));
    if (text === undefined) continue;
    files++;
    found.push(...findOldNames(f, text));
  }
  if (dist) {
    const packages = join(root, "packages");
    for (const name of existsSync(packages) ? readdirSync(packages) : []) {
      const d = join(packages, name, "dist");
      if (existsSync(d)) {
        const hits = scanDir(d, `packages/${name}/dist`);
        found.push(...hits);
        files += walk(d).length;
      }
    }
  }
  return { found, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let root = resolve(fileURLToPath(import.meta.url), "../../../..");
  const dirs = [];
  let dist = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--root") root = resolve(args[++i]);
    else if (args[i] === "--dist") dist = true;
    else if (args[i] === "--dir") dirs.push(resolve(args[++i]));
    else {
      console.error(`unknown argument ${args[i]}`);
      process.exit(2);
    }
  }
  const { found, files } = scanRepository(root, { dist });
  for (const d of dirs) found.push(...scanDir(d));
  if (found.length) {
    for (const f of found) console.error(`${f.path}:${f.line}: ${f.name}: ${f.text}`);
    console.error(
      `\nold package names found (${found.length}). ${SQL_DRIVER} is Peaka's SQL driver, not this SDK: use @peaka/api / @peaka/api-types.` +
        ` Only the README paragraph that says "SQL driver" and CHANGELOG.md files may name it.`,
    );
    process.exit(1);
  }
  console.log(`old names: none in ${files} files${dist ? " (with packages/*/dist)" : ""}${dirs.length ? ` and ${dirs.join(", ")}` : ""}`);
}
