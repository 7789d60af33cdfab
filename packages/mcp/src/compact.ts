// Compact answers: what a tool sends back costs the model tokens on every turn, so answers leave out
// what carries nothing — nulls, empty arrays and objects, a `displayName` that only repeats `name`,
// and fields that repeat what the call already said (the project, catalog, schema or table asked for).

/** What `compact` may leave out besides nulls and empty values. */
export interface CompactOptions {
  /**
   * Fields whose value the caller already knows (the ids it asked with): a field of this name is
   * dropped wherever it holds this same value.
   */
  known?: Readonly<Record<string, unknown>>;
  /** Field names dropped wherever they appear (for example `cacheActionLogs` unless logs were asked for). */
  omit?: readonly string[];
}

/** Field pairs where the first only repeats the second when both are equal. */
const ECHOES: ReadonlyArray<readonly [string, string]> = [
  ["displayName", "name"],
  ["displayName", "columnName"],
  ["displayName", "tableName"],
];

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/**
 * A copy of `value` without nulls, empty arrays and empty objects (at any depth), without a
 * `displayName` equal to the `name` next to it, and without the `known` and `omit` fields. Array items
 * are kept in place (a null inside an array stays: its position means something).
 */
export function compact(value: unknown, options: CompactOptions = {}): unknown {
  const omit = new Set(options.omit ?? []);
  const known = options.known ?? {};
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map((item) => (item !== null && typeof item === "object" ? walk(item) : item));
    if (v === null || typeof v !== "object") return v;
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(source)) {
      if (omit.has(key)) continue;
      if (Object.hasOwn(known, key) && known[key] === raw) continue;
      if (ECHOES.some(([echo, of]) => key === echo && source[of] !== undefined && source[of] === raw)) continue;
      const item = walk(raw);
      if (isEmpty(item)) continue;
      out[key] = item;
    }
    return out;
  };
  return walk(value);
}
