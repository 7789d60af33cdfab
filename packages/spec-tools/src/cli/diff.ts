// pnpm spec:diff [base-ref]
import { diffAgainstRef, formatDiff } from "../diff.js";
import { chooseBase } from "../git.js";
import { REPO_ROOT, SPEC_ROOT } from "../repo.js";

const args = process.argv.slice(2).filter((a) => a !== "--");
if (args.includes("--help") || args.includes("-h")) {
  console.log(`Usage: pnpm spec:diff [base-ref]

Compares ${SPEC_ROOT} (with every file it references) as committed at base-ref with the working copy,
classifies each change as breaking, additive or patch, and prints the implied version bump.
base-ref defaults to the latest tag matching @peaka/api@* or v*, else main.`);
  process.exit(0);
}
try {
  const base = chooseBase(REPO_ROOT, args[0]);
  if (!base.ref) {
    console.log(`spec:diff: nothing to compare with (${base.how}).`);
  } else {
    console.log(formatDiff(diffAgainstRef(REPO_ROOT, base.ref, SPEC_ROOT), base.how));
  }
} catch (error) {
  console.error(`spec:diff failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
