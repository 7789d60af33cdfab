// Browser consumer: bundled with esbuild (code splitting on, as a web app ships it) from the installed
// packages, loaded by a page on 127.0.0.1 whose own origin also serves the SQL smoke's export fixtures;
// the page also runs the @peaka/simulator smoke (the simulator in the page, on sim.fetch).
import * as peaka from "@peaka/api";
import * as peakaSql from "@peaka/api/sql";
import * as simulator from "@peaka/simulator";
import { runSimulatorSmoke } from "./sim-smoke.mjs";
import { runSmoke, runSqlSmoke } from "./smoke.mjs";

const baseUrl = new URLSearchParams(location.search).get("baseUrl");
// papaparse is split off into its own chunk (named after it): the page has fetched it or not.
const papaparseLoaded = () => performance.getEntriesByType("resource").some((e) => /papaparse/.test(e.name));
(async () => {
  const lines = await runSmoke(peaka, baseUrl);
  const sql = await runSqlSmoke(peaka, peakaSql, baseUrl, location.origin, papaparseLoaded);
  // @peaka/simulator bundled for the browser: the whole simulator runs in the page, on sim.fetch.
  const sim = await runSimulatorSmoke(peaka, simulator);
  return { lines, sql, sim };
})().then(
  ({ lines, sql, sim }) => (window.__smoke = { ok: true, lines, sql, simulator: sim }),
  (error) => (window.__smoke = { ok: false, error: String(error && error.stack ? error.stack : error) }),
);
