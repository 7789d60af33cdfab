// @peaka/simulator/msw: with msw's setupServer, a plain createPeakaClient() (no fetch option, so the
// global fetch MSW patches) talks to the simulator, export file downloads included.
import { createPeakaClient, fullRefreshCacheAndWait, PeakaBadRequestError, waitForExport } from "@peaka/api";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { simulatorHandlers } from "../src/msw.js";
import { simulator } from "./support.js";

const sim = simulator();
const server = setupServer(...simulatorHandlers(sim));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => sim.reset());
afterAll(() => server.close());

describe("simulatorHandlers", () => {
  it("routes the default base URL into the simulator: create, list, refresh a cache on the simulator's clock", async () => {
    const peaka = createPeakaClient({ apiKey: sim.partnerKey, maxRetries: 0 });
    const { projectId, catalogId } = sim.seeded;
    const cache = await peaka.cache.create({ projectId, body: { catalogId, schemaName: "public", tableName: "orders" } });
    const listed = await peaka.cache.listStatusesByProject({ projectId });
    expect(listed.map((c) => c.id)).toContain(cache.id);
    const status = await fullRefreshCacheAndWait(peaka, { projectId, cacheId: cache.id }, { interval: 1, onProgress: () => sim.clock.advance(1000) });
    expect(status.lastFullRefreshCacheExecution?.status).toBe("COMPLETED");
    expect(sim.requests.some((r) => r.operationId === "createCache" && r.status === 200)).toBe(true);
    // An unknown cache: Peaka answers 400 "Cache settings not found", and so does the simulator.
    await expect(peaka.cache.getStatus({ projectId, cacheId: "00000000-0000-4000-8000-000000000000" })).rejects.toBeInstanceOf(PeakaBadRequestError);
  });

  it("serves the signed export file URLs on the same origin", async () => {
    const peaka = createPeakaClient({ apiKey: sim.partnerKey, maxRetries: 0 });
    const { projectId, catalogId } = sim.seeded;
    const { id } = await peaka.exports.exportTable({ projectId, catalogId, schemaName: "public", tableName: "customers", body: { format: "CSV", limit: 3 } });
    const done = await waitForExport(peaka, { projectId, exportId: id }, { interval: 1, onProgress: () => sim.clock.advance(1000) });
    const file = done.files![0]!;
    expect(new URL(file.url).origin).toBe(new URL(sim.baseUrl).origin);
    const res = await fetch(file.url);
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split("\n")).toHaveLength(4);
  });

  it("follows a simulator with another base URL", async () => {
    const other = simulator({ baseUrl: "https://peaka.test/custom/v1" });
    server.use(...simulatorHandlers(other));
    const peaka = createPeakaClient({ apiKey: other.partnerKey, baseUrl: other.baseUrl, maxRetries: 0 });
    expect((await peaka.legacyProjects.list()).map((p) => p.id)).toEqual([other.seeded.projectId]);
    expect(other.requests).toHaveLength(1);
  });
});
