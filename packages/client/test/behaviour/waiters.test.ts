// Job waiters against scripted status sequences (shapes from spec/schemas: CacheStatus,
// MetadataRefreshJobStatus, ExportJob, MaterializedQueryStatus), and `poll` itself with synthetic jobs.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PeakaAbortError, PeakaInvalidArgumentError, PeakaJobFailedError, PeakaNotFoundError, PeakaTimeoutError } from "../../src/errors.js";
import { DOORS, doorFor } from "../support/doors.js";
import { createPeakaCore } from "../../src/core.js";
import { poll, pollDelays, type Job } from "../../src/poll.js";
import { waitForCacheSync, waitForExport, waitForMaterializedQuery, waitForMetadataRefresh } from "../../src/waiters.js";
import { clientFor, closeAllServers, hang, json, rejectionOf, startServer } from "../support/servers.js";

afterEach(closeAllServers);

const FAST = { interval: 5, backoff: 1, timeout: 5_000 };

function cacheStatus(status: string, cached: number | null) {
  return {
    id: "3f9d2c71-5a84-4e0b-b6d3-8c1e7a2f4905",
    status,
    catalogId: "731958204467113201",
    schemaName: "sales",
    tableName: "orders",
    projectId: "prjA",
    lastIncrementalCacheExecution: null,
    lastFullRefreshCacheExecution:
      cached === null
        ? null
        : {
            id: "9b41e6d0-27c3-4f5a-8d12-6e0f3a7c58b4",
            executionMode: "FULL_REFRESH",
            status: status === "NOT_INITIALIZED" ? "RUNNING" : status,
            error: status === "FAILED" ? { message: "Source connection timed out." } : null,
            progress: { numberOfCachedRecords: cached, numberOfInsertedRecords: cached, numberOfUpdatedRecords: 0, numberOfDeletedRecords: 0 },
          },
  };
}

const exportJob = (status: string, extra: object = {}) => ({ id: "5e0b7a31-c2d4-4f86-9b1e-73a8d6c4f025", status, format: "CSV", ...extra });
const mqStatus = (status: string) => ({
  queryId: "684210397755120934",
  queryName: "weekly_revenue",
  status,
  nextExecutionStartTime: null,
  lastExecutionStartTime: "2026-03-09T02:30:00Z",
});

const cacheIds = { projectId: "prjA", cacheId: "3f9d2c71-5a84-4e0b-b6d3-8c1e7a2f4905" };

