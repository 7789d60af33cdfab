// Type tests (vitest typecheck): resource methods are typed from the spec, and wrong arguments do not
// compile. Each `@ts-expect-error` fails the run if the line below it ever starts to compile.
import { describe, expectTypeOf, it } from "vitest";
import type { AgentStreamEvent, CacheStatus, ExportJob, Catalog } from "@peaka/api-types";
import {
  createPeakaClient,
  createPeakaCore,
  fullRefreshCacheAndWait,
  incrementalUpdateCacheAndWait,
  iterateCacheExecutionHistory,
  iterateExports,
  refreshMaterializedQueryAndWait,
  refreshMetadataAndWait,
  waitForCacheRun,
  waitForMetadataRefresh,
  type CacheExecutionInfo,
  type MaterializedQueryStatus,
  type NormalizedRefreshJobStatus,
  type MetadataRefreshState,
  type PeakaEventStream,
  type StreamEvent,
  waitForCacheSync,
} from "../../src/index.js";

const peaka = createPeakaClient({ apiKey: "test-key" });

describe("resource methods", () => {
  it("return the spec's success bodies", () => {
    expectTypeOf(peaka.cache.getStatus({ projectId: "p", cacheId: "c" })).resolves.toEqualTypeOf<CacheStatus>();
    expectTypeOf(peaka.catalogs.list({ projectId: "p" })).resolves.toEqualTypeOf<Catalog[]>();
    expectTypeOf(peaka.exports.get({ projectId: "p", exportId: "e" })).resolves.toEqualTypeOf<ExportJob>();
    expectTypeOf(peaka.tables.getCsvSample({ projectId: "p", tableName: "t" })).resolves.toEqualTypeOf<string>();
    expectTypeOf(peaka.agent.getWorkflowImage()).resolves.toEqualTypeOf<Blob>();
    expectTypeOf(peaka.cache.delete({ projectId: "p", cacheId: "c" })).resolves.toEqualTypeOf<void>();
  });

  it("normalize the metadata refresh status to the upper-case enum", () => {
    expectTypeOf(peaka.metadata.getRefreshStatus({ projectId: "p", catalogId: "c" })).resolves.toHaveProperty("status").toEqualTypeOf<MetadataRefreshState>();
  });

  it("type the agent stream's events", () => {
    expectTypeOf(peaka.agent.stream).returns.resolves.toEqualTypeOf<PeakaEventStream<AgentStreamEvent>>();
    type Event = StreamEvent<AgentStreamEvent>;
    expectTypeOf<Awaited<ReturnType<typeof peaka.agent.stream>> extends AsyncIterable<infer E> ? E : never>().toEqualTypeOf<Event>();
    expectTypeOf<Event["data"]>().not.toBeAny();
    expectTypeOf<Event["data"]>().not.toBeUnknown();
  });

  it("give .withResponse the data and the Response", () => {
    expectTypeOf(peaka.cache.getStatus.withResponse({ projectId: "p", cacheId: "c" })).resolves.toEqualTypeOf<{ data: CacheStatus; response: Response }>();
  });

  it("reject wrong arguments at compile time", () => {
    // @ts-expect-error cacheId is required
    void peaka.cache.getStatus({ projectId: "p" });
    // @ts-expect-error excludeLogs is a boolean
    void peaka.cache.getStatus({ projectId: "p", cacheId: "c", excludeLogs: "yes" });
    // @ts-expect-error no such parameter
    void peaka.cache.getStatus({ projectId: "p", cacheId: "c", exclude: true });
    // @ts-expect-error a body is required to create a cache
    void peaka.cache.create({ projectId: "p" });
    // @ts-expect-error no such method
    void peaka.cache.getStatuses;
    // @ts-expect-error no such resource
    void peaka.caches;
    // @ts-expect-error waiters need the cache id
    void waitForCacheSync(peaka, { projectId: "p" });
  });

  it("take no argument where the operation has no required one", () => {
    expectTypeOf(peaka.organizations.list).toBeCallableWith();
    expectTypeOf(peaka.drivers.getAll).toBeCallableWith();
  });
});

describe("waiters and iterators", () => {
  const core = createPeakaCore({ apiKey: "test-key" });
  const ids = { projectId: "p", cacheId: "c" };

  it("take a client or a core and resolve with the job's status type", () => {
    expectTypeOf(fullRefreshCacheAndWait(core, ids)).resolves.toEqualTypeOf<CacheStatus>();
    expectTypeOf(incrementalUpdateCacheAndWait(peaka, ids)).resolves.toEqualTypeOf<CacheStatus>();
    expectTypeOf(refreshMetadataAndWait(core, { projectId: "p", catalogId: "c" })).resolves.toEqualTypeOf<NormalizedRefreshJobStatus>();
    expectTypeOf(refreshMaterializedQueryAndWait(peaka, { projectId: "p", queryId: "q" })).resolves.toEqualTypeOf<MaterializedQueryStatus>();
    expectTypeOf(iterateExports(core, { projectId: "p" })).toEqualTypeOf<AsyncGenerator<ExportJob>>();
    expectTypeOf(iterateCacheExecutionHistory(peaka, ids)).toEqualTypeOf<AsyncGenerator<CacheExecutionInfo>>();
  });

  it("give onProgress the job's status", () => {
    void fullRefreshCacheAndWait(core, ids, { onProgress: (status) => expectTypeOf(status).toEqualTypeOf<CacheStatus>() });
  });

  it("reject what is not a run baseline, a mode, a client or a core", () => {
    // @ts-expect-error waitForCacheRun needs the baseline read before the trigger
    void waitForCacheRun(core, { ...ids, mode: "FULL_REFRESH" });
    // @ts-expect-error the mode is FULL_REFRESH or INCREMENTAL
    void waitForCacheRun(core, { ...ids, mode: "FULL", after: null });
    // @ts-expect-error neither a client nor a core
    void fullRefreshCacheAndWait({ baseUrl: "https://x.test" }, ids);
    // @ts-expect-error a metadata baseline is a refresh state
    void waitForMetadataRefresh(core, { projectId: "p", catalogId: "c", after: "DONE" });
  });
});

