// `peaka-mcp --simulator`: the real command over stdio, with no key in its environment, answering from
// @peaka/simulator in its own process, reached by the official MCP SDK client. It says on stderr that
// it is a simulator, and an agent can browse the seeded shop and read the SQL guide.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { createPeakaSimulator } from "@peaka/simulator";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FROM_SOURCE, PACKAGE_DIR, textOf, wrap, type Connected } from "./support/harness.js";

let server: Connected;
let stderr = "";

beforeAll(async () => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("PEAKA_")) env[k] = v;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...FROM_SOURCE, resolve(PACKAGE_DIR, "src/cli.ts"), "--simulator", "--seed", "7"],
    cwd: PACKAGE_DIR,
    env,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "peaka-mcp-test", version: "0.0.0" });
  await client.connect(transport);
  server = wrap(client, () => stderr, () => client.close());
});
afterAll(() => server?.close());

describe("peaka-mcp --simulator", () => {
  it("says on stderr that it answers from the simulator, with the seeded ids, and needs no key", async () => {
    // The same seed gives the same ids in this process.
    const seeded = createPeakaSimulator({ seed: 7 }).seeded;
    await expect.poll(() => server.stderr(), { timeout: 30_000 }).toContain("on the simulator)");
    expect(server.stderr()).toContain(`peaka-mcp: SIMULATOR — answering from @peaka/simulator in this process, not from Peaka`);
    expect(server.stderr()).toContain(`Seed 7: project ${seeded.projectId} ("shop"), catalog ${seeded.catalogId} ("shop"), saved query ${seeded.queryId}.`);
  });

  it("browses the seeded shop through the task tools", async () => {
    const projects = JSON.parse(textOf(await server.call("browse", {})));
    expect(projects).toEqual([expect.objectContaining({ project: "shop" })]);
    const { projectId } = projects[0];
    const catalogs = JSON.parse(textOf(await server.call("browse", { projectId })));
    const shop = catalogs.find((c: { name: string }) => c.name === "shop");
    const tables = JSON.parse(textOf(await server.call("browse", { projectId, catalogId: shop.id, schemaName: "public" })));
    expect(tables.map((t: { tableName: string }) => t.tableName)).toEqual(["customers", "orders", "order_items"]);
    const guide = await server.client.readResource({ uri: "peaka://guide/sql" });
    expect((guide.contents[0] as { text: string }).text).toContain("# Writing SQL for Peaka");
  });
});

describe("peaka-mcp --simulator without @peaka/simulator installed", () => {
  it("stops with a message saying how to get it; without --simulator the server starts as before", () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PEAKA_")));
    const run = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [...FROM_SOURCE, "--import", resolve(PACKAGE_DIR, "test/support/no-simulator.mjs"), resolve(PACKAGE_DIR, "src/cli.ts"), ...args], {
        cwd: PACKAGE_DIR,
        env: { ...env, ...extra },
        encoding: "utf8",
        input: "",
        timeout: 45_000,
      });
    const r = run(["--simulator"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--simulator needs the @peaka/simulator package next to @peaka/mcp (npm install @peaka/simulator, or npx -y -p @peaka/mcp -p @peaka/simulator peaka-mcp --simulator)");
    expect(r.stderr).toContain("Cannot find package '@peaka/simulator'");
    // The rest of the command does not need it: the tool list prints, a stdio server starts (and ends with its input).
    expect(run(["--list-tools"]).stdout).toContain("run_sql");
    const started = run([], { PEAKA_API_KEY: "k-12345678" });
    expect(started.stderr).toContain("peaka-mcp");
    expect(started.stderr).toContain(": stdio (11 tools, read-only)");
  });
});
