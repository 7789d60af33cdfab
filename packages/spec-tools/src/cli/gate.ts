// pnpm spec:gate [base-ref]
import { runGate } from "../gate.js";
import { REPO_ROOT } from "../repo.js";

const argv = process.argv.slice(2).filter((a) => a !== "--" && a !== "");
const flags = new Set(argv.filter((a) => a.startsWith("--")));
const args = argv.filter((a) => !a.startsWith("--"));
if (flags.has("--help") || args.includes("-h")) {
  console.log(`Usage: pnpm spec:gate [--fetch] [--allow-no-base] [base-ref]

When spec/ changed since base-ref (default: latest @peaka/api@* or v* tag, else main, else HEAD~1):
  - the generated output of @peaka/api-types and @peaka/api must be up to date (their generate --check), and
  - a changeset added since base-ref must bump @peaka/api-types and @peaka/api by at least the bump
    pnpm spec:diff implies (breaking → major, additive → minor, prose → patch).
Fails (exit 1) when there is nothing to compare with: a shallow clone, or a base-ref that does not exist.
  --fetch          first fetch from origin what the comparison needs: the full history of a shallow
                   clone, release tags, the base branch (CI passes it)
  --allow-no-base  skip (exit 0) instead of failing when there is still no base`);
  process.exit(0);
}
try {
  const unknown = [...flags].filter((f) => f !== "--fetch" && f !== "--allow-no-base" && f !== "--help");
  if (unknown.length) throw new Error(`unknown option ${unknown.join(", ")} (see --help)`);
  const result = runGate({
    repo: REPO_ROOT,
    ...(args[0] ? { base: args[0] } : {}),
    fetch: flags.has("--fetch"),
    allowNoBase: flags.has("--allow-no-base"),
  });
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  console.error(`spec:gate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
