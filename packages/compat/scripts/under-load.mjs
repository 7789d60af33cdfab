// Runs a command while cpu-burner.mjs keeps every core busy: `node under-load.mjs [--workers n] <command>
// [args...]` (workers: burner threads, default one per core; more than that loads the machine harder).
// The burner is a child process started before the command (the command starts once every burner
// thread runs) and stopped by its pid when the command ends, whatever its exit code, and when this
// script is interrupted; it also stops itself if this script dies. Exits with the command's code.
// `pnpm test:loaded` runs the conformance matrices this way; .ci/run runs that after `pnpm test`.
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const argv = process.argv.slice(2);
const workers = argv[0] === "--workers" ? argv.splice(0, 2)[1] : undefined;
const [command, ...args] = argv;
if (!command) {
  console.error("usage: node under-load.mjs [--workers n] <command> [args...]");
  process.exit(2);
}
const load = () => loadavg().map((l) => l.toFixed(1)).join(", ");

const burner = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), "cpu-burner.mjs"), ...(workers ? [workers] : [])], { stdio: ["ignore", "pipe", "inherit"] });
burner.stdout.setEncoding("utf8");
burner.stdout.on("data", (text) => process.stdout.write(`[cpu-burner] ${text}`));
const burnerExit = new Promise((resolve) => burner.once("exit", (code, signal) => resolve({ code, signal })));
let child;
const stopBurner = () => {
  if (burner.exitCode === null && burner.signalCode === null) burner.kill("SIGTERM");
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    child?.kill(signal);
    stopBurner();
    process.exitCode = 130;
  });
}

const ready = await Promise.race([
  new Promise((resolve) => burner.stdout.on("data", (text) => text.includes("burning") && resolve(true))),
  burnerExit.then(() => false),
]);
if (!ready) {
  console.error("under-load: the CPU burner did not start");
  process.exit(1);
}
console.log(`under-load: load average ${load()} with the burner running; ${[command, ...args].join(" ")}`);
child = spawn(command, args, { stdio: "inherit" });
const result = await new Promise((resolve) => {
  child.once("error", (error) => resolve({ code: 1, error }));
  child.once("exit", (code, signal) => resolve({ code, signal }));
});
stopBurner();
await burnerExit;
if (result.error) console.error(`under-load: could not run ${command}: ${result.error.message}`);
console.log(`under-load: load average ${load()} at the end; the command exited with ${result.signal ?? result.code}`);
process.exit(process.exitCode ?? (result.code === 0 ? 0 : 1));
