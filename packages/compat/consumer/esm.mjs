// ESM consumer: `import` of the installed package. Usage: node esm.mjs <baseUrl> (or PEAKA_BASE_URL).
import * as peaka from "@peaka/api";
import { runSmoke } from "./smoke.mjs";

const g = globalThis;
const baseUrl = g.Deno?.args?.[0] ?? g.process?.argv?.[2] ?? g.process?.env?.PEAKA_BASE_URL;
if (!baseUrl) throw new Error("usage: esm.mjs <baseUrl>");
const where = typeof import.meta.resolve === "function" ? import.meta.resolve("@peaka/api") : "(import.meta.resolve unavailable)";
const lines = await runSmoke(peaka, baseUrl);
console.log(JSON.stringify({ ok: true, format: "esm", resolved: String(where), lines }));
