// parseExactJson: no integer JSON.parse would round is passed off as exact. Table-driven over the
// shapes a row can take; every other value is what JSON.parse gives.
import { describe, expect, it } from "vitest";
import { hasRoundedInteger, parseExactJson } from "../../src/internal/json.js";

describe("parseExactJson", () => {
  it.each([
    ["an integer beyond 2^53", '{"id":9007199254740993}', { id: "9007199254740993" }, { id: 9007199254740993n }],
    ["a negative one", '[-9007199254740993]', ["-9007199254740993"], [-9007199254740993n]],
    ["2^53 itself (exact, but not safe)", "[9007199254740992]", ["9007199254740992"], [9007199254740992n]],
    ["the largest safe integer stays a number", "[9007199254740991]", [9007199254740991], [9007199254740991]],
    ["nested in objects and arrays", '{"a":{"b":[1,{"c":12345678901234567890}]}}', { a: { b: [1, { c: "12345678901234567890" }] } }, { a: { b: [1, { c: 12345678901234567890n }] } }],
    ["exponent form that reads as a big integer: text (not a bigint)", '{"x":1e20,"y":1.5e3}', { x: "1e20", y: 1500 }, { x: "1e20", y: 1500 }],
    ["a fraction whose double is a big integer", "[12345678901234567890.5]", ["12345678901234567890.5"], ["12345678901234567890.5"]],
    ["digits inside strings are left alone", '{"s":"9007199254740993","n":9007199254740993}', { s: "9007199254740993", n: "9007199254740993" }, { s: "9007199254740993", n: 9007199254740993n }],
    ["escaped quotes in strings do not confuse the scan", '{"s":"a\\"9007199254740993","n":9007199254740995}', { s: 'a"9007199254740993', n: "9007199254740995" }, { s: 'a"9007199254740993', n: 9007199254740995n }],
    ["a real string that starts with NUL keeps its text", '{"s":"\\u0000n12","t":"\\u0000s","n":9007199254740993}', { s: "\u0000n12", t: "\u0000s", n: "9007199254740993" }, { s: "\u0000n12", t: "\u0000s", n: 9007199254740993n }],
    ["duplicate keys keep the last, as JSON.parse does (SELECT a, a in SIMPLE rows)", '{"a":1,"a":9007199254740993}', { a: "9007199254740993" }, { a: 9007199254740993n }],
    ["no big number: JSON.parse's value", '{"a":[1,2.5,"x",null,true]}', { a: [1, 2.5, "x", null, true] }, { a: [1, 2.5, "x", null, true] }],
  ])("%s", (_name, text, asText, asBigint) => {
    expect(parseExactJson(text)).toEqual(asText);
    expect(parseExactJson(text, "bigint")).toEqual(asBigint);
  });

  it("throws JSON.parse's SyntaxError on text that is not JSON", () => {
    expect(() => parseExactJson('{"a":')).toThrow(SyntaxError);
  });

  it("hasRoundedInteger looks at every depth", () => {
    expect(hasRoundedInteger({ a: [{ b: 2 ** 60 }] })).toBe(true);
    expect(hasRoundedInteger({ a: [{ b: 2 ** 52 }, 1.5, "x"] })).toBe(false);
  });
});
