// Deno with no `--allow-env` (or only `--allow-env=PEAKA_BASE_URL`), run with `--no-prompt` so that
// reading a variable that is not granted would throw NotCapable instead of asking: making a client must
// read no such variable. The harness sets PEAKA_API_KEY, PEAKA_BASE_URL (an address nobody serves),
// PEAKA_TIMEOUT_MS=soon and PEAKA_LOG=verbose: read, the last two would each be a PeakaConfigError.
// Usage: deno run --no-prompt --allow-net --allow-read [--allow-env=PEAKA_BASE_URL] deno-env.mjs <baseUrl>
import { createPeakaClient, createPeakaCore, PeakaConfigError } from "@peaka/api";

const [baseUrl] = Deno.args;
const lines = [];
const check = (ok, line) => {
  if (!ok) throw new Error(`failed: ${line}`);
  lines.push(line);
};
const granted = (variable) => Deno.permissions.querySync({ name: "env", variable }).state === "granted";
check(!granted("PEAKA_API_KEY") && !granted("PEAKA_LOG") && !granted("PEAKA_TIMEOUT_MS"), "PEAKA_API_KEY, PEAKA_LOG, PEAKA_TIMEOUT_MS not granted");

const peaka = createPeakaClient({ apiKey: "sk-deno-env-smoke-01", baseUrl });
const me = await peaka.info.get();
check(typeof me === "object" && me !== null, "a client made and used without asking for the environment: GET /info answered");

let error;
try {
  createPeakaClient({ baseUrl });
} catch (e) {
  error = e;
}
check(error instanceof PeakaConfigError && /No API key/.test(error.message), "PEAKA_API_KEY set but not granted: not read (No API key)");

const core = createPeakaCore({ apiKey: "sk-deno-env-smoke-01" });
if (granted("PEAKA_BASE_URL")) check(core.baseUrl === Deno.env.get("PEAKA_BASE_URL"), "PEAKA_BASE_URL granted: read");
else check(core.baseUrl === "https://partner.peaka.studio/api/v1", "PEAKA_BASE_URL set but not granted: not read (the us region)");

const resolved = typeof import.meta.resolve === "function" ? import.meta.resolve("@peaka/api") : "(import.meta.resolve unavailable)";
console.log(JSON.stringify({ ok: true, format: "deno-env", resolved, lines }));
