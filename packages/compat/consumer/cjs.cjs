// CommonJS consumer: `require` of the installed package and of `@peaka/api/sql` and `@peaka/api/node-http`.
// Usage: node cjs.cjs <baseUrl> [exportsUrl] (see esm.mjs).
const peaka = require("@peaka/api");
const peakaSql = require("@peaka/api/sql");
const peakaNodeHttp = require("@peaka/api/node-http");

const baseUrl = process.argv[2] ?? process.env.PEAKA_BASE_URL;
if (!baseUrl) throw new Error("usage: cjs.cjs <baseUrl> [exportsUrl]");
const resolved = require.resolve("@peaka/api");
if (!resolved.endsWith(".cjs")) throw new Error(`require resolved to ${resolved}, not the CommonJS build`);
const sqlResolved = require.resolve("@peaka/api/sql");
if (!/sql\.cjs$/.test(sqlResolved)) throw new Error(`require("@peaka/api/sql") resolved to ${sqlResolved}, not the CommonJS build`);
const papaparseLoaded = () => Object.keys(require.cache).some((f) => /[\\/]papaparse[\\/]/.test(f));
import("./smoke.mjs")
  .then(async ({ runNodeHttpSmoke, runSmoke, runSqlSmoke }) => {
    const lines = await runSmoke(peaka, baseUrl);
    lines.push(await runNodeHttpSmoke(peaka, peakaNodeHttp, baseUrl));
    const sql = await runSqlSmoke(peaka, peakaSql, baseUrl, process.argv[3], papaparseLoaded);
    console.log(JSON.stringify({ ok: true, format: "cjs", resolved, sqlResolved, lines, sql }));
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
