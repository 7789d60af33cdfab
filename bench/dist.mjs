// The built @peaka/api (packages/client/dist), loaded the way an installed copy is: dist/sql.js imports
// "@peaka/api" by name, which in the workspace points at the sources, so a resolve hook points that name
// at the built dist/index.js. Build first (`pnpm bench` does).
import { register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const clientDist = join(dirname(fileURLToPath(import.meta.url)), "..", "packages", "client", "dist");
const url = (file) => pathToFileURL(join(clientDist, file)).href;
let hooked = false;

/** `@peaka/api`, `@peaka/api/sql` and `@peaka/api/node-http` from dist. */
export async function loadDist() {
  if (!hooked) {
    hooked = true;
    const target = url("index.js");
    register(
      `data:text/javascript,${encodeURIComponent(
        `export async function resolve(s, c, next) { return s === "@peaka/api" ? { url: ${JSON.stringify(target)}, shortCircuit: true } : next(s, c); }`,
      )}`,
    );
  }
  const [api, sql, nodeHttp] = await Promise.all([import(url("index.js")), import(url("sql.js")), import(url("node-http.js"))]);
  return { api, sql, nodeHttp };
}
