// The one smoke program every runtime runs (Node 20/22/24, Bun, Deno, Chromium, and the CommonJS
// consumer). It gets the client module and the mock's base URL, and knows nothing else: no workspace
// paths, no Node APIs. Resolves with one line per check; throws on the first failure.
const projectId = "prj4Xq9Z";
const cacheId = "3f6b2a1e-9c4d-4e7a-b8f0-5d2c1a9e7b34";

function check(condition, message) {
  if (!condition) throw new Error(`smoke check failed: ${message}`);
}

/** @param {typeof import("@peaka/api")} mod @param {string} baseUrl */
export async function runSmoke(mod, baseUrl) {
  const lines = [];
  const ok = (line) => lines.push(line);
  const { createPeakaClient, PeakaApiError, PeakaConfigError, PeakaNotFoundError, VERSION } = mod;
  check(typeof VERSION === "string" && VERSION.length > 0, "VERSION is a string");
  ok(`@peaka/api ${VERSION}`);

  let configError;
  try {
    createPeakaClient({ apiKey: "" });
  } catch (error) {
    configError = error;
  }
  check(configError instanceof PeakaConfigError, `an empty key throws PeakaConfigError (got ${configError})`);
  ok("config error is a PeakaConfigError");

  const peaka = createPeakaClient({ apiKey: "smoke-test-key", baseUrl, maxRetries: 0, timeout: 15_000 });

  const status = await peaka.cache.getStatus({ projectId, cacheId, excludeLogs: true });
  check(typeof status.status === "string", "cache.getStatus returns a status");
  ok(`cache.getStatus -> ${status.status}`);

  const low = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
    params: { path: { projectId, cacheId }, query: { excludeLogs: true } },
  });
  check(low.error === undefined && typeof low.data?.status === "string", "low-level GET returns data");
  ok(`GET (low level) -> ${low.response.status}`);

  const transpiled = await peaka.sql.transpile({ dialect: "mysql", body: { query: "SELECT 1" } });
  check(typeof transpiled.result === "string", "sql.transpile (POST with a JSON body) returns a result");
  ok("sql.transpile (POST) -> result");

  if (typeof mod.waitForCacheSync === "function") {
    let outcome;
    try {
      const final = await mod.waitForCacheSync(peaka, { projectId, cacheId }, { interval: 10, maxInterval: 20, timeout: 5_000 });
      outcome = `resolved ${final.status}`;
    } catch (error) {
      // The mock answers the same example every time: a terminal failed state is a correct outcome too.
      check(error instanceof mod.PeakaJobFailedError, `waitForCacheSync ends with a result or PeakaJobFailedError (got ${error})`);
      outcome = `PeakaJobFailedError (${error.state ?? "failed"})`;
    }
    ok(`waitForCacheSync -> ${outcome}`);
  } else {
    ok("waitForCacheSync not exported: skipped");
  }

  let notFound;
  try {
    await peaka.cache.getStatus({ projectId, cacheId }, { headers: { Prefer: "code=404" } });
  } catch (error) {
    notFound = error;
  }
  check(notFound instanceof PeakaNotFoundError && notFound instanceof PeakaApiError, `Prefer: code=404 throws PeakaNotFoundError (got ${notFound})`);
  check(notFound.status === 404, "the error carries status 404");
  ok(`404 -> ${notFound.name} (errorCode ${notFound.errorCode})`);

  const lowNotFound = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
    params: { path: { projectId, cacheId } },
    headers: { Prefer: "code=404" },
  });
  check(lowNotFound.response.status === 404 && typeof lowNotFound.error?.message === "string", "low-level 404 returns { error }");
  ok("GET 404 (low level) -> { error }");
  return lines;
}