describe("waitForCacheSync", () => {
  it("follows RUNNING → RUNNING → COMPLETED, reporting each state and the progress counts", async () => {
    const sequence = [cacheStatus("RUNNING", 100), cacheStatus("RUNNING", 2_500), cacheStatus("COMPLETED", 4_821)];
    const server = await startServer(sequence.map((s) => json(200, s)));
    const seen: Array<[string, number | undefined]> = [];

    const final = await waitForCacheSync(clientFor(server), cacheIds, {
      ...FAST,
      onProgress: (status, state) => seen.push([state, status.lastFullRefreshCacheExecution?.progress?.numberOfCachedRecords]),
    });

    expect(final).toEqual(sequence[2]);
    expect(seen).toEqual([
      ["RUNNING", 100],
      ["RUNNING", 2_500],
      ["COMPLETED", 4_821],
    ]);
    expect(server.requests).toHaveLength(3);
    for (const r of server.requests) {
      expect(r.method).toBe("GET");
      expect(r.url).toBe(`/api/v1/data/projects/prjA/cache/${cacheIds.cacheId}/status?excludeLogs=true`);
    }
  });

  it("treats NOT_INITIALIZED as pending", async () => {
    const server = await startServer([json(200, cacheStatus("NOT_INITIALIZED", null)), json(200, cacheStatus("COMPLETED", 1))]);
    const final = await waitForCacheSync(clientFor(server), cacheIds, FAST);
    expect(final.status).toBe("COMPLETED");
    expect(server.requests).toHaveLength(2);
  });

  it.each(["FAILED", "CANCELLED", "DELETED"])("rejects with PeakaJobFailedError when the sync ends %s", async (state) => {
    const last = cacheStatus(state, 7);
    const server = await startServer([json(200, cacheStatus("RUNNING", 1)), json(200, last)]);
    const error = await rejectionOf(waitForCacheSync(clientFor(server), cacheIds, FAST));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    const e = error as PeakaJobFailedError;
    expect(e.state).toBe(state);
    expect(e.lastStatus).toEqual(last);
    expect(e.message).toContain(cacheIds.cacheId);
    expect(server.requests).toHaveLength(2);
  });

  it("rejects with PeakaTimeoutError at the deadline, carrying the last status", async () => {
    let n = 0;
    const server = await startServer((_req, res) => {
      n++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(cacheStatus("RUNNING", n)));
    });
    const error = await rejectionOf(waitForCacheSync(clientFor(server), cacheIds, { interval: 10, backoff: 1, timeout: 1_000 }));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    const e = error as PeakaTimeoutError;
    expect(e.timeoutMs).toBe(1_000);
    expect(e.message).toMatch(/still RUNNING/);
    const last = e.lastStatus as ReturnType<typeof cacheStatus>;
    expect(last.status).toBe("RUNNING");
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    // the last status is one the server really sent (the counter is never ahead of the requests served)
    expect(last.lastFullRefreshCacheExecution?.progress.numberOfCachedRecords).toBeGreaterThanOrEqual(1);
    expect(last.lastFullRefreshCacheExecution?.progress.numberOfCachedRecords).toBeLessThanOrEqual(server.requests.length);
  });

  it("times out at the deadline even while a status read hangs", async () => {
    const server = await startServer([json(200, cacheStatus("RUNNING", 1)), hang]);
    const error = await rejectionOf(waitForCacheSync(clientFor(server), cacheIds, { interval: 5, timeout: 1_000 }));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as PeakaTimeoutError).lastStatus).toEqual(cacheStatus("RUNNING", 1));
    expect(await server.requests[1]!.closed).toBe(true); // the hanging read was aborted
  });

  it("rejects with PeakaAbortError when aborted between two reads", async () => {
    const server = await startServer(json(200, cacheStatus("RUNNING", 1)));
    const controller = new AbortController();
    const reason = new Error("shutting down");
    const error = await rejectionOf(
      waitForCacheSync(clientFor(server), cacheIds, {
        interval: 60_000,
        timeout: 120_000,
        onProgress: () => setTimeout(() => controller.abort(reason), 10),
        signal: controller.signal,
      }),
    );
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects with PeakaAbortError when aborted during a read", async () => {
    const server = await startServer([json(200, cacheStatus("RUNNING", 1)), hang]);
    const controller = new AbortController();
    const pending = waitForCacheSync(clientFor(server), cacheIds, { ...FAST, signal: controller.signal });
    const second = await server.nthRequest(2);
    controller.abort("stop");
    const error = await rejectionOf(pending);
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe("stop");
    expect(await second.closed).toBe(true);
  });

  it("passes an API error of a read through unchanged", async () => {
    const server = await startServer(json(404, { errorCode: "NOT_FOUND", message: "no such cache" }));
    const error = await rejectionOf(waitForCacheSync(clientFor(server), cacheIds, FAST));
    expect(error).toBeInstanceOf(PeakaNotFoundError);
  });
});

describe("waitForMetadataRefresh", () => {
  const ids = { projectId: "prjA", catalogId: "731958204467113201" };

  it("normalizes the lower-case spellings and never ends on not-active: active → waiting → not-active → completed", async () => {
    const server = await startServer([
      json(200, { status: "active" }),
      json(200, { status: "waiting" }),
      json(200, { status: "not-active" }),
      json(200, { status: "completed" }),
    ]);
    const states: string[] = [];
    const raw: string[] = [];
    const final = await waitForMetadataRefresh(clientFor(server), ids, {
      ...FAST,
      onProgress: (status, state) => {
        states.push(state);
        raw.push(status.status);
      },
    });
    expect(final).toEqual({ status: "COMPLETED" });
    expect(states).toEqual(["ACTIVE", "WAITING", "NOT_ACTIVE", "COMPLETED"]);
    expect(raw).toEqual(["ACTIVE", "WAITING", "NOT_ACTIVE", "COMPLETED"]); // the status objects are normalized too
    expect(server.requests.map((r) => r.url)).toEqual(Array(4).fill(`/api/v1/metadata/prjA/refresh/${ids.catalogId}`));
  });

  it("does not take a NOT_ACTIVE read before the job started for its end", async () => {
    const server = await startServer(json(200, { status: "not-active" }));
    const states: string[] = [];
    const error = await rejectionOf(waitForMetadataRefresh(clientFor(server), ids, { interval: 10, timeout: 300, onProgress: (_s, st) => states.push(st) }));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as Error).message).toMatch(/never started/);
    expect(states).toEqual([]);
  });

  it("accepts upper-case COMPLETED", async () => {
    const server = await startServer([json(200, { status: "ACTIVE" }), json(200, { status: "COMPLETED" })]);
    await expect(waitForMetadataRefresh(clientFor(server), ids, FAST)).resolves.toEqual({ status: "COMPLETED" });
  });

  it.each([
    ["stuck", "STUCK"],
    ["failed", "FAILED"],
  ])("rejects %j with PeakaJobFailedError in state %s", async (wire, state) => {
    const server = await startServer([json(200, { status: "delayed" }), json(200, { status: wire })]);
    const error = await rejectionOf(waitForMetadataRefresh(clientFor(server), ids, FAST));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((error as PeakaJobFailedError).state).toBe(state);
    expect((error as PeakaJobFailedError).lastStatus).toEqual({ status: state });
  });
});

