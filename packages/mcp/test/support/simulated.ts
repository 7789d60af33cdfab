// The MCP server in this process, on @peaka/simulator (its fetch passed to the client), reached by
// the official MCP SDK Client over the SDK's in-memory transport. The tools then act on a Peaka with
// state and jobs: a seeded shop project, caches that run, exports that end, SQL that runs.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createPeakaSimulator, type PeakaSimulator, type PeakaSimulatorOptions } from "@peaka/simulator";
import { createPeakaMcpServer, type PeakaMcpServerOptions } from "../../src/server.js";
import { afterEach } from "vitest";
import { wrap, type Connected } from "./harness.js";

export interface Simulated extends Connected {
  sim: PeakaSimulator;
}

type Fetch = PeakaSimulator["fetch"];

/**
 * A simulator and an MCP server on it (read-only unless `options` say otherwise), with a connected
 * client. `through` puts a fetch of the test's between the server and the simulator.
 */
export async function connectSimulated(options: Partial<PeakaMcpServerOptions> = {}, simulator: PeakaSimulatorOptions = {}, through?: (fetch: Fetch) => Fetch): Promise<Simulated> {
  const sim = createPeakaSimulator(simulator);
  const server = createPeakaMcpServer({ apiKey: sim.partnerKey, client: { fetch: through ? through(sim.fetch) : sim.fetch }, ...options });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "peaka-mcp-test", version: "0.0.0" });
  await client.connect(clientSide);
  return { sim, ...wrap(client, () => "", async () => void (await client.close())) };
}

/** The size of a tool answer as a client receives it: the JSON of its content, in bytes. */
export function answerBytes(result: { content: unknown }): number {
  return Buffer.byteLength(JSON.stringify(result.content));
}

/**
 * For a test file: a `connectSimulated` whose servers and simulators are closed after each test
 * (registers the `afterEach` itself).
 */
export function simulatedPerTest(): typeof connectSimulated {
  let open: Simulated[] = [];
  afterEach(async () => {
    for (const s of open) await s.close();
    open = [];
  });
  return async (...args) => {
    const s = await connectSimulated(...args);
    open.push(s);
    return s;
  };
}
