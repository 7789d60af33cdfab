// Deterministic ids and sample values: one seeded generator per simulator, so two simulators made
// with the same seed hold the same ids, keys and rows.
import { seededRandom } from "@peaka/mock/sql-corpus";

export { seededRandom };

export interface IdSource {
  /** A UUID (version 4 layout), as Peaka gives organizations, workspaces, keys and export jobs. */
  uuid(): string;
  /** An 18-digit numeric string, as Peaka gives catalogs, saved queries and caches. */
  numeric(): string;
  /** An API key secret of `length` letters and digits. */
  secret(prefix: string, length?: number): string;
  /** A random number in [0, 1). */
  next(): number;
}

const HEX = "0123456789abcdef";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function idSource(seed: number): IdSource {
  const next = seededRandom(seed);
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
  return {
    next,
    uuid() {
      const h = pick(HEX, 32).split("");
      h[12] = "4";
      h[16] = HEX[8 + Math.floor(next() * 4)]!;
      const s = h.join("");
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
    numeric: () => `${1 + Math.floor(next() * 9)}${pick("0123456789", 17)}`,
    secret: (prefix, length = 40) => `${prefix}${pick(ALNUM, length)}`,
  };
}
