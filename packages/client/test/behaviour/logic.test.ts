// Table-driven tests of the pure pieces beneath the behaviour: backoff, Retry-After, poll delays,
// status spelling and path encoding.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { PeakaInvalidArgumentError } from "../../src/errors.js";
import { backoffDelay, parseRetryAfter, type BackoffOptions } from "../../src/internal/retry.js";
import { encodePathSegment, serializePath } from "../../src/internal/path.js";
import { normalizeStatus, normalizeRefreshJobStatus } from "../../src/normalize.js";
import { pollDelays } from "../../src/poll.js";
import { createPeakaClient } from "../../src/client.js";
import { resolveOptions } from "../../src/options.js";
import { PeakaConfigError } from "../../src/errors.js";

const B: BackoffOptions = { initialDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000 };
const JUST_BELOW_ONE = 1 - Number.EPSILON;

describe("backoffDelay (full jitter)", () => {
  it.each([
    // retry, random, expected
    [0, 0, 0],
    [0, 0.5, 50],
    [0, JUST_BELOW_ONE, 99],
    [1, 0.5, 100],
    [1, JUST_BELOW_ONE, 199],
    [2, JUST_BELOW_ONE, 399],
    [3, JUST_BELOW_ONE, 799],
    [4, JUST_BELOW_ONE, 999], // 1600 capped at maxDelayMs
    [30, 0.5, 500], // huge exponent still capped
    [4, 0, 0],
  ])("retry %i with random() = %f waits %i ms", (retry, random, expected) => {
    expect(backoffDelay(retry, B, () => random)).toBe(expected);
  });

  it("stays within [0, min(max, initial * 2^retry)) for any retry and random value", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (retry, random, initialDelayMs, maxDelayMs) => {
          const options = { initialDelayMs, maxDelayMs, maxRetryAfterMs: 0 };
          const delay = backoffDelay(retry, options, () => random);
          const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** retry);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(ceiling);
        },
      ),
    );
  });

  // The defaults as a client applies them (not the constant compared with its own literal): with
  // Math.random() just below 1, full jitter waits just below 500 ms, then 1000 ms, then 2000 ms.
  it("a client without retryBackoff waits just under 500, 1000, 2000 ms before its retries (fake timers)", async () => {
    vi.useFakeTimers({ now: 0 });
    const random = vi.spyOn(Math, "random").mockReturnValue(JUST_BELOW_ONE);
    try {
      const calls: number[] = [];
      const peaka = createPeakaClient({
        apiKey: "test-key",
        baseUrl: "http://127.0.0.1:9/api/v1",
        maxRetries: 3,
        fetch: async () => {
          calls.push(Date.now());
          return calls.length <= 3 ? new Response("busy", { status: 503 }) : Response.json({ status: "active" });
        },
      });
      const done = peaka.metadata.getRefreshStatus({ projectId: "p", catalogId: "c" });
      await vi.runAllTimersAsync();
      await expect(done).resolves.toEqual({ status: "ACTIVE" });
      expect(calls).toEqual([0, 499, 499 + 999, 499 + 999 + 1_999]);
    } finally {
      random.mockRestore();
      vi.useRealTimers();
    }
  });
});

describe("parseRetryAfter", () => {
  const NOW = Date.UTC(2026, 0, 15, 12, 0, 0); // a whole second
  const at = (offsetMs: number) => new Date(NOW + offsetMs).toUTCString();

  it.each([
    ["absent", null, undefined],
    ["empty", "", undefined],
    ["blank", "   ", undefined],
    ["zero seconds", "0", 0],
    ["whole seconds", "3", 3_000],
    ["seconds with spaces", " 2 ", 2_000],
    ["fractional seconds", "1.5", 1_500],
    ["seconds above the cap", "120", 60_000],
    ["a future HTTP date", at(5_000), 5_000],
    ["a future HTTP date above the cap", at(3_600_000), 60_000],
    ["a past HTTP date", at(-30_000), 0],
    ["the obsolete RFC 850 date form", "Thursday, 15-Jan-26 12:00:07 GMT", 7_000],
    ["garbage", "soon", undefined],
    ["a negative number", "-1", undefined],
    ["a number with a unit", "5s", undefined],
    ["words that Date.parse reads as a date in 2001", "x 2", undefined],
    ["hex", "0x10", undefined],
  ])("%s (%j)", (_, value, expected) => {
    expect(parseRetryAfter(value, 60_000, NOW)).toBe(expected);
  });

  it("never returns a negative wait or one above the cap", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 100_000 }), (value, cap) => {
        const ms = parseRetryAfter(value, cap, NOW);
        if (ms !== undefined) {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(cap);
        }
      }),
    );
  });
});

