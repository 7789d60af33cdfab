// Testing your own code with the simulator: freshenTable (./fresh-table.ts) against a fresh simulated
// Peaka per test — no network, no account. The simulator's clock stands still until the test moves it,
// so a refresh that takes Peaka minutes takes the test no time: each status the waiter reads moves the
// clock a second on. `sim.fail` makes Peaka fail on demand; `sim.requests` shows what the code asked.
import { createPeakaClient, PeakaServerError } from "@peaka/api";
import { createPeakaSimulator, type PeakaSimulator } from "@peaka/simulator";
import { beforeEach, describe, expect, it } from "vitest";
import { freshenTable } from "./fresh-table.js";

let sim: PeakaSimulator;
beforeEach(() => {
  sim = createPeakaSimulator(); // a fresh Peaka with the sample shop project, on a manual clock
});

const ordersOf = (s: PeakaSimulator) => ({ projectId: s.seeded.projectId, catalogId: s.seeded.catalogId, schemaName: "public", tableName: "orders" });
/** Waiter options that poll at once and move the simulator's clock on by a second at each status. */
const quickly = () => ({ interval: 1, maxInterval: 1, onProgress: () => sim.clock.advance(1000) });

describe("freshenTable", () => {
  it("makes the cache the first time and reports every row cached", async () => {
    const peaka = createPeakaClient({ fetch: sim.fetch, apiKey: sim.projectKey });
    const result = await freshenTable(peaka, ordersOf(sim), quickly());

    expect(result.created).toBe(true);
    const orders = sim.world.projects.get(sim.seeded.projectId)!.catalogs.get(sim.seeded.catalogId)!.schemas.get("public")!.get("orders")!;
    expect(result.rows).toBe(orders.rowCount);
    // Only the first run: making the cache started it, nothing triggered a second one.
    expect(sim.requests.filter((r) => r.operationId === "triggerCacheFullRefresh")).toEqual([]);
  });

  it("refreshes the existing cache the next time instead of making another", async () => {
    const peaka = createPeakaClient({ fetch: sim.fetch, apiKey: sim.projectKey });
    const first = await freshenTable(peaka, ordersOf(sim), quickly());
    const second = await freshenTable(peaka, ordersOf(sim), quickly());

    expect(second).toEqual({ ...first, created: false });
    expect(sim.requests.filter((r) => r.operationId === "createCache")).toHaveLength(1);
    expect(sim.requests.filter((r) => r.operationId === "triggerCacheFullRefresh")).toHaveLength(1);
    const runs = sim.world.projects.get(sim.seeded.projectId)!.caches.get(first.cacheId)!.runs.FULL_REFRESH;
    expect(runs.map((r) => r.info.status)).toEqual(["COMPLETED", "COMPLETED"]);
  });

  it("lets Peaka's failure reach the caller, typed", async () => {
    const peaka = createPeakaClient({ fetch: sim.fetch, apiKey: sim.projectKey });
    await freshenTable(peaka, ordersOf(sim), quickly());
    sim.fail("triggerCacheFullRefresh", { status: 500, body: { errorCode: 500, message: "cache service down" } });

    const error = await freshenTable(peaka, ordersOf(sim), quickly()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaServerError);
    expect((error as PeakaServerError).detail).toBe("cache service down");
  });
});
