// spec:gate's choice of base: the latest release tag, on main the last release commit, a version
// already raised, and the fallbacks of a shallow or single-branch clone: HEAD~1, fetching what is missing, and a loud failure when there is
// still nothing to compare with.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { additive, changeSpec, changeset, cleanUp, fixtureParts, gate, git, makeRepo, renderFixture, tempDir, tracked, writeFiles } from "./gate-support.js";

afterAll(cleanUp);

describe("spec:gate base", () => {
  let repo: string;
  beforeEach(() => {
    repo = makeRepo();
  });

  it("prefers the latest release tag as the base", () => {
    git(repo, "tag", "@peaka/api@0.1.0");
    changeSpec(repo, additive);
    changeset(repo, "enough", { "@peaka/api": "minor" });
    const r = gate(repo);
    expect(r.base).toBe("@peaka/api@0.1.0");
    expect(r.ok).toBe(true);
  });

  it("accepts a version already raised since the base (changesets consumed by `changeset version`)", () => {
    git(repo, "tag", "v0.1.0");
    changeSpec(repo, additive);
    writeFiles(repo, {
      "packages/types/package.json": JSON.stringify({ name: "@peaka/api-types", version: "0.2.0" }),
      "packages/client/package.json": JSON.stringify({ name: "@peaka/api", version: "0.2.0" }),
    });
    const r = gate(repo);
    expect(r.base).toBe("v0.1.0");
    expect(r.ok).toBe(true);
  });

  it("falls back to HEAD~1 without tags or main", () => {
    // A clone with only a feature branch: no tag, no main → HEAD~1, a real comparison.
    changeSpec(repo, additive);
    git(repo, "branch", "-D", "main");
    const r = gate(repo);
    expect(r.base).toBe("HEAD~1");
    expect(r.skipped).toBe(false);
    expect(r.ok).toBe(false); // the additive change has no changeset
  });

  it("fails loudly, never passes, when there is nothing to compare with", () => {
    const lone = loneRepo();
    const r = gate(lone);
    expect(r.ok).toBe(false);
    expect(r.skipped).toBe(true);
    expect(r.output).toMatch(/FAILED, nothing to compare with \(.*no HEAD~1/);
    expect(r.problems.join("\n")).toMatch(/--fetch/);
    // only an explicit --allow-no-base turns that into a skip
    const allowed = gate(lone, { allowNoBase: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.output).toMatch(/SKIPPED \(--allow-no-base\)/);
  });

  it("fails when the requested base does not exist, instead of comparing with something weaker", () => {
    changeSpec(repo, additive);
    changeset(repo, "enough", { "@peaka/api": "minor" });
    const r = gate(repo, { base: "origin/release-7" });
    expect(r.ok).toBe(false);
    expect(r.base).toBeUndefined();
    expect(r.output).toMatch(/origin\/release-7 \(given\) does not exist here/);
  });

  it("in a shallow clone fails without --fetch, and with --fetch compares against the fetched base branch", () => {
    changeSpec(repo, additive); // on branch feature, one commit after main
    const shallow = tracked(tempDir("spec-gate-shallow-"));
    execFileSync("git", ["clone", "-q", "--depth", "1", "--branch", "feature", `file://${repo}`, shallow], { stdio: "pipe" });
    expect(git(shallow, "rev-parse", "--is-shallow-repository")).toBe("true");

    const blind = gate(shallow);
    expect(blind.ok).toBe(false);
    expect(blind.output).toMatch(/nothing to compare with.*shallow clone/);

    const r = gate(shallow, { fetch: true });
    expect(r.output).toMatch(/fetched the full history/);
    expect(r.output).toMatch(/fetched origin\/main/);
    expect(r.base).toBe("origin/main");
    expect(r.skipped).toBe(false);
    expect(r.required).toBe("minor");
    expect(r.ok).toBe(false); // a real comparison: the additive change still lacks its changeset
    expect(git(shallow, "rev-parse", "--is-shallow-repository")).toBe("false");
  });

  it("on main, compares with the last release commit: a spec change two commits back without a changeset fails", () => {
    changeSpec(repo, additive); // committed on a branch, without a changeset
    git(repo, "checkout", "-q", "main");
    git(repo, "merge", "-q", "--ff-only", "feature");
    writeFileSync(join(repo, "README.md"), "docs only\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "docs");
    const clone = tracked(tempDir("spec-gate-clone-"));
    execFileSync("git", ["clone", "-q", repo, clone], { stdio: "pipe" });
    const initial = git(clone, "rev-list", "--max-parents=0", "HEAD");

    const r = gate(clone, { fetch: true });
    expect(r.base).toBe(initial); // not HEAD~1, where spec/ did not change
    expect(r.output).toMatch(/last release commit/);
    expect(r.required).toBe("minor");
    expect(r.ok).toBe(false);

    // a release (a version change) moves the base: the same change is then behind it
    writeFileSync(join(repo, "packages/client/package.json"), JSON.stringify({ name: "@peaka/api", version: "0.2.0" }));
    writeFileSync(join(repo, "packages/types/package.json"), JSON.stringify({ name: "@peaka/api-types", version: "0.2.0" }));
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "release 0.2.0");
    writeFileSync(join(repo, "README.md"), "more docs\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "docs after the release");
    const after = tracked(tempDir("spec-gate-clone-"));
    execFileSync("git", ["clone", "-q", repo, after], { stdio: "pipe" });
    const r2 = gate(after, { fetch: true });
    expect(r2.base).toBe(git(after, "rev-parse", "HEAD~1"));
    expect(r2.ok).toBe(true);
  });

  it("compares since the last release in a fresh full clone of main (how CI checks out), and passes when it is in order", () => {
    changeSpec(repo, additive);
    changeset(repo, "enough", { "@peaka/api": "minor" });
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "changeset");
    git(repo, "checkout", "-q", "main");
    git(repo, "merge", "-q", "--squash", "feature");
    git(repo, "commit", "-q", "-m", "spec change with its changeset");
    const clone = tracked(tempDir("spec-gate-clone-"));
    execFileSync("git", ["clone", "-q", repo, clone], { stdio: "pipe" });

    const r = gate(clone, { fetch: true });
    expect(r.base).toBe(git(clone, "rev-parse", "HEAD~1")); // the initial commit, where the versions were set
    expect(r.skipped).toBe(false);
    expect(r.required).toBe("minor"); // the spec did change in the last commit: it was really compared
    expect(r.ok).toBe(true);

    // the same clone with the changeset left out of that commit fails
    const bare = tracked(tempDir("spec-gate-clone-"));
    git(repo, "rm", "-q", ".changeset/enough.md");
    git(repo, "commit", "-q", "--amend", "--no-edit");
    execFileSync("git", ["clone", "-q", repo, bare], { stdio: "pipe" });
    expect(gate(bare, { fetch: true }).ok).toBe(false);
  });
});

/** A repository with a single commit on a branch that is not main: no HEAD~1, no main, no tag. */
function loneRepo(): string {
  const lone = tracked(tempDir("spec-gate-lone-"));
  git(lone, "init", "-q", "-b", "work");
  git(lone, "config", "user.email", "gate@example.test");
  git(lone, "config", "user.name", "gate test");
  writeFiles(lone, renderFixture(fixtureParts(), "spec", "peaka.yaml"));
  git(lone, "add", "-A");
  git(lone, "commit", "-q", "-m", "only");
  return lone;
}