describe("pollDelays", () => {
  it.each([
    ["defaults", {}, 4, [1000, 1500, 2250, 3375]],
    ["doubling, capped", { interval: 100, backoff: 2, maxInterval: 500 }, 5, [100, 200, 400, 500, 500]],
    ["constant", { interval: 20, backoff: 1 }, 3, [20, 20, 20]],
    ["rounded", { interval: 10, backoff: 1.5 }, 4, [10, 15, 23, 34]],
    ["none", { interval: 10 }, 0, []],
    ["interval above the cap", { interval: 50_000 }, 2, [15_000, 15_000]],
  ])("%s", (_, options, count, expected) => {
    expect(pollDelays(options, count)).toEqual(expected);
  });

  it("grows the default schedule by 1.5 up to 15 s", () => {
    expect(pollDelays({}, 9)).toEqual([1000, 1500, 2250, 3375, 5063, 7594, 11391, 15000, 15000]);
  });
});

describe("normalizeStatus", () => {
  it.each([
    ["not-active", "NOT_ACTIVE"],
    ["NOT_ACTIVE", "NOT_ACTIVE"],
    ["Not Active", "NOT_ACTIVE"],
    ["  active ", "ACTIVE"],
    ["completed", "COMPLETED"],
    ["timed-out", "TIMED_OUT"],
    ["in  -  progress", "IN_PROGRESS"],
    ["RUNNING", "RUNNING"],
  ])("%j becomes %j", (wire, normalized) => {
    expect(normalizeStatus(wire)).toBe(normalized);
  });

  it("normalizes only the status of a refresh job answer", () => {
    const body = { status: "not-active", extra: "kept as-is" } as any;
    expect(normalizeRefreshJobStatus(body)).toEqual({ status: "NOT_ACTIVE", extra: "kept as-is" });
    expect(body.status).toBe("not-active"); // not mutated
  });
});

describe("encodePathSegment", () => {
  it.each([
    ["plain", "prj4Xq9Z", "prj4Xq9Z"],
    ["a slash", "a/b", "a%2Fb"],
    ["a question mark", "what?", "what%3F"],
    ["a hash", "#1", "%231"],
    ["a percent sign", "100%", "100%25"],
    ["an already-encoded slash", "%2F", "%252F"],
    ["a space", "my table", "my%20table"],
    ["dots inside", "a..b", "a..b"],
    ["three dots", "...", "..."],
    ["non-ASCII", "müşteri", "m%C3%BC%C5%9Fteri"],
    ["an emoji", "🚀", "%F0%9F%9A%80"],
    ["a number", 731958204467113201n, "731958204467113201"],
    ["an integer", 42, "42"],
    ["a boolean", true, "true"],
  ])("encodes %s", (_, value, expected) => {
    expect(encodePathSegment("p", value)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["a dot", "."],
    ["two dots", ".."],
    ["undefined", undefined],
    ["null", null],
    ["an object", { id: 1 }],
    ["an array", ["a"]],
    ["a lone surrogate", "\uD800x"],
  ])("rejects %s with PeakaInvalidArgumentError", (_, value) => {
    expect(() => encodePathSegment("projectId", value)).toThrow(PeakaInvalidArgumentError);
  });
});

describe("serializePath", () => {
  it("fills every placeholder with one encoded segment", () => {
    expect(serializePath("/data/projects/{projectId}/cache/{cacheId}/status", { projectId: "a/b", cacheId: "c d" })).toBe(
      "/data/projects/a%2Fb/cache/c%20d/status",
    );
  });

  it("leaves a template without placeholders untouched", () => {
    expect(serializePath("/organizations", undefined)).toBe("/organizations");
  });

  it("names a missing parameter", () => {
    expect(() => serializePath("/projects/{projectId}", {})).toThrow(/"projectId" is missing/);
    expect(() => serializePath("/projects/{projectId}", undefined)).toThrow(PeakaInvalidArgumentError);
  });
});

describe("retryBackoff option", () => {
  it("defaults to 500/8000/60000 and takes partial overrides", () => {
    expect(resolveOptions({ apiKey: "test-key" }).retryBackoff).toEqual({ initialDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 });
    expect(resolveOptions({ apiKey: "test-key", retryBackoff: { initialDelayMs: 5 } }).retryBackoff).toEqual({
      initialDelayMs: 5,
      maxDelayMs: 8_000,
      maxRetryAfterMs: 60_000,
    });
  });

  it.each([{ initialDelayMs: -1 }, { maxDelayMs: 1.5 }, { maxRetryAfterMs: Number.NaN }])("rejects %j", (retryBackoff) => {
    expect(() => resolveOptions({ apiKey: "test-key", retryBackoff })).toThrow(PeakaConfigError);
  });
});
