// scripts/under-load.mjs and scripts/cpu-burner.mjs (pnpm test:loaded): the command runs while the
// burner runs, its exit code comes through, and the burner never outlives the step, even when the
// process that started it is killed.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const scripts = join(dirname(fileURLToPath(import.meta.url)), "../scripts");
const UNDER_LOAD = join(scripts, "under-load.mjs");
const BURNER = join(scripts, "cpu-burner.mjs");
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("runs the command while the burner runs, then stops the burner and passes the command's failure on", () => {
  // The command looks for the burner among the children of its own parent (under-load.mjs).
  const probe = `const { execFileSync } = require("node:child_process");
    const children = execFileSync("ps", ["-o", "args=", "--ppid", String(process.ppid)], { encoding: "utf8", timeout: 120_000 });
    process.exit(children.includes("cpu-burner.mjs") ? 3 : 4);`;
  const r = spawnSync(process.execPath, [UNDER_LOAD, "--workers", "1", process.execPath, "-e", probe], { encoding: "utf8", timeout: 120_000 });
  assert.match(r.stdout, /burning 1/);
  assert.match(r.stdout, /the command exited with 3/); // 3: the burner was running beside it
  assert.match(r.stdout, /cpu-burner: stopped \(SIGTERM\)/);
  assert.equal(r.status, 1);
});

test("exits 0 when the command succeeds", () => {
  const r = spawnSync(process.execPath, [UNDER_LOAD, "--workers", "1", process.execPath, "-e", "0"], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("the burner stops itself when the process that started it is gone", async () => {
  // A parent that starts the burner, prints its pid and exits without stopping it.
  const parent = spawn(
    process.execPath,
    ["-e", `const c = require("node:child_process").spawn(process.execPath, [${JSON.stringify(BURNER)}, "1"], { stdio: "ignore" }); console.log(c.pid); setTimeout(() => process.exit(0), 200);`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  parent.stdout.on("data", (chunk) => (out += chunk));
  await new Promise((resolve) => parent.once("exit", resolve));
  const pid = Number(out.trim());
  assert.ok(pid > 0, `no burner pid in ${JSON.stringify(out)}`);
  const until = Date.now() + 30_000; // it checks twice a second; generous for a busy machine
  while (alive(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  const stillAlive = alive(pid);
  if (stillAlive) process.kill(pid, "SIGKILL");
  assert.equal(stillAlive, false, "the burner outlived its parent");
});
