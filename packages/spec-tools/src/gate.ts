// spec:gate: when spec/ changed since the base, the generated output must be up to date and a changeset
// must bump @peaka/api-types and @peaka/api by at least what the spec diff implies.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { BUMP_ORDER, diffAgainstRef, formatDiff, maxBump, type Bump } from "./diff.js";
import { changedFiles, chooseBase, commitOf, fetchHistory, git } from "./git.js";

export interface GeneratedCheck {
  label: string;
  command: string;
  args: string[];
}

export interface GateOptions {
  /** Repository root. */
  repo: string;
  /** Base ref; default: latest release tag, else main, else HEAD~1 (see chooseBase). */
  base?: string;
  /** Spec directory and root file, relative to `repo`. */
  specDir?: string;
  specRoot?: string;
  /** Packages every spec change must be released in. */
  packages?: string[];
  /** Commands that fail when generated output is out of date with spec/. */
  generatedChecks?: GeneratedCheck[];
  print?: (line: string) => void;
  /**
   * Fetch what the comparison needs from `origin` first (the history of a shallow clone, release tags,
   * the base branch). CI passes it; off by default so that local runs never touch the network.
   */
  fetch?: boolean;
  /** Pass (skipped) instead of failing when there is no base at all. Default: false: no base fails. */
  allowNoBase?: boolean;
}

export interface GateResult {
  ok: boolean;
  skipped: boolean;
  base?: string;
  required?: Bump;
  /** Effective bump each package gets from the new changesets. */
  provided?: Record<string, Bump>;
  problems: string[];
}

export const DEFAULT_PACKAGES = ["@peaka/api-types", "@peaka/api"];

export const DEFAULT_GENERATED_CHECKS: GeneratedCheck[] = [
  { label: "@peaka/api-types generate --check", command: "pnpm", args: ["--filter", "@peaka/api-types", "run", "generate:check"] },
  { label: "@peaka/api generate --check", command: "pnpm", args: ["--filter", "@peaka/api", "run", "generate:check"] },
];

export interface Changeset {
  file: string;
  releases: Record<string, Bump>;
}

/** Reads the front matter of a changeset file: `"pkg": major|minor|patch` lines between `---` fences. */
export function parseChangeset(text: string): Record<string, Bump> {
  const match = /^\s*---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!match) return {};
  const data = (match[1]?.trim() ? parse(match[1]) : {}) as Record<string, unknown> | null;
  const out: Record<string, Bump> = {};
  for (const [pkg, bump] of Object.entries(data ?? {})) {
    if (bump === "major" || bump === "minor" || bump === "patch" || bump === "none") out[pkg] = bump;
  }
  return out;
}

/** Changesets added or changed since `base` (pending ones that were already there belong to other changes). */
export function newChangesets(repo: string, base: string): Changeset[] {
  return changedFiles(repo, base, ".changeset")
    .filter((f) => f.endsWith(".md") && !/(^|\/)README\.md$/i.test(f) && existsSync(join(repo, f)))
    .map((file) => ({ file, releases: parseChangeset(readFileSync(join(repo, file), "utf8")) }));
}

/** The branch changesets compare with (`baseBranch` in .changeset/config.json), main by default. */
export function baseBranch(repo: string): string {
  try {
    const config = JSON.parse(readFileSync(join(repo, ".changeset/config.json"), "utf8"));
    return typeof config.baseBranch === "string" && config.baseBranch ? config.baseBranch : "main";
  } catch {
    return "main";
  }
}

/** Groups of packages changesets release together (`fixed` and `linked` in .changeset/config.json). */
export function fixedGroups(repo: string): string[][] {
  try {
    const config = JSON.parse(readFileSync(join(repo, ".changeset/config.json"), "utf8"));
    return Array.isArray(config.fixed) ? config.fixed : [];
  } catch {
    return [];
  }
}

