// Errors and retries, with faults the simulator injects on demand (`sim.fail`, `sim.delay`):
// - a 503 on a read is retried and the caller never sees it;
// - a 429 with Retry-After is retried after the wait the server asked for;
// - retries run out: the last error is thrown, typed (PeakaServerError) with status and request path;
// - a missing thing is a PeakaNotFoundError, a bad request a PeakaBadRequestError naming the field;
// - an attempt that outlives its time limit is a PeakaTimeoutError.
import {
  createPeakaClient,
  PeakaApiError,
  PeakaBadRequestError,
  PeakaNotFoundError,
  PeakaServerError,
  PeakaTimeoutError,
} from "@peaka/api";
import type { PeakaSimulator } from "@peaka/simulator";
import { isMain, runOnSimulator, type Example } from "./run.js";

export async function main({ ids, log }: Example, sim: PeakaSimulator) {
  const { projectId, catalogId } = ids;
  // What the simulator answered to one operation, from its request log.
  const answered = (operationId: string) => sim.requests.filter((r) => r.operationId === operationId).map((r) => r.status).join(", ");
  const peaka = createPeakaClient({
    fetch: sim.fetch,
    apiKey: sim.partnerKey,
    maxRetries: 2,
    retryBackoff: { initialDelayMs: 50 }, // short waits for the example; default 500 ms
  });

  sim.fail("getCatalog", { status: 503, body: { errorCode: 503, message: "busy" } });
  const catalog = await peaka.catalogs.get({ projectId, catalogId });
  log(`503 then retried: got catalog ${catalog.name} (answered ${answered("getCatalog")})`);

  sim.fail("listCatalogs", { status: 429, headers: { "Retry-After": "1" }, body: { errorCode: 429, message: "slow down" } });
  await peaka.catalogs.list({ projectId });
  log(`429 with Retry-After: 1 then retried (answered ${answered("listCatalogs")})`);

  sim.fail("listConnections", { status: 500, body: { errorCode: 500, message: "broken" }, times: Infinity });
  let exhausted: PeakaServerError | undefined;
  try {
    await peaka.connections.list({ projectId });
  } catch (error) {
    if (!(error instanceof PeakaServerError)) throw error;
    exhausted = error;
    log(`500 three times: ${error.name} ${error.status} on ${error.method} ${error.path}`);
  }

  let notFound: PeakaNotFoundError | undefined;
  try {
    await peaka.catalogs.get({ projectId, catalogId: "404404404" });
  } catch (error) {
    if (!(error instanceof PeakaNotFoundError)) throw error;
    notFound = error;
    log(`unknown catalog: ${error.status} ${error.detail}`);
  }

  let badRequest: PeakaBadRequestError | undefined;
  try {
    // A cache needs schemaName and tableName too; the cast hides that from the compiler, not from Peaka.
    await peaka.cache.create({ projectId, body: { catalogId } as never });
  } catch (error) {
    if (!(error instanceof PeakaBadRequestError)) throw error;
    badRequest = error;
    log(`incomplete body: ${error.status} ${error.detail}`);
  }

  // Two slow answers in a row; one attempt may take 200 ms and is tried twice in all.
  sim.delay("listQueries", { ms: 2_000, times: 2 });
  let timedOut: PeakaTimeoutError | undefined;
  try {
    await peaka.queries.list({ projectId }, { timeout: 200, maxRetries: 1 });
  } catch (error) {
    if (!(error instanceof PeakaTimeoutError)) throw error;
    timedOut = error;
    log(`slow answer: ${error.name} after ${error.timeoutMs} ms`);
  }

  const faults = sim.requests.filter((r) => r.simulated === "fault").length;
  log(`the simulator answered ${faults} faults`);
  return { catalog: catalog.name, exhausted: exhausted?.status, notFound: notFound?.status, badRequest: badRequest?.detail, timedOut: timedOut?.timeoutMs, faults, isApiError: exhausted instanceof PeakaApiError };
}

if (isMain(import.meta.url)) await runOnSimulator(main);
