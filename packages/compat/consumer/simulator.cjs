// CommonJS consumer of @peaka/simulator: `require` of the installed package's CommonJS builds
// (node|bun simulator.cjs [--msw]; see simulator.mjs).
const api = require("@peaka/api");
const simulator = require("@peaka/simulator");

const resolved = require.resolve("@peaka/simulator");
if (!resolved.endsWith(".cjs")) throw new Error(`require resolved to ${resolved}, not the CommonJS build`);
const msw = process.argv.includes("--msw");
if (msw && !require.resolve("@peaka/simulator/msw").endsWith("msw.cjs")) throw new Error("@peaka/simulator/msw did not resolve to its CommonJS build");
import("./sim-smoke.mjs")
  .then(async ({ runMswSmoke, runSimulatorSmoke }) => {
    const lines = await runSimulatorSmoke(api, simulator);
    if (msw) lines.push(await runMswSmoke(api, simulator, require("@peaka/simulator/msw"), require("msw/node")));
    console.log(JSON.stringify({ ok: true, format: "cjs", resolved, lines }));
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
