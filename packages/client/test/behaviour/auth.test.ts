// Authentication and SDK headers as the server receives them.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { PeakaConfigError } from "../../src/errors.js";
import { VERSION } from "../../src/version.js";
import { clientFor, closeAllServers, json, rejectionOf, startServer } from "../support/servers.js";

afterEach(closeAllServers);

const ids = { projectId: "prjA", cacheId: "c-1" };
const STATUS = { id: "c-1", status: "COMPLETED", catalogId: "1", schemaName: "s", tableName: "t" };

describe("API key", () => {
  it("calls an async key function before every request and every retry", async () => {
    const server = await startServer([json(503, {}), json(200, STATUS)]);
    let calls = 0;
    const peaka = clientFor(server, {
      apiKey: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 1));
        return `rotated-${calls}`;
      },
    });
    await peaka.cache.getStatus(ids); // 503, retried, 200
    await peaka.cache.getStatus(ids);
    expect(calls).toBe(3);
    expect(server.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer rotated-1", "Bearer rotated-2", "Bearer rotated-3"]);
  });

  it("rejects a key function that returns an unusable key with PeakaConfigError, sending nothing", async () => {
    const server = await startServer(json(200, STATUS));
    const error = await rejectionOf(clientFor(server, { apiKey: () => "key-with-newline\n" }).cache.getStatus(ids));
    expect(error).toBeInstanceOf(PeakaConfigError);
    expect((error as Error).message).not.toContain("key-with-newline");
    expect(server.requests).toHaveLength(0);
  });

  it("lets a per-request apiKey (string or function) override the client's", async () => {
    const server = await startServer(json(200, STATUS));
    const peaka = clientFor(server, { apiKey: "partner-key" });
    await peaka.cache.getStatus(ids);
    await peaka.cache.getStatus(ids, { apiKey: "project-key" });
    await peaka.cache.getStatus(ids, { apiKey: async () => "project-key-2" });
    await peaka.cache.getStatus(ids);
    expect(server.requests.map((r) => r.headers["authorization"])).toEqual([
      "Bearer partner-key",
      "Bearer project-key",
      "Bearer project-key-2",
      "Bearer partner-key",
    ]);
  });

  it("lets per-request headers override the client's, and keeps the others", async () => {
    const server = await startServer(json(200, STATUS));
    const peaka = clientFor(server, { apiKey: "partner-key", headers: { "X-Team": "data", "X-Trace": "client" } });
    await peaka.cache.getStatus(ids, { headers: { "X-Trace": "request-7", Authorization: "Bearer from-header" } });
    await peaka.cache.getStatus(ids);
    const [first, second] = server.requests;
    expect(first!.headers["x-trace"]).toBe("request-7");
    expect(first!.headers["x-team"]).toBe("data");
    expect(first!.headers["authorization"]).toBe("Bearer from-header");
    expect(second!.headers["x-trace"]).toBe("client");
    expect(second!.headers["authorization"]).toBe("Bearer partner-key");
  });

  it("applies per-request options to the low-level client through withOptions", async () => {
    const server = await startServer(json(200, STATUS));
    const peaka = clientFor(server, { apiKey: "partner-key" });
    const { data } = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
      params: { path: ids },
      fetch: peaka.withOptions({ apiKey: "project-key", headers: { "X-Trace": "low" } }),
    });
    expect(data).toEqual(STATUS);
    expect(server.requests[0]!.headers["authorization"]).toBe("Bearer project-key");
    expect(server.requests[0]!.headers["x-trace"]).toBe("low");
  });
});

describe("SDK identification", () => {
  it("sends X-Peaka-Client (and User-Agent) with the version of src/version.ts on every attempt", async () => {
    const server = await startServer([json(502, {}), json(200, STATUS)]);
    await clientFor(server).cache.getStatus(ids, { headers: { "X-Peaka-Client": "spoofed" } });
    expect(server.requests).toHaveLength(2);
    for (const r of server.requests) {
      expect(r.headers["x-peaka-client"]).toBe(`peaka-api-typescript/${VERSION}`);
      expect(r.headers["user-agent"]).toBe(`peaka-api-typescript/${VERSION}`);
    }
  });

  it("src/version.ts VERSION equals package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });
});
