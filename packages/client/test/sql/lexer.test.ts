// The one SQL lexer (@peaka/api/internal/sql): Trino's lexical rules token by token, chunks that leave a
// construct open, statements, and the read-only classifier against the shared adversarial corpus and a
// seeded fuzz whose generator labels what it builds.
import { labelledSql, REPORTED_BYPASSES, SQL_CORPUS } from "@peaka/mock/sql-corpus";
import { describe, expect, it } from "vitest";
import { PeakaInvalidArgumentError } from "../../src/errors.js";
import { classifySql, classifySqlEffect, isReadOnlySql, lexSql, lexSqlChunk, statementsOf, type SqlOpenKind } from "../../src/internal/sql-lexer.js";

const kinds = (text: string) => lexSql(text).filter((t) => t.kind !== "whitespace").map((t) => `${t.kind} ${t.text}`);

describe("lexSql: Trino's lexical rules", () => {
  it.each([
    ["'it''s'", ["string 'it''s'"]],
    ["'a' 'b'", ["string 'a'", "string 'b'"]],
    ["'back\\'", ["string 'back\\'"]],
    ["U&'\\0041' UESCAPE '!'", ["unicode-string U&'\\0041'", "word UESCAPE", "string '!'"]],
    ["u&'x''y'", ["unicode-string u&'x''y'"]],
    ["U& 'x'", ["word U", "punctuation &", "string 'x'"]],
    ["X'ab''cd'", ["binary-string X'ab'", "string 'cd'"]],
    ["x'ff'", ["binary-string x'ff'"]],
    ["E'x'", ["word E", "string 'x'"]],
    ['"a""b"', ['quoted-identifier "a""b"']],
    ["`a``b`", ["backquoted-identifier `a``b`"]],
    ["-- c\nSELECT", ["line-comment -- c\n", "word SELECT"]],
    ["-- c\r\nSELECT", ["line-comment -- c\r\n", "word SELECT"]],
    ["-- c\rSELECT", ["line-comment -- c\r", "word SELECT"]],
    ["-- c\u2028SELECT", ["line-comment -- c\u2028SELECT"]],
    ["/* a /* b */ c */", ["block-comment /* a /* b */", "word c", "punctuation *", "punctuation /"]],
    ["/**/", ["block-comment /**/"]],
    ["a-b", ["word a", "punctuation -", "word b"]],
    ["a/b", ["word a", "punctuation /", "word b"]],
    ["1e5 1.5E-3 .5 1_000 0x1F 1abc 1e--", ["number 1e5", "number 1.5E-3", "number .5", "number 1_000", "word 0x1F", "word 1abc", "word 1e", "line-comment --"]],
    ["a<>b!=c<=d>=e||f->g=>h", ["word a", "punctuation <>", "word b", "punctuation !=", "word c", "punctuation <=", "word d", "punctuation >=", "word e", "punctuation ||", "word f", "punctuation ->", "word g", "punctuation =>", "word h"]],
    ["? ; ?", ["parameter ?", "semicolon ;", "parameter ?"]],
    ["SELECT\u00a01", ["word SELECT", "unknown \u00a0", "number 1"]],
    ["𝄞", ["unknown 𝄞"]],
    ["_x1 é", ["word _x1", "unknown é"]],
  ])("%j", (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  it.each([
    ["SELECT 'abc", "string"],
    ['SELECT "abc', "quoted-identifier"],
    ["SELECT U&'abc", "unicode-string"],
    ["SELECT X'ab", "binary-string"],
    ["SELECT `ab", "backquoted-identifier"],
    ["SELECT 1 /* abc", "block-comment"],
    ["SELECT 1 /*/", "block-comment"],
    ["SELECT 'a''", "string"],
  ] as const)("an unterminated construct is one error token to the end: %j", (text, open) => {
    const tokens = lexSql(text);
    const last = tokens[tokens.length - 1]!;
    expect(last).toMatchObject({ kind: "error", open, end: text.length });
    expect(tokens.filter((t) => t.kind === "error")).toHaveLength(1);
  });

  it("a -- comment may end the text", () => {
    expect(lexSql("SELECT 1 -- x").at(-1)).toEqual({ kind: "line-comment", text: "-- x", start: 9, end: 13 });
  });

  it("covers every character exactly once, in order", () => {
    for (const { sql } of SQL_CORPUS) {
      const tokens = lexSql(sql);
      let at = 0;
      for (const t of tokens) {
        expect(t.start).toBe(at);
        expect(t.text).toBe(sql.slice(t.start, t.end));
        expect(t.end).toBeGreaterThan(t.start);
        at = t.end;
      }
      expect(at).toBe(sql.length);
    }
  });

  it("throws a typed error for a value that is not a string", () => {
    expect(() => lexSql(42 as unknown as string)).toThrow(PeakaInvalidArgumentError);
    expect(() => classifySql(null as unknown as string)).toThrow(/takes a string; got null/);
  });
});

describe("lexSqlChunk: pieces separated by values (the sql template)", () => {
  /** The construct each value position falls in, lexing the template's chunks one after the other. */
  const positions = (chunks: string[]) => {
    const opens: (SqlOpenKind | undefined)[] = [];
    let open: SqlOpenKind | undefined;
    for (const chunk of chunks) {
      ({ open } = lexSqlChunk(chunk, open));
      opens.push(open);
    }
    return opens;
  };

  it.each([
    [["SELECT * FROM t WHERE a = ", " AND b = ", ""], [undefined, undefined, undefined]],
    [["SELECT '", "' AS s WHERE a = ", ""], ["string", undefined, undefined]],
    [["SELECT 'it''", "s'"], ["string", undefined]],
    [["SELECT \"", "\" FROM t"], ["quoted-identifier", undefined]],
    [["SELECT 1 -- note ", "\nWHERE a = ", ""], ["line-comment", undefined, undefined]],
    [["SELECT 1 -- note ", " more ", "\r\n"], ["line-comment", "line-comment", undefined]],
    [["SELECT 1 /* ", " */ + ", ""], ["block-comment", undefined, undefined]],
    [["SELECT U&'", "'"], ["unicode-string", undefined]],
    [["SELECT X'", "'"], ["binary-string", undefined]],
    [["SELECT `", "`"], ["backquoted-identifier", undefined]],
    [["SELECT 'a'", "'b'"], [undefined, undefined]],
  ] as const)("%j", (chunks, expected) => {
    expect(positions([...chunks])).toEqual(expected);
  });

  it("reports bare ? markers as parameter tokens and marks the open token", () => {
    const first = lexSqlChunk("SELECT ? , '?' , \"?\" -- ?");
    expect(first.tokens.filter((t) => t.kind === "parameter").map((t) => t.start)).toEqual([7]);
    expect(first.open).toBe("line-comment");
    expect(first.tokens.at(-1)).toMatchObject({ kind: "line-comment", open: "line-comment" });
    const next = lexSqlChunk(" still comment ?\n AND ?", "line-comment");
    expect(next.tokens[0]).toEqual({ kind: "line-comment", text: " still comment ?\n", start: 0, end: 17 });
    expect(next.tokens.filter((t) => t.kind === "parameter").map((t) => t.start)).toEqual([22]);
    expect(lexSqlChunk("", "string")).toEqual({ tokens: [], open: "string" });
  });
});

describe("statementsOf", () => {
  it("splits at ; tokens only, leaving out empty statements", () => {
    expect(statementsOf("SELECT ';'; /* ; */ DELETE FROM t;;  ").map((s) => s.text)).toEqual(["SELECT ';'", " /* ; */ DELETE FROM t"]);
    expect(statementsOf("-- only\n")).toEqual([]);
    const [one] = statementsOf("  SELECT 1 ;");
    expect(one).toMatchObject({ start: 0, end: 11, text: "  SELECT 1 " });
  });
});

describe("classifySql: the shared corpus", () => {
  it("holds at least 250 labelled statements (the MCP README says 250+), among them the reported bypasses", () => {
    expect(SQL_CORPUS.length).toBeGreaterThanOrEqual(250);
    expect(SQL_CORPUS.filter((c) => c.expect === "read").length).toBeGreaterThanOrEqual(80);
    for (const bypass of REPORTED_BYPASSES) expect(SQL_CORPUS).toContain(bypass);
  });

  it.each(SQL_CORPUS.map((c) => [c.sql, c.expect, c.why ?? ""] as const))("%j is a %s %s", (sql, expected) => {
    const result = classifySql(sql);
    expect(result.kind, result.reason).toBe(expected);
    expect(isReadOnlySql(sql)).toBe(expected === "read");
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it.each([
    ["/* -- */\nDELETE FROM shop.public.orders WHERE '*/ SELECT ' <> ''", /DELETE is not a statement that only reads/],
    ["EXPLAIN ANALYZE /* -- */\nINSERT INTO t SELECT '*/ SELECT '", /EXPLAIN of a statement that is not a read: INSERT/],
    ["SELECT '--'; DROP TABLE x", /more than one statement/],
    ["SELECT 'abc", /the string at offset 7 is not closed/],
    ["WITH a AS (SELECT 1) INSERT INTO t SELECT 1", /contains INSERT \(at offset 21\)/],
    ["SELECT * FROM TABLE(system.query(query => 'x'))", /table function/],
    ["EXPLAIN (TYPE MAGIC) SELECT 1", /option that is not known/],
    ["SELECT 'a\\'", /backslash before a quote/],
    ["/* /* */ SELECT 1", /inside a comment/],
    ["WITH SESSION a = 1 SELECT 1", /WITH SESSION/],
    ["", /no statement/],
  ])("says why: %j", (sql, reason) => {
    expect(classifySql(sql).reason).toMatch(reason);
  });
});

describe("classifySqlEffect: reads, writes that only add, everything else", () => {
  it.each([
    ["SELECT 1", "read"],
    ["INSERT INTO t SELECT replace(a, 'x', 'y') FROM s", "write"],
    ["INSERT INTO t VALUES (1);", "write"],
    ["CREATE TABLE t AS SELECT 1", "write"],
    ["CREATE VIEW v AS SELECT 1", "write"],
    ["COMMENT ON TABLE t IS 'x'", "write"],
    ["GRANT SELECT ON t TO u", "write"],
    ["CREATE OR REPLACE TABLE t AS SELECT 1", "destructive"],
    ["CREATE OR REPLACE VIEW v AS SELECT 1", "destructive"],
    ["DELETE FROM t", "destructive"],
    ["INSERT INTO t SELECT 1; DROP TABLE t", "destructive"],
    ["INSERT INTO t SELECT * FROM TABLE(system.query(query => 'DELETE FROM x'))", "destructive"],
    ["INSERT INTO t VALUES ('a\\')", "destructive"],
    ["INSERT INTO t VALUES ('a", "destructive"],
    ["UPDATE t SET a = 1", "destructive"],
    ["MERGE INTO t USING s ON true WHEN MATCHED THEN DELETE", "destructive"],
    ["ALTER TABLE t DROP COLUMN a", "destructive"],
    ["CALL system.execute(query => 'DROP TABLE t')", "destructive"],
    ["EXECUTE IMMEDIATE 'DELETE FROM t'", "destructive"],
    ["SET SESSION a = 1", "destructive"],
    ["REVOKE SELECT ON t FROM u", "destructive"],
    ["EXPLAIN ANALYZE INSERT INTO t VALUES (1)", "destructive"],
    ["", "destructive"],
  ] as const)("%j is %s", (sql, kind) => {
    expect(classifySqlEffect(sql).kind).toBe(kind);
  });

  it("agrees with classifySql on reads for the whole corpus", () => {
    for (const { sql, expect: expected } of SQL_CORPUS) expect(classifySqlEffect(sql).kind === "read", sql).toBe(expected === "read");
  });
});

describe("classifySql: labelled fuzz", () => {
  it("never classes a labelled write as a read (20 000 statements, seed 18)", () => {
    const cases = labelledSql(18, 20_000);
    const writes = cases.filter((c) => c.label === "write");
    const reads = cases.filter((c) => c.label === "read");
    const leaked = writes.filter((c) => isReadOnlySql(c.sql));
    expect(leaked.slice(0, 5)).toEqual([]);
    const admitted = reads.filter((c) => isReadOnlySql(c.sql)).length;
    console.log(`labelled fuzz: ${writes.length} writes, none admitted; ${admitted} of ${reads.length} reads admitted`);
    // The classifier is not "everything is a write": most generated reads pass.
    expect(admitted / reads.length).toBeGreaterThan(0.5);
    expect(writes.length).toBeGreaterThan(5000);
  });

  it("never classes a labelled write that may remove something as a write that only adds", () => {
    const cases = labelledSql(1818, 10_000);
    const destructive = cases.filter((c) => c.destructive);
    expect(destructive.filter((c) => classifySqlEffect(c.sql).kind !== "destructive").slice(0, 5)).toEqual([]);
    const adding = cases.filter((c) => c.label === "write" && !c.destructive);
    expect(adding.filter((c) => classifySqlEffect(c.sql).kind === "read")).toEqual([]);
    expect(adding.filter((c) => classifySqlEffect(c.sql).kind === "write").length / adding.length).toBeGreaterThan(0.5);
    expect(destructive.length).toBeGreaterThan(3000);
  });

  it("generates the reported bypass shapes (a -- inside a block comment, */ inside a string)", () => {
    const sqls = labelledSql(18, 20_000).map((c) => c.sql);
    expect(sqls.some((s) => /\/\*[^*]*--[^*]*\*\//.test(s))).toBe(true);
    expect(sqls.some((s) => /'[^']*\*\/[^']*'/.test(s))).toBe(true);
    expect(sqls.some((s) => /"[^"]*;[^"]*"/.test(s))).toBe(true);
    expect(labelledSql(7, 50)).toEqual(labelledSql(7, 50));
  });
});
