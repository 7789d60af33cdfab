// Type tests (vitest typecheck): resource methods are typed from the spec, and wrong arguments do not
// compile. Each `@ts-expect-error` fails the run if the line below it ever starts to compile.
import { describe, expectTypeOf, it } from "vitest";
import type { CacheStatus, ExportJob, Catalog, operations } from "@peaka/api-types";
import {
  createPeakaClient,
  type MetadataRefreshState,
  type PeakaEventStream,
  type StreamEvent,
  waitForCacheSync,
} from "../../src/index.js";

const peaka = createPeakaClient({ apiKey: "k" });

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
    type Event = StreamEvent<operations["streamAgentChat"] extends unknown ? import("@peaka/api-types").AgentStreamEvent : never>;
    expectTypeOf(peaka.agent.stream).returns.resolves.toEqualTypeOf<PeakaEventStream<Event["data"]>>();
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
