// Browser consumer: bundled with esbuild from the installed package, loaded by a page on 127.0.0.1.
import * as peaka from "@peaka/api";
import { runSmoke } from "./smoke.mjs";

const baseUrl = new URLSearchParams(location.search).get("baseUrl");
runSmoke(peaka, baseUrl).then(
  (lines) => (window.__smoke = { ok: true, lines }),
  (error) => (window.__smoke = { ok: false, error: String(error && error.stack ? error.stack : error) }),
);
