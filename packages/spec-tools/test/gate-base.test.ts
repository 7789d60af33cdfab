// spec:gate's choice of base: the latest release tag, a version already raised, and the fallbacks of a
// shallow or single-branch clone (HEAD~1, then a clear skip).
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

  it("falls back to HEAD~1 without tags or main, and skips with a message without history", () => {
    // A clone with only a feature branch: no tag, no main → HEAD~1.
    changeSpec(repo, additive);
    git(repo, "branch", "-D", "main");
    const r = gate(repo);
    expect(r.base).toBe("HEAD~1");
    expect(r.ok).toBe(false);

    // A single commit and a base that does not exist → skipped, not failed.
    const lone = tracked(tempDir("spec-gate-lone-"));
    git(lone, "init", "-q", "-b", "work");
    git(lone, "config", "user.email", "gate@example.test");
    git(lone, "config", "user.name", "gate test");
    writeFiles(lone, renderFixture(fixtureParts(), "spec", "peaka.yaml"));
    git(lone, "add", "-A");
    git(lone, "commit", "-q", "-m", "only");
    const skipped = gate(lone, { base: "origin/main" });
    expect(skipped.ok).toBe(true);
    expect(skipped.skipped).toBe(true);
    expect(skipped.output).toMatch(/SKIPPED, nothing to compare with/);
  });
});
