// Where things are: the repository root, the spec root file, and paths given on the command line.
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (packages/spec-tools/src/ → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The spec's root file, relative to the repository root. */
export const SPEC_ROOT = "spec/peaka.yaml";

/** Resolves a path typed by the user against the directory pnpm was started in. */
export function userPath(path: string): string {
  if (isAbsolute(path)) return path;
  return resolve(process.env["INIT_CWD"] ?? process.cwd(), path);
}
