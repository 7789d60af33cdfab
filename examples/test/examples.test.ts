// Each program of examples/src runs on a fresh simulator; what it returns and prints is compared with
// what the simulator's state says it should be (never with numbers written here).
import type { PeakaSimulator } from "@peaka/simulator";
import { describe, expect, it } from "vitest";
import { onSimulator, type Example } from "../src/run.js";
import * as browse from "../src/browse.js";
import * as cacheRefresh from "../src/cache-refresh.js";
import * as errors from "../src/errors-and-retries.js";
import * as exportsStream from "../src/exports-stream.js";
import * as paging from "../src/paging.js";
import * as projectsAndKeys from "../src/projects-and-keys.js";
import * as sqlExample from "../src/sql.js";
import { checkedSimulator } from "./support.js";

/** A fresh simulator, the Example on it, and the lines the example prints. */
function setup(): { sim: PeakaSimulator; example: Example; lines: string[] } {
  const sim = checkedSimulator();
  const lines: string[] = [];
  return { sim, example: onSimulator(sim, (line) => lines.push(line)), lines };
}

/** The seeded shop project's record and one of its sample tables. */
function shop(sim: PeakaSimulator) {
  const project = sim.world.projects.get(sim.seeded.projectId)!;
  const catalog = project.catalogs.get(sim.seeded.catalogId)!;
  const table = (name: string) => catalog.schemas.get("public")!.get(name)!;
  return { project, catalog, table };
}

