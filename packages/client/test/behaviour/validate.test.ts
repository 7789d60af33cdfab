// Options are checked in one place (src/internal/validate.ts): client options throw PeakaConfigError,
// per-request options PeakaInvalidArgumentError, each naming the option and the bad value. Long
// timers are chained instead of overflowing into a 1 ms timeout.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPeakaClient, PeakaConfigError, PeakaInvalidArgumentError } from "../../src/index.js";
import { MAX_TIMER_MS, setTimer } from "../../src/internal/validate.js";
import { closeAllServers, json, rejectionOf, startServer } from "../support/servers.js";

afterEach(closeAllServers);
afterEach(() => vi.useRealTimers());

const base = { apiKey: "validate-key", baseUrl: "http://127.0.0.1:9/api/v1" };

describe("client options", () => {
  it.each([
    ["timeout", { timeout: 0 }, /`timeout` must be a number of milliseconds greater than 0 .*got 0/],
    ["timeout", { timeout: -5 }, /`timeout`.*got -5/],
    ["timeout", { timeout: Number.NaN }, /`timeout`.*got NaN/],
    ["timeout", { timeout: "60s" }, /`timeout`.*got "60s"/],
    ["maxRetries", { maxRetries: 1.5 }, /`maxRetries` must be a whole number of 0 or more; got 1.5/],
    ["maxRetries", { maxRetries: -1 }, /`maxRetries`.*got -1/],
    ["maxRetries", { maxRetries: Infinity }, /`maxRetries`.*got Infinity/],
    ["retryBackoff.initialDelayMs", { retryBackoff: { initialDelayMs: -1 } }, /`retryBackoff.initialDelayMs`.*got -1/],
    ["headers", { headers: { "X-A": "a\nb" } }, /`headers`: header "X-A"/],
    ["headers", { headers: "X-A: b" }, /`headers` must be an object/],
    ["logBodies", { logBodies: "yes" }, /`logBodies` must be true or false; got "yes"/],
    ["logger", { logger: "console" }, /`logger` must be an object/],
  ])("%s: %j throws PeakaConfigError naming it", (_name, options, message) => {
    const make = () => createPeakaClient({ ...base, ...(options as object) });
    expect(make).toThrow(PeakaConfigError);
    expect(make).toThrow(message);
  });

  it.each([[1], [2 ** 31], [Infinity], [0.5]])("accepts timeout %s", (timeout) => {
    expect(() => createPeakaClient({ ...base, timeout })).not.toThrow();
  });
});

describe("per-request options", () => {
  it.each([
    [{ timeout: 0 }, /`timeout`.*got 0/],
    [{ timeout: -1 }, /`timeout`.*got -1/],
    [{ maxRetries: 2.5 }, /`maxRetries`.*got 2.5/],
    [{ retryNonIdempotent: "yes" }, /`retryNonIdempotent` must be true or false; got "yes"/],
    [{ signal: "stop" }, /`signal` must be an AbortSignal; got "stop"/],
    [{ apiKey: 42 }, /`apiKey` must be a string or a function/],
    [{ apiKey: "key\n" }, /`apiKey`: The API key contains a line break/],
    [{ headers: { "X-A": 1 } }, /`headers`: header "X-A"/],
  ])("%j throws PeakaInvalidArgumentError before sending, on every entry point", async (options, message) => {
    const server = await startServer(json(200, { status: "COMPLETED" }));
    const peaka = createPeakaClient({ apiKey: "validate-key", baseUrl: server.baseUrl });
    const ids = { projectId: "p", cacheId: "c" };
    for (const attempt of [
      () => peaka.cache.getStatus(ids, options as never),
      () => peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", { params: { path: ids }, fetch: peaka.withOptions(options as never) }),
    ]) {
      const error = await rejectionOf((async () => attempt())());
      expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("validate-key");
    }
    expect(server.requests).toHaveLength(0);
  });

  it("derive() checks its options too", () => {
    const peaka = createPeakaClient(base);
    expect(() => peaka.derive({ timeout: -1 })).toThrow(PeakaInvalidArgumentError);
  });
});

describe("setTimer", () => {
  it("never fires for Infinity", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    setTimer(fn, Infinity);
    vi.advanceTimersByTime(MAX_TIMER_MS * 3);
    expect(fn).not.toHaveBeenCalled();
  });

  it.each([[2 ** 31], [30 * 24 * 3600_000], [MAX_TIMER_MS * 2 + 10]])("fires a %d ms timer at its time, not after 1 ms", (ms) => {
    vi.useFakeTimers();
    const fn = vi.fn();
    setTimer(fn, ms);
    vi.advanceTimersByTime(1_000);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(ms - 1_001);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("can be cancelled, also after a chained hop", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const cancel = setTimer(fn, MAX_TIMER_MS + 100);
    vi.advanceTimersByTime(MAX_TIMER_MS + 1);
    cancel();
    vi.advanceTimersByTime(1_000);
    expect(fn).not.toHaveBeenCalled();
  });
});
