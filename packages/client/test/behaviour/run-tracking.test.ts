// Waiters that follow the run they started. Every script begins the way Peaka behaves right after a
// trigger: the status still shows the previous run's final state. Each case runs through both front
// doors (createPeakaClient and createPeakaCore).
import { afterEach, describe, expect, it } from "vitest";
import { PeakaAbortError, PeakaInvalidArgumentError, PeakaJobFailedError, PeakaTimeoutError } from "../../src/errors.js";
import {
  fullRefreshCacheAndWait,
  incrementalUpdateCacheAndWait,
  refreshMaterializedQueryAndWait,
  refreshMetadataAndWait,
  waitForCacheRun,
  waitForMaterializedQuery,
  waitForMetadataRefresh,
} from "../../src/waiters.js";
import { DOORS, doorFor, jobScript } from "../support/doors.js";
import { closeAllServers, json, rejectionOf, startServer } from "../support/servers.js";

afterEach(closeAllServers);

const FAST = { interval: 5, backoff: 1, timeout: 5_000 };
// A deadline that leaves a busy machine room for the baseline read, the trigger and a few reads.
const NEVER = { interval: 10, backoff: 1, timeout: 1_000 };
const projectId = "prjA";
const cacheId = "3f9d2c71-5a84-4e0b-b6d3-8c1e7a2f4905";

type Mode = "FULL_REFRESH" | "INCREMENTAL";
const FIELD = { FULL_REFRESH: "lastFullRefreshCacheExecution", INCREMENTAL: "lastIncrementalCacheExecution" } as const;

function run(id: string, status: string, createdAt: string, mode: Mode) {
  return { id, executionMode: mode, status, error: status === "FAILED" ? { message: "boom" } : null, createdAt, progress: { numberOfCachedRecords: id.length } };
}
/** A cache status whose `mode` run is `r`; the other mode holds an old completed run. */
function cache(mode: Mode, r: ReturnType<typeof run> | null, overall = r?.status ?? "COMPLETED") {
  const other: Mode = mode === "FULL_REFRESH" ? "INCREMENTAL" : "FULL_REFRESH";
  return {
    id: cacheId,
    status: overall,
    catalogId: "731958204467113201",
    schemaName: "sales",
    tableName: "orders",
    [FIELD[mode]]: r,
    [FIELD[other]]: run("other-mode-run", "COMPLETED", "2026-01-01T00:00:00Z", other),
  };
}

const helpers = { FULL_REFRESH: fullRefreshCacheAndWait, INCREMENTAL: incrementalUpdateCacheAndWait } as const;
const triggerPath = { FULL_REFRESH: "fullRefreshUpdate", INCREMENTAL: "incrementalUpdate" } as const;

