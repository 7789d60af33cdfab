// pnpm spec:gate [base-ref]
import { runGate } from "../gate.js";
import { REPO_ROOT } from "../repo.js";

const args = process.argv.slice(2).filter((a) => a !== "--");
if (args.includes("--help") || args.includes("-h")) {
  console.log(`Usage: pnpm spec:gate [base-ref]

When spec/ changed since base-ref (default: latest @peaka/api@* or v* tag, else main, else HEAD~1):
  - the generated output of @peaka/api-types and @peaka/api must be up to date (their generate --check), and
  - a changeset added since base-ref must bump @peaka/api-types and @peaka/api by at least the bump
    pnpm spec:diff implies (breaking → major, additive → minor, prose → patch).
Skips (exit 0) with a message when there is nothing to compare with.`);
  process.exit(0);
}
try {
  const result = runGate({ repo: REPO_ROOT, ...(args[0] ? { base: args[0] } : {}) });
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`spec:gate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