describe("examples on the simulator", () => {
  it("projects-and-keys: a project and its key, the key refused a partner-only call, both deleted", async () => {
    const { sim, example, lines } = setup();
    const projectsBefore = [...sim.world.projects.keys()];
    const result = await projectsAndKeys.main(example);
    expect(result.keyProjectId).toBe(result.projectId);
    expect(result.keyNames).toEqual(["reporting-service"]);
    expect(result.refused).toBe(403);
    expect(lines[0]).toBe(`partner key of ${sim.world.user.email}`);
    expect(lines).toContain(`created project analytics (${result.projectId})`);
    // Cleaned up: the simulator holds what it held before.
    expect([...sim.world.projects.keys()]).toEqual(projectsBefore);
    expect([...sim.world.keys.values()].filter((k) => k.projectId === result.projectId)).toEqual([]);
    // The secret is never printed.
    const created = sim.requests.find((r) => r.operationId === "createApiKey")!.responseBody as { apiKey: string };
    expect(lines.join("\n")).not.toContain(created.apiKey);
  });

  it("browse: the new catalog and every table of the shop with its columns", async () => {
    const { sim, example } = setup();
    const result = await browse.main(example);
    const { project, catalog } = shop(sim);
    expect(project.connections.has(result.connectionId)).toBe(true);
    expect(project.catalogs.get(result.catalogId)?.catalog.name).toBe("crm");
    expect(result.catalogs.sort()).toEqual([...project.catalogs.values()].map((c) => c.catalog.name).sort());
    const expected: Record<string, string[]> = {};
    for (const [schema, tables] of catalog.schemas) for (const [name, t] of tables) expected[`${schema}.${name}`] = t.columns.map((c) => c.name);
    expect(result.tables).toEqual(expected);
    // Every table whose name holds "order" is found, and only matches are.
    const orderTables = Object.keys(expected).filter((k) => k.includes("order")).map((k) => `table ${catalog.catalog.name}.${k}`);
    expect(result.hits.filter((h) => h.startsWith("table ")).sort()).toEqual(orderTables.sort());
    expect(result.hits.every((h) => h.includes("order"))).toBe(true);
  });

  it("sql: revenue per country computed by the engine equals the sample rows summed here; a write is refused", async () => {
    const { sim, example, lines } = setup();
    const result = await sqlExample.main(example);
    const countryOf = new Map(shop(sim).table("customers").rows().map((c) => [c["customer_id"], c["country"]]));
    const since = Date.parse("2025-07-01T00:00:00Z");
    const expected = new Map<string, { orders: number; revenue: number }>();
    for (const o of shop(sim).table("orders").rows()) {
      const country = String(countryOf.get(o["customer_id"]));
      if (o["paid_at"] === null || Date.parse(String(o["paid_at"])) < since || !["DE", "US", "TR"].includes(country)) continue;
      const e = expected.get(country) ?? { orders: 0, revenue: 0 };
      e.orders++;
      e.revenue += Number(o["total"]);
      expected.set(country, e);
    }
    expect(result.byCountry.map((r) => r.country).sort()).toEqual([...expected.keys()].sort());
    for (const row of result.byCountry) {
      expect(row.orders).toBe(expected.get(String(row.country))!.orders);
      expect(row.revenue as number).toBeCloseTo(expected.get(String(row.country))!.revenue, 6);
    }
    const revenues = result.byCountry.map((r) => r.revenue as number);
    expect(revenues).toEqual(revenues.slice().sort((a, b) => b - a));
    expect(result.cancelled).toBe(shop(sim).table("orders").rows().filter((o) => o["status"] === "cancelled").length);
    expect(result.refused).toMatch(/not allowed/);
    expect(lines[1]).toBe(`bindings: ${JSON.stringify([new Date("2025-07-01T00:00:00Z").toISOString(), "DE", "US", "TR"])}`);
  });

  it("cache-refresh: a full refresh caches every row of orders, then an incremental update completes", async () => {
    const { sim, example, lines } = setup();
    const result = await cacheRefresh.main(example);
    expect(result.full).toBe("COMPLETED");
    expect(result.incremental).toBe("COMPLETED");
    expect(result.cached).toBe(shop(sim).table("orders").rowCount);
    const record = shop(sim).project.caches.get(result.cacheId)!;
    expect(result.runs).toBe(record.runs.FULL_REFRESH.length + record.runs.INCREMENTAL.length);
    // The waiter reported each status it read of the new run (RUNNING ones, unless the machine was too
    // busy to read one in time), the last one COMPLETED with every row.
    const progress = lines.filter((l) => l.startsWith("  full refresh: "));
    expect(progress.at(-1)).toBe(`  full refresh: COMPLETED, ${result.cached} rows cached`);
    expect(progress.every((l) => /^ {2}full refresh: (RUNNING|COMPLETED), \d+ rows cached$/.test(l))).toBe(true);
  });

  it("exports-stream: every row of order_items streamed from gzipped JSONL, then a typed CSV sample", async () => {
    const { sim, example } = setup();
    const result = await exportsStream.main(example);
    const rows = shop(sim).table("order_items").rows();
    expect(result.rows).toBe(rows.length);
    const revenue = rows.reduce((sum, r) => sum + Number(r["quantity"]) * Number(r["unit_price"]), 0);
    expect(result.revenue).toBeCloseTo(revenue, 6);
    expect(result.sample).toEqual(rows.slice(0, 100).map((r) => ({ order_item_id: r["order_item_id"], quantity: r["quantity"] })));
    expect(typeof result.sample[0]?.["quantity"]).toBe("number");
  });

  it("paging: every export once, newest first, over pages of two; every cache run over pages of one", async () => {
    const { sim, example } = setup();
    const result = await paging.main(example);
    const jobs = shop(sim).project.exports;
    expect(new Set(result.seen).size).toBe(result.seen.length);
    expect(result.seen.slice().sort()).toEqual(jobs.map((e) => e.job.id).sort());
    expect(result.seen.slice().sort()).toEqual(result.started.slice().sort());
    const created = result.seen.map((id) => jobs.find((e) => e.job.id === id)!.createdMs);
    expect(created).toEqual(created.slice().sort((a, b) => b - a)); // newest first
    const listCalls = sim.requests.filter((r) => r.operationId === "listExports");
    expect(listCalls.length).toBeGreaterThanOrEqual(3); // 5 jobs, 2 a page
    const caches = [...shop(sim).project.caches.values()];
    expect(result.runs.length).toBe(caches[0]!.runs.FULL_REFRESH.length + caches[0]!.runs.INCREMENTAL.length);
  });

  it("errors-and-retries: retried faults are not seen, the others arrive typed", async () => {
    const { sim, example, lines } = setup();
    const result = await errors.main(example, sim);
    expect(result.catalog).toBe(shop(sim).catalog.catalog.name);
    expect(result.exhausted).toBe(500);
    expect(result.isApiError).toBe(true);
    expect(result.notFound).toBe(404);
    expect(result.badRequest).toMatch(/schemaName|tableName/);
    expect(result.timedOut).toBe(200);
    const statuses = (operationId: string) => sim.requests.filter((r) => r.operationId === operationId).map((r) => r.status);
    expect(statuses("getCatalog")).toEqual([503, 200, 404]);
    expect(statuses("listCatalogs")).toEqual([429, 200]);
    expect(statuses("listConnections")).toEqual([500, 500, 500]);
    expect(result.faults).toBe(5);
    expect(lines).toContain(`503 then retried: got catalog ${result.catalog} (answered 503, 200)`);
  });
});
