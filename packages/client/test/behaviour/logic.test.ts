// Table-driven tests of the pure pieces beneath the behaviour: backoff, Retry-After, poll delays,
// status spelling and path encoding.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakaInvalidArgumentError } from "../../src/errors.js";
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter, type BackoffOptions } from "../../src/internal/retry.js";
import { encodePathSegment, serializePath } from "../../src/internal/path.js";
import { normalizeStatus, normalizeRefreshJobStatus } from "../../src/normalize.js";
import { POLL_DEFAULTS, pollDelays } from "../../src/poll.js";
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

  it("uses Math.random by default and the documented defaults 500/8000/60000", () => {
    expect(DEFAULT_BACKOFF).toEqual({ initialDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 });
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(0, DEFAULT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(500);
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

  it("has the documented defaults", () => {
    expect(POLL_DEFAULTS).toEqual({ interval: 1000, backoff: 1.5, maxInterval: 15_000, timeout: 600_000 });
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
    expect(resolveOptions({ apiKey: "k" }).retryBackoff).toEqual({ initialDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 });
    expect(resolveOptions({ apiKey: "k", retryBackoff: { initialDelayMs: 5 } }).retryBackoff).toEqual({
      initialDelayMs: 5,
      maxDelayMs: 8_000,
      maxRetryAfterMs: 60_000,
    });
  });

  it.each([{ initialDelayMs: -1 }, { maxDelayMs: 1.5 }, { maxRetryAfterMs: Number.NaN }])("rejects %j", (retryBackoff) => {
    expect(() => resolveOptions({ apiKey: "k", retryBackoff })).toThrow(PeakaConfigError);
  });
});
