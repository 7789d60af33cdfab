// ESM consumer of @peaka/simulator (with @peaka/api): node|bun|deno simulator.mjs [--msw]. With --msw
// (Node) it also runs @peaka/simulator/msw under msw's setupServer. Prints the JSON report.
import * as api from "@peaka/api";
import * as simulator from "@peaka/simulator";
import { runMswSmoke, runSimulatorSmoke } from "./sim-smoke.mjs";

const g = globalThis;
const args = g.Deno?.args ?? g.process?.argv?.slice(2) ?? [];
const where = typeof import.meta.resolve === "function" ? import.meta.resolve("@peaka/simulator") : "(import.meta.resolve unavailable)";
const lines = await runSimulatorSmoke(api, simulator);
if (args.includes("--msw")) lines.push(await runMswSmoke(api, simulator, await import("@peaka/simulator/msw"), await import("msw/node")));
console.log(JSON.stringify({ ok: true, format: "esm", resolved: String(where), lines }));
