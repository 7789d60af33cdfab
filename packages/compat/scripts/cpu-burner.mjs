// A CPU burner: keeps every core busy so that tests can be run on a machine as loaded as a shared CI
// runner. `node cpu-burner.mjs [workers]` starts `workers` (default: os.availableParallelism()) worker
// threads that spin, prints "burning <n>" once they all run, and stops on SIGTERM/SIGINT/SIGHUP, when
// the process that started it is gone (checked twice a second: it is never left behind by a parent that
// was killed), or after --max-seconds (default 1800). On stopping it prints the CPU time it burned.
// Started and stopped by under-load.mjs; never part of `pnpm test`.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const args = process.argv.slice(2);
const maxAt = args.indexOf("--max-seconds");
const maxSeconds = maxAt >= 0 ? Number(args.splice(maxAt, 2)[1]) : 1800;
const workers = args[0] === undefined ? availableParallelism() : Number(args[0]);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`cpu-burner: workers must be a positive integer, got ${args[0]}`);
if (!(maxSeconds > 0)) throw new Error("cpu-burner: --max-seconds must be a positive number");

const parent = process.ppid;
const started = performance.now();
const spin = "for (;;) { Math.sqrt(Math.random()); }";
const threads = [];
let online = 0;
for (let i = 0; i < workers; i++) {
  const worker = new Worker(spin, { eval: true });
  worker.once("online", () => {
    if (++online === workers) console.log(`burning ${workers}`);
  });
  worker.on("error", (error) => stop(`a worker failed: ${error.message}`, 1));
  threads.push(worker);
}

function stop(why, code = 0) {
  const cpu = process.cpuUsage();
  const wall = (performance.now() - started) / 1000;
  const cores = (cpu.user + cpu.system) / 1e6 / wall;
  console.log(`cpu-burner: stopped (${why}) after ${wall.toFixed(1)} s; ${workers} workers kept ${cores.toFixed(2)} cores busy on average`);
  // Exiting ends the worker threads with the process; terminate() would wait for each.
  process.exit(code);
}
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => stop(signal));
setInterval(() => {
  if (process.ppid !== parent) stop("its parent process is gone", 1);
  if (performance.now() - started > maxSeconds * 1000) stop(`--max-seconds ${maxSeconds} reached`, 1);
}, 500);