describe("waitForExport", () => {
  const ids = { projectId: "prjA", exportId: "5e0b7a31-c2d4-4f86-9b1e-73a8d6c4f025" };

  it("follows PENDING → RUNNING → SUCCEEDED and resolves with the job and its files", async () => {
    const done = exportJob("SUCCEEDED", { rowCount: 48213, files: [{ name: "part-0.csv", url: "https://files.example/part-0.csv" }] });
    const server = await startServer([json(200, exportJob("PENDING")), json(200, exportJob("RUNNING")), json(200, done)]);
    const states: string[] = [];
    const final = await waitForExport(clientFor(server), ids, { ...FAST, onProgress: (_s, state) => states.push(state) });
    expect(final).toEqual(done);
    expect(states).toEqual(["PENDING", "RUNNING", "SUCCEEDED"]);
  });

  it.each(["FAILED", "CANCELLED", "EXPIRED"])("rejects when the export ends %s", async (state) => {
    const last = exportJob(state, { error: { message: "disk full" } });
    const server = await startServer([json(200, exportJob("RUNNING")), json(200, last)]);
    const error = await rejectionOf(waitForExport(clientFor(server), ids, FAST));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((error as PeakaJobFailedError).state).toBe(state);
    expect((error as PeakaJobFailedError).lastStatus).toEqual(last);
  });
});

describe("waitForMaterializedQuery", () => {
  const ids = { projectId: "prjA", queryId: "684210397755120934" };

  it("follows RUNNING → RUNNING → COMPLETED", async () => {
    const server = await startServer([json(200, mqStatus("RUNNING")), json(200, mqStatus("RUNNING")), json(200, mqStatus("COMPLETED"))]);
    const states: string[] = [];
    const final = await waitForMaterializedQuery(clientFor(server), ids, { ...FAST, onProgress: (_s, state) => states.push(state) });
    expect(final).toEqual(mqStatus("COMPLETED"));
    expect(states).toEqual(["RUNNING", "RUNNING", "COMPLETED"]);
    expect(server.requests[0]!.url).toBe(`/api/v1/data/projects/prjA/materialized-queries/${ids.queryId}/status`);
  });

  it.each(["FAILED", "CANCELED", "TERMINATED", "TIMED_OUT"])("rejects when the refresh ends %s", async (state) => {
    const server = await startServer([json(200, mqStatus("RUNNING")), json(200, mqStatus(state))]);
    const error = await rejectionOf(waitForMaterializedQuery(clientFor(server), ids, FAST));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((error as PeakaJobFailedError).state).toBe(state);
    expect((error as PeakaJobFailedError).lastStatus).toEqual(mqStatus(state));
  });

  it("keeps waiting on a state the spec does not list, until the deadline", async () => {
    const server = await startServer(json(200, mqStatus("QUEUED")));
    const error = await rejectionOf(waitForMaterializedQuery(clientFor(server), ids, { interval: 10, timeout: 1_000 }));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as PeakaTimeoutError).lastStatus).toEqual(mqStatus("QUEUED"));
  });
});

