// Loading OpenAPI descriptions: the multi-file spec/ (from disk or from a git ref) and single documents
// (Peaka's published JSON).
import { execFileSync } from "node:child_process";

// The multi-file loader is @peaka/mock's (the one the generators and contract tests use); this module
// adds a reader for files as committed at a git ref.
export { deref, diskReader, loadMultiFile, parseDocument, pointer, type Doc, type FileReader } from "@peaka/mock/spec";
import type { FileReader } from "@peaka/mock/spec";

/** A reader for files as committed at `ref` in the git repository at `repo` (`git show ref:path`). */
export function gitReader(repo: string, ref: string): FileReader {
  return (path) =>
    execFileSync("git", ["show", `${ref}:${path}`], {
      cwd: repo,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
}