describe.each(DOORS)("cache runs via %s", (door) => {
  describe.each(["FULL_REFRESH", "INCREMENTAL"] as const)("%s", (mode) => {
    const OLD = run("run-OLD", "COMPLETED", "2026-03-01T10:00:00Z", mode);
    const NEW_RUNNING = run("run-NEW", "RUNNING", "2026-03-02T10:00:00Z", mode);
    const NEW_DONE = run("run-NEW", "COMPLETED", "2026-03-02T10:00:00Z", mode);

    it("skips the previous run's final status and resolves with the new run", async () => {
      const server = await startServer(jobScript([cache(mode, OLD), cache(mode, OLD), cache(mode, NEW_RUNNING), cache(mode, NEW_DONE)]));
      const seen: string[] = [];
      const final = await helpers[mode](doorFor(door, server), { projectId, cacheId }, {
        ...FAST,
        onProgress: (s, state) => seen.push(`${(s as any)[FIELD[mode]].id} ${state}`),
      });
      expect((final as any)[FIELD[mode]]).toEqual(NEW_DONE);
      expect(seen).toEqual(["run-NEW RUNNING", "run-NEW COMPLETED"]); // never run-OLD
      expect(server.requests.map((r) => `${r.method} ${r.url.replace(/^.*\/cache\/[^/]+\//, "")}`)).toEqual([
        "GET status?excludeLogs=true", // the baseline, before the trigger
        `POST ${triggerPath[mode]}`,
        "GET status?excludeLogs=true",
        "GET status?excludeLogs=true",
        "GET status?excludeLogs=true",
      ]);
    });

    it("ends with PeakaTimeoutError saying the new run never started when the old run keeps being served", async () => {
      const server = await startServer(jobScript([cache(mode, OLD)]));
      const seen: string[] = [];
      const error = await rejectionOf(
        helpers[mode](doorFor(door, server), { projectId, cacheId }, { ...NEVER, onProgress: (_s, state) => seen.push(state) }),
      );
      expect(error).toBeInstanceOf(PeakaTimeoutError);
      expect((error as Error).message).toMatch(/the new run never started/);
      expect((error as PeakaTimeoutError).lastStatus).toEqual(cache(mode, OLD));
      expect(seen).toEqual([]);
      expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    });

    it("rejects with PeakaJobFailedError when the new run fails, even though the cache's other mode completed", async () => {
      const failed = run("run-NEW", "FAILED", "2026-03-02T10:00:00Z", mode);
      const server = await startServer(jobScript([cache(mode, OLD), cache(mode, OLD), cache(mode, failed, "FAILED")]));
      const error = await rejectionOf(helpers[mode](doorFor(door, server), { projectId, cacheId }, FAST));
      expect(error).toBeInstanceOf(PeakaJobFailedError);
      expect((error as PeakaJobFailedError).state).toBe("FAILED");
      expect(((error as PeakaJobFailedError).lastStatus as any)[FIELD[mode]].id).toBe("run-NEW");
    });

    it("does not take the previous run for the new one when the old one failed (a stale FAILED is not the new run's end)", async () => {
      const oldFailed = run("run-OLD", "FAILED", "2026-03-01T10:00:00Z", mode);
      const server = await startServer(jobScript([cache(mode, oldFailed), cache(mode, oldFailed), cache(mode, NEW_DONE)]));
      const final = await helpers[mode](doorFor(door, server), { projectId, cacheId }, FAST);
      expect((final as any)[FIELD[mode]].id).toBe("run-NEW");
    });

    it("waits for the first run of a mode that never ran (baseline null)", async () => {
      const server = await startServer(jobScript([cache(mode, null, "NOT_INITIALIZED"), cache(mode, null, "NOT_INITIALIZED"), cache(mode, NEW_DONE)]));
      const final = await helpers[mode](doorFor(door, server), { projectId, cacheId }, FAST);
      expect((final as any)[FIELD[mode]]).toEqual(NEW_DONE);
    });

    it("waitForCacheRun ignores an older run served after the baseline (a different id that started earlier)", async () => {
      const older = run("run-OLDER", "COMPLETED", "2026-02-01T10:00:00Z", mode);
      const server = await startServer(jobScript([cache(mode, older), cache(mode, NEW_DONE)]));
      const final = await waitForCacheRun(doorFor(door, server), { projectId, cacheId, mode, after: OLD }, FAST);
      expect((final as any)[FIELD[mode]].id).toBe("run-NEW");
      expect(server.requests).toHaveLength(2);
    });
  });

  it("waitForCacheRun rejects a missing baseline with PeakaInvalidArgumentError before any request", async () => {
    const server = await startServer(json(200, {}));
    const error = await rejectionOf(waitForCacheRun(doorFor(door, server), { projectId, cacheId, mode: "FULL_REFRESH" } as never, FAST));
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((error as Error).message).toMatch(/after/);
    expect(server.requests).toHaveLength(0);
  });

  it("stops with PeakaAbortError: before anything is sent, and while waiting for the new run", async () => {
    const server = await startServer(jobScript([cache("FULL_REFRESH", run("run-OLD", "COMPLETED", "2026-03-01T10:00:00Z", "FULL_REFRESH"))]));
    const early = await rejectionOf(fullRefreshCacheAndWait(doorFor(door, server), { projectId, cacheId }, { ...FAST, signal: AbortSignal.abort("no") }));
    expect(early).toBeInstanceOf(PeakaAbortError);
    expect(server.requests).toHaveLength(0);

    const controller = new AbortController();
    const waiting = fullRefreshCacheAndWait(doorFor(door, server), { projectId, cacheId }, { ...FAST, signal: controller.signal });
    await server.nthRequest(4); // baseline, trigger, two reads of the old run
    controller.abort("enough");
    const error = await rejectionOf(waiting);
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe("enough");
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("rejects bad poll options before triggering anything", async () => {
    const server = await startServer(json(200, {}));
    for (const options of [{ interval: -1 }, { backoff: 0.5 }, { maxInterval: Number.NaN }, { timeout: 0 }]) {
      const error = await rejectionOf(fullRefreshCacheAndWait(doorFor(door, server), { projectId, cacheId }, options));
      expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
      expect((error as Error).message).toContain(Object.keys(options)[0]);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe.each(DOORS)("metadata refresh via %s", (door) => {
  const catalogId = "731958204467113201";

  it("ignores the previous run's COMPLETED and the NOT_ACTIVE before the job starts, then ends on the new COMPLETED", async () => {
    const server = await startServer(
      jobScript([{ status: "COMPLETED" }, { status: "completed" }, { status: "not-active" }, { status: "waiting" }, { status: "active" }, { status: "completed" }], {}),
    );
    const states: string[] = [];
    const final = await refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId, callbackURL: "https://hooks.example.org/m" }, {
      ...FAST,
      onProgress: (_s, state) => states.push(state),
    });
    expect(final).toEqual({ status: "COMPLETED" });
    expect(states).toEqual(["WAITING", "ACTIVE", "COMPLETED"]);
    const post = server.requests.find((r) => r.method === "POST")!;
    expect(post.url).toBe(`/api/v1/metadata/${projectId}/refresh`);
    expect(JSON.parse(post.body.toString())).toEqual({ catalogId, callbackURL: "https://hooks.example.org/m" });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "GET", "GET", "GET", "GET"]);
  });

  it("never ends on NOT_ACTIVE: a job that never starts times out saying so", async () => {
    const server = await startServer(jobScript([{ status: "NOT_ACTIVE" }], {}));
    const states: string[] = [];
    const error = await rejectionOf(
      refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, { ...NEVER, onProgress: (_s, state) => states.push(state) }),
    );
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as Error).message).toMatch(/new run never started.*NOT_ACTIVE/);
    expect((error as PeakaTimeoutError).lastStatus).toEqual({ status: "NOT_ACTIVE" });
    expect(states).toEqual([]);
  });

  it("counts a final state that differs from the baseline as the new job's end (NOT_ACTIVE → COMPLETED between two reads)", async () => {
    const server = await startServer(jobScript([{ status: "not-active" }, { status: "COMPLETED" }], {}));
    await expect(refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, FAST)).resolves.toEqual({ status: "COMPLETED" });
  });

  it("rejects with PeakaJobFailedError when the new job fails after a previous COMPLETED", async () => {
    const server = await startServer(jobScript([{ status: "COMPLETED" }, { status: "COMPLETED" }, { status: "active" }, { status: "stuck" }], {}));
    const error = await rejectionOf(refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, FAST));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((error as PeakaJobFailedError).state).toBe("STUCK");
  });

  it("treats a 404 before the first refresh as no previous job", async () => {
    let gets = 0;
    const server = await startServer((req, res) => {
      if (req.method === "GET" && gets++ === 0) return json(404, { message: "no job" })(req, res, undefined as never);
      const body = req.method === "POST" ? {} : { status: gets < 3 ? "active" : "completed" };
      return json(200, body)(req, res, undefined as never);
    });
    await expect(refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, FAST)).resolves.toEqual({ status: "COMPLETED" });
  });

  it("a refresh that ended between two reads after a previous COMPLETED ends after `settle`, not at the timeout", async () => {
    // The status carries only its state: every read shows COMPLETED, as before the trigger.
    const server = await startServer(jobScript([{ status: "COMPLETED" }], {}));
    const states: string[] = [];
    const final = await refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, {
      ...FAST,
      timeout: 600_000,
      settle: 100,
      onProgress: (_s, state) => states.push(state),
    });
    expect(final).toEqual({ status: "COMPLETED" });
    expect(states).toEqual(["COMPLETED"]); // only the read that was taken for the end is reported
    expect(server.requests.filter((r) => r.method === "GET").length).toBeGreaterThanOrEqual(3);
  });

  it("with `settle: Infinity` an unchanged COMPLETED is never taken for the end (the wait ends at its timeout)", async () => {
    const server = await startServer(jobScript([{ status: "COMPLETED" }], {}));
    const error = await rejectionOf(refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, { ...NEVER, timeout: 3_000, settle: Infinity }));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as Error).message).toMatch(/the new run never started \(the status still showed the previous run, COMPLETED\)/);
  });

  it("an unchanged FAILED after `settle` is the new refresh's failure", async () => {
    const server = await startServer(jobScript([{ status: "failed" }], {}));
    const error = await rejectionOf(refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, { ...FAST, settle: 50 }));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((error as PeakaJobFailedError).state).toBe("FAILED");
  });

  it("a final state equal to the one before counts at once after any other state was read (COMPLETED → not-active → COMPLETED)", async () => {
    const server = await startServer(jobScript([{ status: "COMPLETED" }, { status: "not-active" }, { status: "COMPLETED" }], {}));
    const final = await refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, { ...FAST, settle: Infinity });
    expect(final).toEqual({ status: "COMPLETED" });
    expect(server.requests.filter((r) => r.method === "GET")).toHaveLength(3);
  });

  it("rejects a bad `settle` with PeakaInvalidArgumentError before triggering anything", async () => {
    const server = await startServer(jobScript([{ status: "COMPLETED" }], {}));
    for (const settle of [0, -1, Number.NaN, "30s"]) {
      const error = await rejectionOf(refreshMetadataAndWait(doorFor(door, server), { projectId, catalogId }, { settle: settle as number }));
      expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
      expect((error as Error).message).toMatch(/`settle`/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("waitForMetadataRefresh with `after` skips a stale final state equal to it", async () => {
    const server = await startServer(jobScript([{ status: "FAILED" }, { status: "ACTIVE" }, { status: "FAILED" }]));
    const states: string[] = [];
    const error = await rejectionOf(
      waitForMetadataRefresh(doorFor(door, server), { projectId, catalogId, after: "FAILED" }, { ...FAST, onProgress: (_s, st) => states.push(st) }),
    );
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect(states).toEqual(["ACTIVE", "FAILED"]);
    expect(server.requests).toHaveLength(3);
  });
});

describe.each(DOORS)("materialized query refresh via %s", (door) => {
  const queryId = "684210397755120934";
  const mq = (status: string, lastExecutionStartTime: string | null) => ({
    queryId,
    queryName: "weekly_revenue",
    status,
    nextExecutionStartTime: null,
    lastExecutionStartTime,
    lastUpdateTime: lastExecutionStartTime,
  });
  const T0 = "2026-03-09T02:30:00Z";
  const T1 = "2026-03-09T08:00:00Z";

  it("waits past the previous COMPLETED until lastExecutionStartTime moves, then for the new run's end", async () => {
    const server = await startServer(jobScript([mq("COMPLETED", T0), mq("COMPLETED", T0), mq("RUNNING", T1), mq("COMPLETED", T1)]));
    const states: string[] = [];
    const final = await refreshMaterializedQueryAndWait(doorFor(door, server), { projectId, queryId }, { ...FAST, onProgress: (_s, st) => states.push(st) });
    expect(final).toEqual(mq("COMPLETED", T1));
    expect(states).toEqual(["RUNNING", "COMPLETED"]);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "GET", "GET"]);
    expect(server.requests[1]!.url).toBe(`/api/v1/data/projects/${projectId}/materialized-queries/${queryId}/refresh`);
  });

  it("ends with PeakaTimeoutError saying the new run never started while lastExecutionStartTime stays put", async () => {
    const server = await startServer(jobScript([mq("COMPLETED", T0)]));
    const error = await rejectionOf(refreshMaterializedQueryAndWait(doorFor(door, server), { projectId, queryId }, NEVER));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as Error).message).toMatch(/the new run never started/);
    expect((error as PeakaTimeoutError).lastStatus).toEqual(mq("COMPLETED", T0));
  });

  it("does not take the never-refreshed COMPLETED (null start) for the first run's end", async () => {
    const server = await startServer(jobScript([mq("COMPLETED", null), mq("COMPLETED", null), mq("TIMED_OUT", T1)]));
    const error = await rejectionOf(refreshMaterializedQueryAndWait(doorFor(door, server), { projectId, queryId }, FAST));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((error as PeakaJobFailedError).state).toBe("TIMED_OUT");
    expect(server.requests).toHaveLength(4);
  });

  it("does not take a status with an older lastExecutionStartTime than the baseline for the new run", async () => {
    // A replica behind the one read for the baseline serves an older run's COMPLETED after the trigger.
    const T2 = "2026-03-09T09:15:00Z";
    const server = await startServer(jobScript([mq("COMPLETED", T1), mq("COMPLETED", T0), mq("RUNNING", T2), mq("COMPLETED", T2)]));
    const states: Array<string | null> = [];
    const final = await refreshMaterializedQueryAndWait(doorFor(door, server), { projectId, queryId }, {
      ...FAST,
      onProgress: (s) => states.push(s.lastExecutionStartTime ?? null),
    });
    expect(final).toEqual(mq("COMPLETED", T2));
    expect(states).toEqual([T2, T2]);
  });

  it("waitForMaterializedQuery with `after` ignores a stale FAILED", async () => {
    const server = await startServer(jobScript([mq("FAILED", T0), mq("RUNNING", T1), mq("COMPLETED", T1)]));
    const final = await waitForMaterializedQuery(doorFor(door, server), { projectId, queryId, after: T0 }, FAST);
    expect(final.lastExecutionStartTime).toBe(T1);
  });
});
