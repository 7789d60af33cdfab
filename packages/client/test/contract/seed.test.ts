// The two endpoints of the user's own pages, through both surfaces of the client, against Prism.
import { describe, expect, expectTypeOf, inject, it } from "vitest";
import type { CacheStatus } from "@peaka/api-types";
import { createPeakaClient, createPeakaCore, getCacheStatus, getMetadataRefreshStatus, PeakaApiError, PeakaNotFoundError } from "../../src/index.js";

const peaka = createPeakaClient({ apiKey: "contract-test-key", baseUrl: inject("prismUrl"), maxRetries: 0 });
const projectId = "prj4Xq9Z";
const cacheId = "3f9d2c71-5a84-4e0b-b6d3-8c1e7a2f4905";
const catalogId = "731958204467113201";

describe("GET /data/projects/{projectId}/cache/{cacheId}/status", () => {
  it("returns a typed cache status through the resource method", async () => {
    const status = await peaka.cache.getStatus({ projectId, cacheId, excludeLogs: true });
    expectTypeOf(status).toEqualTypeOf<CacheStatus>();
    expect(["RUNNING", "CANCELLED", "FAILED", "COMPLETED", "DELETED", "NOT_INITIALIZED"]).toContain(status.status);
    expect(typeof status.id).toBe("string");
  });

  // What went on the wire, recorded by a fetch that passes every request on to Prism.
  const sent: URL[] = [];
  const recordingFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(new URL(new Request(input, init).url));
    return fetch(input, init);
  };
  const recorded = createPeakaClient({ apiKey: "contract-test-key", baseUrl: inject("prismUrl"), maxRetries: 0, fetch: recordingFetch });
  const recordedCore = createPeakaCore({ apiKey: "contract-test-key", baseUrl: inject("prismUrl"), maxRetries: 0, fetch: recordingFetch });

  it.each([true, false])("sends excludeLogs=%s in the query string, and Prism accepts it (resource method and operation function)", async (excludeLogs) => {
    sent.length = 0;
    const { data, response } = await recorded.cache.getStatus.withResponse({ projectId, cacheId, excludeLogs });
    expect(response.headers.get("sl-violations")).toBeNull();
    expect(data.status).toBeTypeOf("string");
    await getCacheStatus(recordedCore, { projectId, cacheId, excludeLogs });
    const base = new URL(inject("prismUrl")).pathname.replace(/\/$/, "");
    expect(sent.map((u) => `${u.pathname}${u.search}`)).toEqual(
      Array(2).fill(`${base}/data/projects/${projectId}/cache/${cacheId}/status?excludeLogs=${excludeLogs}`),
    );
  });

  it("fails when Prism rejects the request (a wrong-typed query value), on both surfaces", async () => {
    const { error, response } = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
      params: { path: { projectId, cacheId }, query: { excludeLogs: "sometimes" as unknown as boolean } },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(error).toBeDefined();
    // The resource method must send the value too: Prism can only reject what reached it.
    const thrown = await peaka.cache.getStatus({ projectId, cacheId, excludeLogs: "sometimes" as unknown as boolean }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(PeakaApiError);
    expect((thrown as PeakaApiError).status).toBeGreaterThanOrEqual(400);
  });

  it("returns the same data through the low-level openapi-fetch surface", async () => {
    const { data, error } = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
      params: { path: { projectId, cacheId }, query: { excludeLogs: true } },
    });
    expect(error).toBeUndefined();
    expect(data?.status).toBeTypeOf("string");
  });

  it("gives a typed 404 (Prism's Prefer: code=404) on both surfaces", async () => {
    const low = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
      params: { path: { projectId, cacheId } },
      headers: { Prefer: "code=404" },
    });
    expect(low.response.status).toBe(404);
    // No field of Peaka's error body is guaranteed (spec/EVIDENCE.md).
    expectTypeOf(low.error).toEqualTypeOf<
      { errorCode?: number | string | null; error?: string; code?: number | string; message?: string; reason?: string } | undefined
    >();
    expect(low.error?.message).toBeTypeOf("string");

    const thrown = await peaka.cache
      .getStatus({ projectId, cacheId }, { headers: { Prefer: "code=404" } })
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(PeakaNotFoundError);
    expect(thrown).toBeInstanceOf(PeakaApiError);
    const err = thrown as PeakaNotFoundError;
    expect(err.status).toBe(404);
    // The shared 404 example carries only a message: no source shows a code on a 404.
    expect(err.errorCode).toBeUndefined();
    expect(err.detail).toBe(low.error?.message);
    expect(err.method).toBe("GET");
    expect(err.path).toBe(`/data/projects/${projectId}/cache/${cacheId}/status`);
  });
});

describe("GET /metadata/{projectId}/refresh/{catalogId}", () => {
  it("returns the refresh status normalized to the upper-case enum", async () => {
    const job = await peaka.metadata.getRefreshStatus({ projectId, catalogId });
    expectTypeOf(job.status).toEqualTypeOf<
      "NOT_ACTIVE" | "COMPLETED" | "WAITING" | "ACTIVE" | "DELAYED" | "FAILED" | "PAUSED" | "STUCK"
    >();
    expect(job.status).toMatch(/^[A-Z_]+$/);
  });

  it("keeps the wire spelling on the low-level surface", async () => {
    const { data } = await peaka.GET("/metadata/{projectId}/refresh/{catalogId}", {
      params: { path: { projectId, catalogId } },
    });
    expect(typeof data?.status).toBe("string");
  });
});

describe("the standalone operation functions (createPeakaCore)", () => {
  const core = createPeakaCore({ apiKey: "contract-test-key", baseUrl: inject("prismUrl"), maxRetries: 0 });

  it("call the same operations as the resource methods, with the same types", async () => {
    const status = await getCacheStatus(core, { projectId, cacheId, excludeLogs: true });
    expectTypeOf(status).toEqualTypeOf<CacheStatus>();
    expect(status).toEqual(await peaka.cache.getStatus({ projectId, cacheId, excludeLogs: true }));
    const job = await getMetadataRefreshStatus(core, { projectId, catalogId });
    expect(job.status).toMatch(/^[A-Z_]+$/);
  });

  it("throw the same typed errors", async () => {
    const thrown = await getCacheStatus(core, { projectId, cacheId }, { headers: { Prefer: "code=404" } }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(PeakaNotFoundError);
  });

  it("never show the key when serialized", () => {
    expect(JSON.stringify(core)).not.toContain("contract-test-key");
  });
});
