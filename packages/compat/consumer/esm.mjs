// ESM consumer: `import` of the installed package and of its `@peaka/api/sql` and `@peaka/api/node-http` entries.
// Usage: node esm.mjs <baseUrl> [exportsUrl] (or PEAKA_BASE_URL). Without exportsUrl (the harness's
// scripted export server) the SQL smoke leaves out streamRows, and the harnesses count that as a failure.
import * as peaka from "@peaka/api";
import * as peakaSql from "@peaka/api/sql";
import * as peakaNodeHttp from "@peaka/api/node-http";
import { runNodeHttpSmoke, runSmoke, runSqlSmoke } from "./smoke.mjs";

const g = globalThis;
const args = g.Deno?.args ?? g.process?.argv?.slice(2) ?? [];
const baseUrl = args[0] ?? g.process?.env?.PEAKA_BASE_URL;
if (!baseUrl) throw new Error("usage: esm.mjs <baseUrl> [exportsUrl]");
const where = typeof import.meta.resolve === "function" ? import.meta.resolve("@peaka/api") : "(import.meta.resolve unavailable)";
const sqlWhere = typeof import.meta.resolve === "function" ? import.meta.resolve("@peaka/api/sql") : "(import.meta.resolve unavailable)";
// On Node the CommonJS module cache tells whether papaparse (a CommonJS package) has been loaded.
const nodeModule = !g.Bun && !g.Deno ? g.process?.getBuiltinModule?.("node:module") : undefined;
const cache = nodeModule?.createRequire(import.meta.url).cache;
const papaparseLoaded = cache ? () => Object.keys(cache).some((f) => /[\\/]papaparse[\\/]/.test(f)) : undefined;
const lines = await runSmoke(peaka, baseUrl);
lines.push(await runNodeHttpSmoke(peaka, peakaNodeHttp, baseUrl));
const sql = await runSqlSmoke(peaka, peakaSql, baseUrl, args[1], papaparseLoaded);
console.log(JSON.stringify({ ok: true, format: "esm", resolved: String(where), sqlResolved: String(sqlWhere), lines, sql }));