describe("poll", () => {
  function scripted(states: string[]): Job<{ state: string; n: number }> & { reads: number } {
    const job = {
      name: "test job",
      reads: 0,
      async read() {
        const state = states[Math.min(job.reads, states.length - 1)] as string;
        job.reads++;
        return { state, n: job.reads };
      },
      stateOf: (s: { state: string }) => s.state,
      verdict: (state: string) => (state === "DONE" ? "succeeded" : state === "BROKEN" ? "failed" : "pending") as "succeeded" | "failed" | "pending",
    };
    return job;
  }

  it("resolves with the status that succeeded, normalizing the state it judges", async () => {
    const job = scripted(["queued", "in-progress", "done"]);
    const states: string[] = [];
    await expect(poll(job, { ...FAST, onProgress: (_s, state) => states.push(state) })).resolves.toEqual({ state: "done", n: 3 });
    expect(states).toEqual(["QUEUED", "IN_PROGRESS", "DONE"]);
  });

  it("rejects with PeakaJobFailedError carrying the last status", async () => {
    const error = await rejectionOf(poll(scripted(["RUNNING", "broken"]), FAST));
    expect(error).toBeInstanceOf(PeakaJobFailedError);
    expect((error as PeakaJobFailedError).state).toBe("BROKEN");
    expect((error as PeakaJobFailedError).lastStatus).toEqual({ state: "broken", n: 2 });
    expect((error as Error).message).toBe("test job ended in state BROKEN");
  });

  it("does not read at all when the signal is already aborted", async () => {
    const job = scripted(["DONE"]);
    const error = await rejectionOf(poll(job, { signal: AbortSignal.abort("nope") }));
    expect(error).toBeInstanceOf(PeakaAbortError);
    expect((error as PeakaAbortError).cause).toBe("nope");
    expect(job.reads).toBe(0);
  });

  it("rejects with PeakaTimeoutError (no lastStatus) when the first read never ends", async () => {
    const job: Job<string> = {
      name: "stuck job",
      read: (signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("read aborted")))),
      stateOf: (s) => s,
      verdict: () => "pending",
    };
    const error = await rejectionOf(poll(job, { timeout: 50 }));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as PeakaTimeoutError).lastStatus).toBeUndefined();
    expect(((error as PeakaTimeoutError).cause as Error).message).toBe("read aborted");
  });

  // The schedule under fake timers: every wait is checked exactly (an upper and a lower bound at once),
  // so a poll that ignores maxInterval, backoff or interval, or sleeps longer, fails here.
  describe("schedule (fake timers)", () => {
    beforeEach(() => {
      vi.useFakeTimers({ now: 0 });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    /** A job that succeeds on read `doneAt` (never when 0), recording the fake clock at each read. */
    function timedJob(doneAt = 0): Job<string> & { times: number[] } {
      const times: number[] = [];
      return {
        name: "timed job",
        times,
        read: async () => {
          times.push(Date.now());
          return times.length === doneAt ? "DONE" : "RUNNING";
        },
        stateOf: (s) => s,
        verdict: (s) => (s === "DONE" ? "succeeded" : "pending"),
      };
    }
    const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

    it.each([
      ["interval 20, doubling, capped at 50", { interval: 20, backoff: 2, maxInterval: 50 }, 6, [20, 40, 50, 50, 50]],
      ["constant", { interval: 100, backoff: 1 }, 4, [100, 100, 100]],
      ["rounded growth", { interval: 10, backoff: 1.5, maxInterval: 30 }, 5, [10, 15, 23, 30]],
      ["no wait", { interval: 0 }, 3, [0, 0]],
      ["an interval above the cap", { interval: 500, maxInterval: 200 }, 3, [200, 200]],
      ["the defaults (1000, x1.5, 15000)", {}, 10, [1000, 1500, 2250, 3375, 5063, 7594, 11391, 15000, 15000]],
    ])("waits exactly as scheduled: %s", async (_, options, reads, expected) => {
      const job = timedJob(reads);
      const done = poll(job, options);
      await vi.runAllTimersAsync();
      await expect(done).resolves.toBe("DONE");
      expect(gaps(job.times)).toEqual(expected);
    });

    it("gives up exactly at the deadline, after the reads that fit before it", async () => {
      const job = timedJob();
      const done = rejectionOf(poll(job, { interval: 1_000, backoff: 1, timeout: 10_500 }));
      await vi.runAllTimersAsync();
      const error = await done;
      expect(error).toBeInstanceOf(PeakaTimeoutError);
      expect(Date.now()).toBe(10_500);
      expect(job.times).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
    });

    it("uses the default deadline of 10 minutes", async () => {
      const job = timedJob();
      const done = rejectionOf(poll(job, { interval: 60_000, backoff: 1 })); // capped to the default maxInterval
      await vi.runAllTimersAsync();
      expect(await done).toBeInstanceOf(PeakaTimeoutError);
      expect(Date.now()).toBe(600_000);
      expect(job.times).toEqual(Array.from({ length: 40 }, (_, i) => i * 15_000)); // 0, 15 s, ..., 585 s
    });

    it("waitForMetadataRefresh takes an unchanged COMPLETED (as before the trigger) for the end at the first read 30 s on (default settle)", async () => {
      const times: number[] = [];
      const core = createPeakaCore({
        apiKey: "fake-timer-key",
        baseUrl: "http://127.0.0.1:9/api/v1",
        fetch: async () => {
          times.push(Date.now());
          return Response.json({ status: "completed" });
        },
      });
      const done = waitForMetadataRefresh(core, { projectId: "prjA", catalogId: "731958204467113201", after: "COMPLETED" });
      await vi.runAllTimersAsync();
      await expect(done).resolves.toEqual({ status: "COMPLETED" });
      // the default schedule (1000, x1.5): 0, 1 s, 2.5 s, ... 20.782 s, then 32.173 s, the first read 30 s after the first
      expect(times).toEqual([0, 1_000, 2_500, 4_750, 8_125, 13_188, 20_782, 32_173]);
    });

    it("pollDelays agrees with the waits poll really makes", async () => {
      const options = { interval: 7, backoff: 1.7, maxInterval: 90 };
      const job = timedJob(9);
      const done = poll(job, options);
      await vi.runAllTimersAsync();
      await done;
      expect(gaps(job.times)).toEqual(pollDelays(options, 8));
    });
  });
});