/** The bump each package gets: its own, or the largest of its fixed group's. */
export function effectiveBumps(changesets: Changeset[], packages: string[], groups: string[][]): Record<string, Bump> {
  const out: Record<string, Bump> = {};
  for (const pkg of packages) {
    const group = groups.find((g) => g.includes(pkg)) ?? [pkg];
    out[pkg] = maxBump(...changesets.flatMap((c) => group.map((name) => c.releases[name] ?? "none")));
  }
  return out;
}

export function runGate(options: GateOptions): GateResult {
  const print = options.print ?? console.log;
  const repo = options.repo;
  const specDir = options.specDir ?? "spec";
  const specRoot = options.specRoot ?? `${specDir}/peaka.yaml`;
  const packages = options.packages ?? DEFAULT_PACKAGES;
  const checks = options.generatedChecks ?? DEFAULT_GENERATED_CHECKS;

  if (options.fetch) {
    for (const note of fetchHistory(repo, { baseBranch: baseBranch(repo), ...(options.base ? { requested: options.base } : {}) })) {
      print(`spec gate: ${note}`);
    }
  }
  let base = chooseBase(repo, options.base);
  // On the default branch itself the default base is HEAD. Everything since the last release must be
  // covered by the pending changesets, so compare with the last release commit (the newest commit
  // that changed a package's version); without one, with the last commit.
  if (!options.base && base.commit && base.commit === commitOf(repo, "HEAD") && changedFiles(repo, "HEAD", specDir).length === 0) {
    const head = base.commit;
    const release = lastVersionCommit(repo, packages[0] ?? "@peaka/api");
    const parent = commitOf(repo, "HEAD~1");
    if (release && release !== head) {
      base = { ref: release, commit: release, how: `${release.slice(0, 12)}, the last release commit (the last change of ${packages[0]}'s version; ${base.ref} is HEAD itself)` };
    } else if (parent) {
      base = { ref: "HEAD~1", commit: parent, how: `HEAD~1 (${base.ref} is HEAD itself)` };
    }
  }
  if (!base.ref) {
    const why = `nothing to compare with (${base.how})`;
    if (options.allowNoBase) {
      print(`spec gate: SKIPPED (--allow-no-base), ${why}.`);
      return { ok: true, skipped: true, problems: [] };
    }
    const problem = `${why}: fetch the history and tags (\`pnpm spec:gate --fetch\`, or fetch-depth: 0 in CI) or name an existing base ref.`;
    print(`spec gate: FAILED, ${problem}`);
    return { ok: false, skipped: true, problems: [problem] };
  }
  print(`spec gate: base ${base.how}`);
  const changed = changedFiles(repo, base.ref, specDir);
  if (changed.length === 0) {
    print(`spec gate: ${specDir}/ unchanged since ${base.ref}; nothing to check.`);
    return { ok: true, skipped: false, base: base.ref, required: "none", problems: [] };
  }
  print(`spec gate: ${changed.length} file(s) changed under ${specDir}/: ${changed.join(", ")}`);

  const problems: string[] = [];
  for (const check of checks) {
    const result = spawnSync(check.command, check.args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (result.status === 0) {
      print(`  ok    ${check.label}`);
    } else {
      const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`.trim();
      print(`  FAIL  ${check.label}\n${output.split("\n").map((l) => `        ${l}`).join("\n")}`);
      problems.push(`generated output is out of date (${check.label}): run \`pnpm generate\` and commit the result.`);
    }
  }

  const diff = diffAgainstRef(repo, base.ref, specRoot);
  print(formatDiff(diff, base.ref));
  const required = diff.bump;
  let provided: Record<string, Bump> | undefined;
  if (required === "none") {
    print("spec gate: no change to the description's content, so no changeset is required.");
  } else {
    const changesets = newChangesets(repo, base.ref);
    provided = effectiveBumps(changesets, packages, fixedGroups(repo));
    // A version already raised since the base (`pnpm changeset version` consumed the changesets) counts too.
    for (const pkg of packages) {
      const raised = versionBumpSince(repo, base.ref, pkg);
      if (raised !== "none") {
        print(`spec gate: ${pkg} version already raised since ${base.ref} (${raised}).`);
        provided[pkg] = maxBump(provided[pkg] ?? "none", raised);
      }
    }
    print(
      changesets.length
        ? `spec gate: new changesets: ${changesets.map((c) => `${c.file} (${Object.entries(c.releases).map(([p, b]) => `${p}: ${b}`).join(", ") || "no releases"})`).join("; ")}`
        : "spec gate: no new changeset in .changeset/",
    );
    for (const pkg of packages) {
      const got = provided[pkg] ?? "none";
      // Before 1.0.0 a breaking change is a minor bump (semver's 0.y.z: 0.1.0 -> 0.2.0), so that a
      // breaking spec change does not publish 1.0.0 by accident.
      const initial = majorAt(repo, base.ref, pkg) === 0;
      const needed: Bump = required === "major" && initial ? "minor" : required;
      if (needed !== required) print(`spec gate: ${pkg} is below 1.0.0 at ${base.ref}: a breaking change needs a minor bump.`);
      if (BUMP_ORDER.indexOf(got) < BUMP_ORDER.indexOf(needed)) {
        problems.push(
          got === "none"
            ? `${pkg} needs a ${needed} changeset for this spec change: run \`pnpm changeset\` and choose ${needed}.`
            : `${pkg} is bumped ${got}, but the spec change is ${required}: raise the changeset to ${needed}.`,
        );
      }
    }
  }
  if (problems.length) {
    print(`spec gate: FAILED\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  } else {
    print(`spec gate: passed (required bump: ${required}).`);
  }
  return { ok: problems.length === 0, skipped: false, base: base.ref, required, ...(provided ? { provided } : {}), problems };
}

/** Where each workspace package lives: `packages/<dir>/package.json`, by package name. */
function packageJsonPath(repo: string, name: string): string | undefined {
  const listed = git(repo, ["ls-files", "--cached", "--others", "--exclude-standard", "--", "packages/*/package.json"]);
  for (const file of listed.split("\n").filter(Boolean)) {
    try {
      if (JSON.parse(readFileSync(join(repo, file), "utf8")).name === name) return file;
    } catch {}
  }
  return undefined;
}

function parseVersion(v: unknown): [number, number, number] | undefined {
  const m = typeof v === "string" ? /^(\d+)\.(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The newest commit whose diff changes the `"version"` line of `pkg`'s package.json (a release, or its creation). */
export function lastVersionCommit(repo: string, pkg: string): string | undefined {
  const file = packageJsonPath(repo, pkg);
  if (!file) return undefined;
  try {
    const out = git(repo, ["log", "-1", "--format=%H", "-G", '"version"[[:space:]]*:', "HEAD", "--", file]).trim();
    return out || undefined;
  } catch {
    return undefined;
  }
}

/** The major version of `pkg` at `base` (undefined when it cannot be read). */
function majorAt(repo: string, base: string, pkg: string): number | undefined {
  const file = packageJsonPath(repo, pkg);
  if (!file) return undefined;
  try {
    return parseVersion(JSON.parse(git(repo, ["show", `${base}:${file}`])).version)?.[0];
  } catch {
    return undefined;
  }
}

/** How far `pkg`'s version was raised between `base` and the working copy. */
export function versionBumpSince(repo: string, base: string, pkg: string): Bump {
  const file = packageJsonPath(repo, pkg);
  if (!file) return "none";
  let before: [number, number, number] | undefined;
  try {
    before = parseVersion(JSON.parse(git(repo, ["show", `${base}:${file}`])).version);
  } catch {
    return "none";
  }
  const after = parseVersion(JSON.parse(readFileSync(join(repo, file), "utf8")).version);
  if (!before || !after) return "none";
  if (after[0] > before[0]) return "major";
  if (after[0] < before[0]) return "none";
  if (after[1] > before[1]) return "minor";
  if (after[1] < before[1]) return "none";
  return after[2] > before[2] ? "patch" : "none";
}
