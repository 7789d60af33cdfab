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

/**
 * The base to compare the working copy with: the requested ref; else the latest release tag; else
 * `main` (or `origin/main`); else `HEAD~1`; else none. A requested ref that does not exist (a shallow
 * clone, a missing branch) falls back the same way, and the reason is reported.
 */
export function chooseBase(repo: string, requested?: string): BaseChoice {
  const notes: string[] = [];
  if (requested) {
    const commit = commitOf(repo, requested);
    if (commit) return { ref: requested, commit, how: `${requested} (given)` };
    notes.push(`${requested} (given) does not exist here`);
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
  notes.push("no HEAD~1 (shallow clone or first commit)");
  return { how: notes.join("; ") };
}

/** Files under `dir` that differ between `ref` and the working copy, untracked ones included. */
export function changedFiles(repo: string, ref: string, dir: string): string[] {
  const tracked = git(repo, ["diff", "--name-only", ref, "--", dir]).split("\n");
  const untracked = git(repo, ["ls-files", "--others", "--exclude-standard", "--", dir]).split("\n");
  return [...new Set([...tracked, ...untracked].map((s) => s.trim()).filter(Boolean))].sort();
}
