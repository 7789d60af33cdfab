// The memory of HTTP mode's key checks: a yes from Peaka is trusted for the TTL and no longer, a no
// is never remembered, and the cache holds hashes of keys, never a key.
import { describe, expect, it } from "vitest";
import { KeyCheckCache, keyHash, type KeyVerdict } from "../src/key-check.js";

const KEY = "pk_live_SECRET-b3f1c0d2e4a5968778";
const YES: KeyVerdict = { ok: true };
const NO: KeyVerdict = { ok: false, refused: true, reason: "refused" };

function setup(ttlMs: number, answers: KeyVerdict[] = []) {
  let now = 1_000_000;
  const asked: string[] = [];
  const cache = new KeyCheckCache({ ttlMs, now: () => now, maxEntries: 3 });
  const ask = async (key: string) => {
    asked.push(key);
    return answers.shift() ?? YES;
  };
  return { cache, asked, ask, tick: (ms: number) => (now += ms) };
}

describe("KeyCheckCache", () => {
  it("trusts a yes for the TTL, then asks again", async () => {
    const { cache, asked, ask, tick } = setup(60_000, [YES, NO]);
    expect(await cache.check(KEY, ask)).toEqual(YES);
    tick(59_999);
    expect(await cache.check(KEY, ask)).toEqual(YES);
    expect(asked).toHaveLength(1);
    tick(1);
    expect(await cache.check(KEY, ask)).toEqual(NO);
    expect(asked).toHaveLength(2);
  });

  it("never remembers a no or a failed check", async () => {
    const down: KeyVerdict = { ok: false, refused: false, reason: "down" };
    const { cache, asked, ask } = setup(60_000, [NO, down, YES]);
    expect(await cache.check(KEY, ask)).toEqual(NO);
    expect(await cache.check(KEY, ask)).toEqual(down);
    expect(await cache.check(KEY, ask)).toEqual(YES);
    expect(asked).toHaveLength(3);
  });

  it("TTL 0 asks every time", async () => {
    const { cache, asked, ask } = setup(0);
    await cache.check(KEY, ask);
    await cache.check(KEY, ask);
    expect(asked).toHaveLength(2);
    expect(cache.keys()).toEqual([]);
  });

  it("concurrent checks of one key ask once", async () => {
    const { cache, asked, ask } = setup(60_000);
    await Promise.all([cache.check(KEY, ask), cache.check(KEY, ask), cache.check(KEY, ask)]);
    expect(asked).toHaveLength(1);
  });

  it("holds SHA-256 hashes only, never the key or a piece of it (also while a check is under way)", async () => {
    const { cache, ask } = setup(60_000);
    let release!: () => void;
    const slow = (key: string) => new Promise<KeyVerdict>((r) => (release = () => void ask(key).then(r)));
    const pending = cache.check(KEY, slow);
    const during = cache.keys();
    release();
    await pending;
    for (const keys of [during, cache.keys()]) {
      expect(keys).toEqual([keyHash(KEY)]);
      expect(keys[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(keys.join()).not.toContain(KEY.slice(8, 20));
    }
    expect(JSON.stringify([...Object.values(cache)])).not.toContain("SECRET");
  });

  it("keeps at most maxEntries keys, dropping the oldest", async () => {
    const { cache, ask } = setup(60_000);
    for (const k of ["k1", "k2", "k3", "k4"]) await cache.check(k, ask);
    expect(cache.keys()).toEqual(["k2", "k3", "k4"].map(keyHash));
  });

  it("trusts a yes for 60 s unless told otherwise (the README's and --help's default)", () => {
    expect(new KeyCheckCache().ttlMs).toBe(60_000);
  });

  it("refuses a TTL that is not a number of at least 0", () => {
    expect(() => new KeyCheckCache({ ttlMs: -1 })).toThrow(RangeError);
    expect(() => new KeyCheckCache({ ttlMs: Number.NaN })).toThrow(/ttlMs/);
  });
});
