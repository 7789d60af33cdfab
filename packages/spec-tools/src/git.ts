// Small git helpers, and how the base of a comparison is chosen.
import { execFileSync } from "node:child_process";

export function git(repo: string, args: string[]): string {
  return execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

function tryGit(repo: string, args: string[]): string | undefined {
  try {
    return git(repo, args);
  } catch {
    return undefined;
  }
}

/** The commit `ref` names, or undefined if it names none. */
export function commitOf(repo: string, ref: string): string | undefined {
  return tryGit(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]) || undefined;
}

export interface BaseChoice {
  /** The ref to compare with, or undefined when none exists. */
  ref?: string;
  commit?: string;
  /** How it was chosen, for the report. */
  how: string;
}

/** The latest release tag: `@peaka/api@*` or `v*`, newest first by tag date. */
export function latestReleaseTag(repo: string): string | undefined {
  const out = tryGit(repo, ["tag", "--list", "@peaka/api@*", "v*", "--sort=-creatordate"]);
  return out ? out.split("\n").map((s) => s.trim()).find(Boolean) : undefined;
}

/** True in a shallow clone (CI checkouts often are): older commits and tags are missing. */
export function isShallow(repo: string): boolean {
  return tryGit(repo, ["rev-parse", "--is-shallow-repository"]) === "true";
}

/**
 * Fetches what a comparison needs from `origin`, when there is one: the whole history of a shallow
 * clone, the release tags, the base branch (`baseBranch`, default main) and `requested` when it names
 * an `origin/...` branch. Returns one line per step, for the report; failures are reported, not thrown
 * (the gate then fails for want of a base).
 */
export function fetchHistory(repo: string, options: { baseBranch?: string; requested?: string } = {}): string[] {
  const notes: string[] = [];
  if (!tryGit(repo, ["remote", "get-url", "origin"])) return ["no remote `origin` to fetch history from"];
  const step = (label: string, args: string[]) => {
    const ok = tryGit(repo, ["fetch", "--quiet", ...args]) !== undefined;
    notes.push(`${ok ? "fetched" : "could not fetch"} ${label}`);
    return ok;
  };
  if (isShallow(repo)) {
    if (!step("the full history (--unshallow)", ["--unshallow", "origin"])) step("200 more commits (--deepen=200)", ["--deepen=200", "origin"]);
  }
  step("release tags", ["--tags", "origin"]);
  const branches = new Set([options.baseBranch ?? "main"]);
  if (options.requested?.startsWith("origin/")) branches.add(options.requested.slice("origin/".length));
  for (const branch of branches) {
    if (!commitOf(repo, `origin/${branch}`)) step(`origin/${branch}`, ["origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
  }
  return notes;
}

/**
 * The base to compare the working copy with: the requested ref; else the latest release tag; else
 * `main` (or `origin/main`); else `HEAD~1`; else none. A requested ref that does not exist is not
 * replaced by a weaker one: the choice is empty and says why.
 */
export function chooseBase(repo: string, requested?: string): BaseChoice {
  const notes: string[] = [];
  if (requested) {
    const commit = commitOf(repo, requested);
    if (commit) return { ref: requested, commit, how: `${requested} (given)` };
    return { how: `${requested} (given) does not exist here${isShallow(repo) ? " (shallow clone)" : ""}` };
  } else {
    const tag = latestReleaseTag(repo);
    if (tag) {
      const commit = commitOf(repo, tag);
      if (commit) return { ref: tag, commit, how: `${tag} (latest release tag)` };
    }
    notes.push("no release tag (@peaka/api@* or v*)");
    for (const branch of ["main", "origin/main"]) {
      const commit = commitOf(repo, branch);
      if (commit) return { ref: branch, commit, how: `${branch} (${notes.join("; ")})` };
    }
    notes.push("no main or origin/main");
  }
  const parent = commitOf(repo, "HEAD~1");
  if (parent) return { ref: "HEAD~1", commit: parent, how: `HEAD~1 (${notes.join("; ")})` };
  notes.push(isShallow(repo) ? "no HEAD~1 (shallow clone)" : "no HEAD~1 (first commit)");
  return { how: notes.join("; ") };
}

/** Files under `dir` that differ between `ref` and the working copy, untracked ones included. */
export function changedFiles(repo: string, ref: string, dir: string): string[] {
  const tracked = git(repo, ["diff", "--name-only", ref, "--", dir]).split("\n");
  const untracked = git(repo, ["ls-files", "--others", "--exclude-standard", "--", dir]).split("\n");
  return [...new Set([...tracked, ...untracked].map((s) => s.trim()).filter(Boolean))].sort();
}
