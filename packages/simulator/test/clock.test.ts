// The clock: manual by default, real on request; bad input is refused with a clear error.
import { describe, expect, it } from "vitest";
import { createClock, DEFAULT_START } from "../src/internal/clock.js";
import { createPeakaSimulator } from "../src/index.js";

describe("clock", () => {
  it("stands still until advanced (manual, the default), starting at a fixed instant", () => {
    const sim = createPeakaSimulator();
    expect(sim.clock.mode).toBe("manual");
    expect(sim.clock.now()).toBe(DEFAULT_START);
    sim.clock.advance(1500);
    expect(sim.clock.iso()).toBe(new Date(DEFAULT_START + 1500).toISOString());
    sim.clock.set("2027-01-01T00:00:00Z");
    expect(sim.clock.iso()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("follows the wall clock when real, plus what advance adds", () => {
    const clock = createClock("real");
    const before = Date.now();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    clock.advance(3_600_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 3_600_000);
  });

  it("refuses a negative or non-finite advance, a bad start and a bad mode", () => {
    const clock = createClock();
    expect(() => clock.advance(-1)).toThrow(/>= 0/);
    expect(() => clock.advance(Number.NaN)).toThrow(/finite/);
    expect(() => createClock("manual", "yesterday")).toThrow(/not a valid time/);
    expect(() => createClock("sundial" as never)).toThrow(/"manual" or "real"/);
    expect(() => createPeakaSimulator({ jobs: { cacheRunMs: -5 } })).toThrow(/jobs.cacheRunMs/);
  });
});
