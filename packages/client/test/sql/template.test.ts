// The `sql` tagged template: values travel only as bindings, names only through sql.id.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeakaInvalidArgumentError } from "../../src/errors.js";
import { isSqlStatement, sql, toStatement } from "../../src/sql/index.js";

// Strings built to break out of SQL: quotes, comments, semicolons, backslashes, markers, unicode.
const NASTY = ["'", '"', "''", "\\", "\\'", ";", "--", "/*", "*/", "?", "$1", "%", "\n", "\r", "\u0000", "é", "𝄞", "ß", "\u202e", "DROP TABLE orders", " OR 1=1"];
const nastyString = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: "grapheme" }), fc.string()), { maxLength: 8 }).map((parts) => parts.join(""));
const anyValue = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
);

describe("sql`...`", () => {
  it("puts values in bindings behind ? markers, never in the text", () => {
    const status = "shipped'; DROP TABLE orders; --";
    const q = sql`SELECT * FROM orders WHERE status = ${status} AND total > ${100.5} AND id = ${42} AND vip = ${true}`;
    expect(q.statement).toBe(
      "SELECT * FROM orders WHERE status = ? AND total > CAST(? AS DOUBLE) AND id = CAST(? AS BIGINT) AND vip = CAST(? AS BOOLEAN)",
    );
    expect(q.bindings).toEqual([status, "100.5", "42", "true"]);
    expect(JSON.parse(JSON.stringify(q))).toEqual({ statement: q.statement, bindings: q.bindings });
  });

  it("encodes null, bigint and Date", () => {
    const at = new Date("2025-07-14T10:41:55.123Z");
    const q = sql`SELECT ${null}, ${9007199254740993n}, ${at}`;
    expect(q.statement).toBe("SELECT NULL, CAST(? AS BIGINT), from_iso8601_timestamp(?)");
    expect(q.bindings).toEqual(["9007199254740993", "2025-07-14T10:41:55.123Z"]);
  });

  it("property: for values of the same kinds, the statement text is the same whatever their content", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(anyValue, anyValue), { minLength: 1, maxLength: 6 }), (pairs) => {
        // Two values of one kind in the same slot: content differs, kind does not.
        const kinds = pairs.map(([a, b]) => {
          const kind = (v: unknown) => (v === null ? "null" : v instanceof Date ? "date" : typeof v === "number" ? (Number.isSafeInteger(v) ? "int" : "double") : typeof v);
          return kind(a) === kind(b);
        });
        const left = pairs.map(([a], i) => (kinds[i] ? a : "x"));
        const right = pairs.map(([a, b], i) => (kinds[i] ? b : "y"));
        const build = (values: unknown[]) => sql(Object.assign(["SELECT * FROM t WHERE c = ", ...values.slice(1).map(() => " OR c = "), ""], { raw: [] }) as unknown as TemplateStringsArray, ...(values as never[]));
        const l = build(left);
        const r = build(right);
        expect(l.statement).toBe(r.statement);
        // Every value that is not null is a binding, in order; nothing else is.
        expect(l.bindings).toHaveLength(left.filter((v) => v !== null).length);
        // The text holds only template text and markers.
        expect(l.statement.replace(/CAST\(\? AS (BIGINT|DOUBLE|BOOLEAN)\)|from_iso8601_timestamp\(\?\)|\?|NULL/g, "§")).toBe(
          ["SELECT * FROM t WHERE c = ", ...left.slice(1).map(() => " OR c = ")].join("§") + "§",
        );
      }),
      { numRuns: 500 },
    );
  });

  it("property: a string value is bound exactly as given and never appears in the text", () => {
    fc.assert(
      fc.property(nastyString, nastyString, (a, b) => {
        const q = sql`SELECT * FROM t WHERE a = ${a} AND b = ${b} -- note`;
        expect(q.statement).toBe("SELECT * FROM t WHERE a = ? AND b = ? -- note");
        expect(q.bindings).toEqual([a, b]);
      }),
      { numRuns: 500 },
    );
  });

  it("nests fragments and keeps the bindings in order", () => {
    const cond = sql`status = ${"open"} AND region = ${"eu"}`;
    const q = sql`SELECT * FROM t WHERE ${cond} AND id = ${7} LIMIT ${sql.literal(10)}`;
    expect(q.statement).toBe("SELECT * FROM t WHERE status = ? AND region = ? AND id = CAST(? AS BIGINT) LIMIT 10");
    expect(q.bindings).toEqual(["open", "eu", "7"]);
    expect(isSqlStatement(cond)).toBe(true);
    expect(sql`SELECT 1 ${sql.empty}`.statement).toBe("SELECT 1 ");
  });

  it("joins values and fragments", () => {
    const q = sql`SELECT * FROM t WHERE id IN (${sql.join([1, 2, "x"])}) AND (${sql.join([sql`a = ${1}`, sql`b = ${2}`], sql` OR `)})`;
    expect(q.statement).toBe("SELECT * FROM t WHERE id IN (CAST(? AS BIGINT), CAST(? AS BIGINT), ?) AND (a = CAST(? AS BIGINT) OR b = CAST(? AS BIGINT))");
    expect(q.bindings).toEqual(["1", "2", "x", "1", "2"]);
    expect(() => sql.join([])).toThrow(PeakaInvalidArgumentError);
  });

  it("quotes identifiers with doubled inner quotes", () => {
    expect(sql`SELECT * FROM ${sql.id("shop", "public", "orders")}`.statement).toBe('SELECT * FROM "shop"."public"."orders"');
    expect(sql.id('we"ird', "a.b").statement).toBe('"we""ird"."a.b"');
    expect(() => sql.id("")).toThrow(PeakaInvalidArgumentError);
    expect(() => sql.id("a\u0000b")).toThrow(PeakaInvalidArgumentError);
  });

  it("property: a quoted identifier is one quoted name whatever it contains", () => {
    fc.assert(
      fc.property(nastyString.filter((s) => s !== "" && !s.includes("\u0000")), (name) => {
        const text = sql.id(name).statement;
        expect(text.startsWith('"') && text.endsWith('"')).toBe(true);
        // Inside the quotes, every quote is doubled: undoing that gives the name back.
        expect(text.slice(1, -1).replace(/""/g, "")).not.toContain('"');
        expect(text.slice(1, -1).replaceAll('""', '"')).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses values it cannot bind with a typed error", () => {
    for (const bad of [{}, [1], () => 1, Symbol("s"), new Date(Number.NaN), 2n ** 64n]) {
      expect(() => sql`SELECT ${bad as never}`).toThrow(PeakaInvalidArgumentError);
    }
    expect(() => sql.literal(Number.NaN)).toThrow(PeakaInvalidArgumentError);
    expect(() => sql.literal(1e-7)).toThrow(PeakaInvalidArgumentError);
    expect(sql.literal(1e21).statement).toBe("1000000000000000000000");
    expect(() => (sql as unknown as (s: string) => unknown)("SELECT 1")).toThrow(PeakaInvalidArgumentError);
    expect(() => sql`SELECT '\xZZ'`).toThrow(PeakaInvalidArgumentError);
  });

  it("still takes plain strings", () => {
    expect(toStatement("SELECT 1")).toEqual({ statement: "SELECT 1" });
    expect(toStatement("SELECT ?", ["a"])).toEqual({ statement: "SELECT ?", bindings: ["a"] });
    expect(toStatement(sql`SELECT ${"a"}`)).toEqual({ statement: "SELECT ?", bindings: ["a"] });
    expect(() => toStatement("")).toThrow(PeakaInvalidArgumentError);
    expect(() => toStatement(sql`SELECT ${"a"}`, ["b"])).toThrow(PeakaInvalidArgumentError);
  });
});
