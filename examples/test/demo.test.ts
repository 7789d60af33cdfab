// pnpm demo, as a user runs it without a key: every headline job shows, with values the simulator's
// sample project gives (read from a fresh simulator of the same seed, not written here).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { createPeakaSimulator, serveSimulator } from "@peaka/simulator";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

/** Runs the demo as `pnpm demo` does, with the environment given (and no other PEAKA_ variable). */
async function demo(vars: Record<string, string>): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PEAKA_")));
  const tsx = join(ROOT, "node_modules/.bin/tsx");
  const { stdout } = await promisify(execFile)(tsx, ["--conditions=development", "demo.ts"], { cwd: ROOT, env: { ...env, ...vars }, timeout: 380_000 });
  return stdout;
}

it("runs every headline job on the simulator and says so", { timeout: 400_000 }, async () => {
  const stdout = await demo({});

  const sim = createPeakaSimulator();
  const orders = sim.world.projects.get(sim.seeded.projectId)!.catalogs.get(sim.seeded.catalogId)!.schemas.get("public")!.get("orders")!;
  expect(stdout).toMatch(/^No PEAKA_API_KEY set: running on @peaka\/simulator/);
  const sections = [...stdout.matchAll(/^(\d)\. (.*)$/gm)].map((m) => `${m[1]}. ${m[2]}`);
  expect(sections).toEqual([
    "1. Browse: catalogs, schemas, tables",
    "2. SQL with bindings, typed rows",
    "3. Refresh a cache and wait, with progress",
    "4. Export 100,000 rows and stream them",
    "5. Page through exports",
    "6. Stream the agent",
  ]);
  expect(stdout).toContain(`project ${sim.seeded.projectId}:`);
  expect(stdout).toContain("shop.public: customers, orders, order_items");
  expect(stdout).toContain('bindings:  ["shipped","100"]');
  expect(stdout).toMatch(/columns: {3}name: varchar, orders: bigint, revenue: double/);
  expect(stdout).toContain(`   COMPLETED  ${orders.rowCount} rows cached`); // the waiter's last progress line
  expect(stdout).toContain(`full refresh COMPLETED: ${orders.rowCount} rows of public.orders`);
  expect(stdout).toContain("streamed 100,000 rows");
  expect(stdout).toMatch(/4 exports in all, read two to a page \(\d+ requests\)/);
  expect(stdout).toMatch(/answer: The top \d customers/);
  expect(stdout.trimEnd().endsWith("Done.")).toBe(true);
  expect(stdout).not.toContain(sim.partnerKey);
  expect(stdout).not.toContain(sim.projectKey);
});

it("with PEAKA_API_KEY only reads, and says which steps it skipped", { timeout: 400_000 }, async () => {
  // A served simulator stands in for Peaka: the demo cannot tell, and its request log shows what was sent.
  const sim = createPeakaSimulator();
  const served = await serveSimulator(sim);
  try {
    const stdout = await demo({ PEAKA_API_KEY: sim.projectKey, PEAKA_BASE_URL: served.url });
    expect(stdout).toMatch(/^PEAKA_API_KEY set: running against the real API, read-only \(project key of /);
    expect(stdout).toContain(`project ${sim.seeded.projectId}:`);
    expect(stdout.match(/skipped against the real API/g)).toHaveLength(3);
    expect(stdout.trimEnd().endsWith("Done.")).toBe(true);
    // Nothing but reads: GETs, and one SELECT through the execute operation.
    const sent = sim.requests.filter((r) => r.method !== "GET").map((r) => `${r.operationId} ${JSON.stringify(r.requestBody)}`);
    expect(sent).toEqual([expect.stringMatching(/^executeQuery \{"statement":"SELECT \* FROM \S+ LIMIT 3"\}$/)]);
    expect(sim.requests.every((r) => r.status < 300)).toBe(true);

    // A partner key names no project: PEAKA_PROJECT_ID says which one to read.
    const before = sim.requests.length;
    const partner = await demo({ PEAKA_API_KEY: sim.partnerKey, PEAKA_BASE_URL: served.url, PEAKA_PROJECT_ID: sim.seeded.projectId });
    expect(partner).toMatch(/^PEAKA_API_KEY set: running against the real API, read-only \(partner key of /);
    expect(partner).toContain(`project ${sim.seeded.projectId}:`);
    expect(sim.requests.slice(before).filter((r) => r.method !== "GET").map((r) => r.operationId)).toEqual(["executeQuery"]);
  } finally {
    await served.close();
  }
});