// Every waiter through both front doors: a normal end, a failure and a deadline.
describe.each(DOORS)("the waiters via %s", (door) => {
  const exportIds = { projectId: "prjA", exportId: "5e0b7a31-c2d4-4f86-9b1e-73a8d6c4f025" };
  const mqIds = { projectId: "prjA", queryId: "684210397755120934" };
  const metaIds = { projectId: "prjA", catalogId: "731958204467113201" };

  it("waitForCacheSync follows RUNNING → COMPLETED and fails on FAILED", async () => {
    const ok = await startServer([json(200, cacheStatus("RUNNING", 1)), json(200, cacheStatus("COMPLETED", 2))]);
    await expect(waitForCacheSync(doorFor(door, ok), cacheIds, FAST)).resolves.toEqual(cacheStatus("COMPLETED", 2));
    const bad = await startServer([json(200, cacheStatus("RUNNING", 1)), json(200, cacheStatus("FAILED", 2))]);
    expect(await rejectionOf(waitForCacheSync(doorFor(door, bad), cacheIds, FAST))).toBeInstanceOf(PeakaJobFailedError);
  });

  it("waitForExport resolves on SUCCEEDED, and times out on a job that stays PENDING", async () => {
    const done = exportJob("SUCCEEDED", { files: [] });
    const ok = await startServer([json(200, exportJob("PENDING")), json(200, done)]);
    await expect(waitForExport(doorFor(door, ok), exportIds, FAST)).resolves.toEqual(done);
    const stuck = await startServer(json(200, exportJob("PENDING")));
    const error = await rejectionOf(waitForExport(doorFor(door, stuck), exportIds, { interval: 10, timeout: 1_000 }));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as Error).message).toMatch(/still PENDING/);
  });

  it("waitForMaterializedQuery resolves on COMPLETED and fails on CANCELED", async () => {
    const ok = await startServer([json(200, mqStatus("RUNNING")), json(200, mqStatus("COMPLETED"))]);
    await expect(waitForMaterializedQuery(doorFor(door, ok), mqIds, FAST)).resolves.toEqual(mqStatus("COMPLETED"));
    const bad = await startServer(json(200, mqStatus("CANCELED")));
    expect(await rejectionOf(waitForMaterializedQuery(doorFor(door, bad), mqIds, FAST))).toBeInstanceOf(PeakaJobFailedError);
  });

  it("waitForMetadataRefresh resolves on completed and fails on failed", async () => {
    const ok = await startServer([json(200, { status: "active" }), json(200, { status: "completed" })]);
    await expect(waitForMetadataRefresh(doorFor(door, ok), metaIds, FAST)).resolves.toEqual({ status: "COMPLETED" });
    const bad = await startServer(json(200, { status: "failed" }));
    expect(await rejectionOf(waitForMetadataRefresh(doorFor(door, bad), metaIds, FAST))).toBeInstanceOf(PeakaJobFailedError);
  });

  it("rejects ids that are not strings with PeakaInvalidArgumentError before any request", async () => {
    const server = await startServer(json(200, {}));
    const error = await rejectionOf(waitForExport(doorFor(door, server), { projectId: "prjA" } as never, FAST));
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((error as Error).message).toMatch(/exportId/);
    expect(server.requests).toHaveLength(0);
  });
});
