// Both front doors to a scripted server: a client from createPeakaClient() and a core from
// createPeakaCore(). Waiter and iterator tests run every case through each.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createPeakaCore } from "../../src/core.js";
import type { PeakaClientOrCore } from "../../src/door.js";
import { clientFor, type Step, type TestServer } from "./servers.js";

export type DoorName = "createPeakaClient" | "createPeakaCore";
export const DOORS: DoorName[] = ["createPeakaClient", "createPeakaCore"];

/** A client or a core for `server`, with the same fast retry settings as `clientFor`. */
export function doorFor(door: DoorName, server: TestServer): PeakaClientOrCore {
  if (door === "createPeakaClient") return clientFor(server);
  return createPeakaCore({ apiKey: "test-key", baseUrl: server.baseUrl, retryBackoff: { initialDelayMs: 5, maxDelayMs: 20 }, timeout: 5_000 });
}

/**
 * A step that routes by method: GET requests get the next body of `reads` (the last one repeats);
 * any other method gets `other` (200, JSON) and is not counted as a read.
 */
export function jobScript(reads: unknown[], other: unknown = { status: "STARTED" }): Step {
  let n = 0;
  return (req: IncomingMessage, res: ServerResponse) => {
    const body = req.method === "GET" ? reads[Math.min(n++, reads.length - 1)] : other;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
}
