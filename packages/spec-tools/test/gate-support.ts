// Helpers of the spec:gate tests: temporary git repositories with a minimal spec and changeset setup.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runGate, type GateOptions } from "../src/gate.js";
import { fixtureParts, renderFixture, tempDir, writeFiles, type FixtureParts } from "./fixtures.js";
export { fixtureParts, renderFixture, tempDir, writeFiles };

const roots: string[] = [];
/** Removes every repository made so far (call from afterAll). */
export function cleanUp(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

export const OK_CHECK = [{ label: "generate --check (stub)", command: process.execPath, args: ["-e", "process.exit(0)"] }];
export const STALE_CHECK = [
  { label: "generate --check (stub, stale)", command: process.execPath, args: ["-e", "console.error('out of date'); process.exit(1)"] },
];

export function git(repo: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: "pipe" }).trim();
}

/** A repository with a minimal spec, changeset setup and the two packages, committed on main. */
export function makeRepo(): string {
  const repo = tempDir("spec-gate-");
  roots.push(repo);
  git(repo, "init", "-q", "-b", "main");
  git(repo, "config", "user.email", "gate@example.test");
  git(repo, "config", "user.name", "gate test");
  git(repo, "config", "commit.gpgsign", "false");
  writeFiles(repo, {
    ...renderFixture(fixtureParts(), "spec", "peaka.yaml"),
    ".changeset/config.json": JSON.stringify({ fixed: [["@peaka/api-types", "@peaka/api"]], baseBranch: "main" }, null, 2),
    ".changeset/README.md": "# Changesets\n",
    "packages/types/package.json": JSON.stringify({ name: "@peaka/api-types", version: "0.1.0" }),
    "packages/client/package.json": JSON.stringify({ name: "@peaka/api", version: "0.1.0" }),
  });
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "initial");
  return repo;
}

/** On a branch, change the spec and commit it. */
export function changeSpec(repo: string, mutate: (p: FixtureParts) => void): void {
  git(repo, "checkout", "-q", "-b", "feature");
  const parts = fixtureParts();
  mutate(parts);
  writeFiles(repo, renderFixture(parts, "spec", "peaka.yaml"));
  git(repo, "commit", "-q", "-am", "spec change");
}

export function changeset(repo: string, name: string, releases: Record<string, string>): void {
  const front = Object.entries(releases).map(([p, b]) => `"${p}": ${b}`).join("\n");
  writeFileSync(join(repo, ".changeset", `${name}.md`), `---\n${front}\n---\n\nA change users notice.\n`);
}

export function gate(repo: string, extra: Partial<GateOptions> = {}) {
  const lines: string[] = [];
  const result = runGate({ repo, generatedChecks: OK_CHECK, print: (l) => lines.push(l), ...extra });
  return { ...result, output: lines.join("\n") };
}

export const additive = (p: FixtureParts) => (p.schemas["Thing"].properties.colour = { type: "string" });
export const breaking = (p: FixtureParts) => delete p.paths["things"].post;

/** A temporary directory removed by cleanUp(). */
export function tracked(dir: string): string {
  roots.push(dir);
  return dir;
}
