// The simulator's clock. Manual by default: time stands still until the test moves it, so a job's
// lifecycle is decided by the test, never by how busy the machine is. `real` follows the wall clock
// (plus whatever `advance` added).

/** The time the simulator answers with. */
export interface SimulatorClock {
  /** `manual` (default: moves only with `advance` / `set`) or `real` (the wall clock plus offsets). */
  readonly mode: "manual" | "real";
  /** Milliseconds since the epoch, as the simulator sees it. */
  now(): number;
  /** The current time as an ISO 8601 string (UTC). */
  iso(): string;
  /** Moves time forward by `ms` (a finite number >= 0). */
  advance(ms: number): void;
  /** Sets the time (manual) or shifts the offset so that `now()` is `at` (real). */
  set(at: number | Date | string): void;
}

/** The default start of a manual clock: a fixed instant, so ids and dates are the same each run. */
export const DEFAULT_START = Date.parse("2026-01-05T09:00:00.000Z");

function toMillis(at: number | Date | string, what: string): number {
  const ms = typeof at === "number" ? at : typeof at === "string" ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new TypeError(`${what}: not a valid time (${String(at)})`);
  return ms;
}

export function createClock(mode: "manual" | "real" = "manual", start?: number | Date | string): SimulatorClock {
  if (mode !== "manual" && mode !== "real") throw new TypeError(`clock must be "manual" or "real", got ${JSON.stringify(mode)}`);
  let manual = start === undefined ? DEFAULT_START : toMillis(start, "clock start");
  let offset = start === undefined ? 0 : manual - Date.now();
  const now = () => (mode === "manual" ? manual : Date.now() + offset);
  return {
    mode,
    now,
    iso: () => new Date(now()).toISOString(),
    advance(ms) {
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) throw new TypeError(`clock.advance needs a finite number of milliseconds >= 0, got ${String(ms)}`);
      if (mode === "manual") manual += ms;
      else offset += ms;
    },
    set(at) {
      const ms = toMillis(at, "clock.set");
      if (mode === "manual") manual = ms;
      else offset = ms - Date.now();
    },
  };
}
