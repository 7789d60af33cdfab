// spec:gate in a temporary git repository: a spec change needs up-to-date generated output and a
// changeset that bumps @peaka/api-types and @peaka/api by at least what the diff implies.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { additive, breaking, changeSpec, changeset, cleanUp, gate, git, makeRepo, STALE_CHECK } from "./gate-support.js";

/** Commits both packages at `version` on the base branch (the gate reads the version at the base). */
function setVersions(repo: string, version: string): void {
  writeFileSync(join(repo, "packages/types/package.json"), JSON.stringify({ name: "@peaka/api-types", version }));
  writeFileSync(join(repo, "packages/client/package.json"), JSON.stringify({ name: "@peaka/api", version }));
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", `release ${version}`);
}

afterAll(cleanUp);

describe("spec:gate", () => {
  let repo: string;
  beforeEach(() => {
    repo = makeRepo();
  });

  it("passes when spec/ did not change", () => {
    git(repo, "checkout", "-q", "-b", "feature");
    writeFileSync(join(repo, "README.md"), "docs only\n");
    const r = gate(repo);
    expect(r.ok).toBe(true);
    expect(r.output).toMatch(/unchanged since main/);
  });

  it("fails an additive change without a changeset", () => {
    changeSpec(repo, additive);
    const r = gate(repo);
    expect(r.ok).toBe(false);
    expect(r.required).toBe("minor");
    expect(r.problems.join("\n")).toMatch(/@peaka\/api-types needs a minor changeset/);
    expect(r.problems.join("\n")).toMatch(/@peaka\/api needs a minor changeset/);
  });

  it("fails an additive change with a too-small (patch) changeset", () => {
    changeSpec(repo, additive);
    changeset(repo, "small", { "@peaka/api-types": "patch", "@peaka/api": "patch" });
    const r = gate(repo);
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toMatch(/bumped patch, but the spec change is minor/);
  });

  it("passes an additive change with a minor changeset (uncommitted or committed)", () => {
    changeSpec(repo, additive);
    changeset(repo, "enough", { "@peaka/api-types": "minor", "@peaka/api": "minor" });
    expect(gate(repo).ok).toBe(true);
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "changeset");
    const r = gate(repo);
    expect(r.ok).toBe(true);
    expect(r.provided).toEqual({ "@peaka/api-types": "minor", "@peaka/api": "minor" });
  });

  it("counts the fixed group: a changeset naming one package releases both", () => {
    changeSpec(repo, additive);
    changeset(repo, "client-only", { "@peaka/api": "minor" });
    expect(gate(repo).ok).toBe(true);
  });

  it("needs only minor for a breaking change while the packages are below 1.0.0", () => {
    changeSpec(repo, breaking);
    changeset(repo, "patch", { "@peaka/api-types": "patch", "@peaka/api": "patch" });
    const tooSmall = gate(repo);
    expect(tooSmall.ok).toBe(false);
    expect(tooSmall.output).toMatch(/below 1\.0\.0/);
    expect(tooSmall.problems.join("\n")).toMatch(/raise the changeset to minor/);
    changeset(repo, "patch", { "@peaka/api-types": "minor", "@peaka/api": "minor" });
    expect(gate(repo).ok).toBe(true);
  });

  it("needs major for a breaking change from 1.0.0 on: minor is too small, major passes", () => {
    setVersions(repo, "1.0.0");
    changeSpec(repo, breaking);
    changeset(repo, "minor", { "@peaka/api-types": "minor", "@peaka/api": "minor" });
    const tooSmall = gate(repo);
    expect(tooSmall.ok).toBe(false);
    expect(tooSmall.required).toBe("major");
    expect(tooSmall.output).toMatch(/breaking\s+operation removed/);
    changeset(repo, "minor", { "@peaka/api-types": "major", "@peaka/api": "major" });
    expect(gate(repo).ok).toBe(true);
  });

  it("needs at least patch for a prose-only change", () => {
    changeSpec(repo, (p) => (p.paths["things"].get.description = "Other words."));
    const none = gate(repo);
    expect(none.ok).toBe(false);
    expect(none.required).toBe("patch");
    changeset(repo, "words", { "@peaka/api-types": "patch", "@peaka/api": "patch" });
    expect(gate(repo).ok).toBe(true);
  });

  it("does not count changesets that were already pending at the base", () => {
    changeset(repo, "old", { "@peaka/api-types": "major", "@peaka/api": "major" });
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "older pending changeset");
    changeSpec(repo, additive);
    expect(gate(repo).ok).toBe(false);
  });

  it("fails when the generated output is out of date, even with a changeset", () => {
    changeSpec(repo, additive);
    changeset(repo, "enough", { "@peaka/api": "minor" });
    const r = gate(repo, { generatedChecks: STALE_CHECK });
    expect(r.ok).toBe(false);
    expect(r.problems.join("\n")).toMatch(/generated output is out of date/);
  });
});
