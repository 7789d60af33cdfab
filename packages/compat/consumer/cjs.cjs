// CommonJS consumer: `require` of the installed package. Usage: node cjs.cjs <baseUrl>
const peaka = require("@peaka/api");

const baseUrl = process.argv[2] ?? process.env.PEAKA_BASE_URL;
if (!baseUrl) throw new Error("usage: cjs.cjs <baseUrl>");
const resolved = require.resolve("@peaka/api");
if (!resolved.endsWith(".cjs")) throw new Error(`require resolved to ${resolved}, not the CommonJS build`);
import("./smoke.mjs")
  .then(({ runSmoke }) => runSmoke(peaka, baseUrl))
  .then((lines) => console.log(JSON.stringify({ ok: true, format: "cjs", resolved, lines })))
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
