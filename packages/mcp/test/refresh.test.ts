// refresh_cache waits for the run it started, with progress notifications, against a small scripted
// server playing Peaka's cache routes: the baseline read shows an earlier finished run, the trigger
// answers STARTED, then the new run is RUNNING and later COMPLETED. Prism's fixed examples cannot
// play a sequence.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectStdio, startHttp, connectHttp, textOf, type Connected, type HttpServerProcess } from "./support/harness.js";

const P = "prj4Xq9Z";
const CACHE_ID = "3f9d2c71-5a84-4e0b-b6d3-8c1e7a2f4905";

function run(id: string, status: string, createdAt: string, records: number) {
  return { id, executionMode: "FULL_REFRESH", status, error: null, progress: { numberOfCachedRecords: records }, createdAt, updatedAt: createdAt, finishedAt: status === "COMPLETED" ? createdAt : null };
}
function cacheStatus(full: ReturnType<typeof run>) {
  return { id: CACHE_ID, status: full.status, catalogId: "731958204467113201", schemaName: "crm", tableName: "deals", lastFullRefreshCacheExecution: full };
}

let scripted: Server;
let baseUrl = "";
let reads = 0;
let triggers = 0;
const httpServers: HttpServerProcess[] = [];
const clients: Connected[] = [];

beforeAll(async () => {
  scripted = createServer((req, res) => {
    const url = req.url ?? "";
    res.setHeader("content-type", "application/json");
    // HTTP mode checks the caller's key with Peaka first.
    if (req.method === "GET" && url === "/api/v1/info") return res.end(JSON.stringify({ userId: "u-1", email: "dana@example.org" }));
    if (req.method === "POST" && url.endsWith(`/cache/${CACHE_ID}/fullRefreshUpdate`)) {
      triggers++;
      reads = 0;
      return res.end(JSON.stringify({ status: "STARTED", message: "started" }));
    }
    if (req.method === "GET" && url.startsWith(`/api/v1/data/projects/${P}/cache/${CACHE_ID}/status`)) {
      // Before the trigger: the earlier run. After it: the new run, RUNNING once, then COMPLETED.
      const body = triggers === 0 ? run("run-1", "COMPLETED", "2025-06-01T00:00:00Z", 100) : reads++ === 0 ? run("run-2", "RUNNING", "2025-06-02T00:00:00Z", 40) : run("run-2", "COMPLETED", "2025-06-02T00:00:00Z", 120);
      return res.end(JSON.stringify(cacheStatus(body)));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ message: `no route ${req.method} ${url}` }));
  });
  await new Promise<void>((r) => scripted.listen(0, "127.0.0.1", r));
  const address = scripted.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/v1`;
});

afterAll(async () => {
  for (const c of clients) await c.close();
  for (const h of httpServers) await h.stop();
  scripted.close();
});

describe.each(["stdio", "http"] as const)("refresh_cache over %s", (transport) => {
  it("waits for the run it started and reports its progress", async () => {
    triggers = 0;
    let server: Connected;
    if (transport === "stdio") server = await connectStdio(baseUrl, ["--allow-writes"]);
    else {
      const http = await startHttp(baseUrl, ["--allow-writes"]);
      httpServers.push(http);
      server = await connectHttp(http.url);
    }
    clients.push(server);
    const progress: string[] = [];
    const r = await server.call("refresh_cache", { projectId: P, cacheId: CACHE_ID, timeoutSeconds: 60 }, (p) => progress.push(p.message ?? ""));
    expect(r.isError, textOf(r)).toBeFalsy();
    const body = JSON.parse(textOf(r));
    // The new run, not the earlier one that was already COMPLETED.
    expect(body.run.id).toBe("run-2");
    expect(body.status).toBe("COMPLETED");
    expect(triggers).toBe(1);
    expect(progress[0]).toContain("starting a full refresh");
    expect(progress).toContain(`cache ${CACHE_ID} full refresh: RUNNING, 40 records cached`);
    // The last one, too: it is sent before the result (see the harness on how it is collected).
    expect(progress).toContain(`cache ${CACHE_ID} full refresh: COMPLETED, 120 records cached`);
  });
});
