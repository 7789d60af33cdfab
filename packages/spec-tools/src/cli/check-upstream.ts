// pnpm spec:check-upstream [--file F | --url U] [--strict]
import { parseArgs } from "node:util";
import { DEFAULT_UPSTREAM_URL, runCheckUpstream, UPSTREAM_URL_ENV } from "../check-upstream.js";
import { userPath } from "../repo.js";

const { values } = parseArgs({
  options: {
    file: { type: "string" },
    url: { type: "string" },
    strict: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: false,
});
if (values.help) {
  console.log(`Usage: pnpm spec:check-upstream [--file F | --url U] [--strict]

Compares spec/ with Peaka's published OpenAPI description, fact by fact (operations, parameters,
request and response fields, enum values, servers; prose ignored) and prints every difference.
  --file F   read the published description from a local JSON/YAML file (offline)
  --url U    fetch it from U (default: $${UPSTREAM_URL_ENV} or ${DEFAULT_UPSTREAM_URL})
  --strict   exit 1 when anything differs`);
  process.exit(0);
}
if (values.file && values.url) {
  console.error("Give --file or --url, not both.");
  process.exit(2);
}
try {
  process.exitCode = await runCheckUpstream({
    strict: values.strict,
    ...(values.file ? { file: userPath(values.file) } : {}),
    ...(values.url ? { url: values.url } : {}),
  });
} catch (error) {
  console.error(`spec:check-upstream failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
