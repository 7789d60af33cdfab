// Pure logic, table-driven: which SQL counts as a read (the adversarial corpus: sql-safety.test.ts), how
// a statement splits at its ? markers, and what a refused call says.
import { describe, expect, it } from "vitest";
import { isReadOnlySql, refusal } from "../src/safety.js";
import { splitMarkers } from "../src/tools/sql.js";

describe("isReadOnlySql", () => {
  it.each([
    ["SELECT 1", true],
    ["  select * from t;", true],
    ["-- comment\nSELECT 1", true],
    ["/* x */ WITH a AS (SELECT 1) SELECT * FROM a", true],
    ["(SELECT 1) UNION (SELECT 2)", true],
    ["SHOW CATALOGS", true],
    ["DESCRIBE t", true],
    ["EXPLAIN SELECT 1", true],
    ["EXPLAIN ANALYZE SELECT 1", true],
    ["VALUES 1, 2", true],
    ["SELECT 'a; DROP TABLE t' AS s", true],
    ['SELECT "delete" FROM t', true],
    ["INSERT INTO t VALUES (1)", false],
    ["DROP TABLE t", false],
    ["CREATE TABLE t AS SELECT 1", false],
    ["DELETE FROM t", false],
    ["UPDATE t SET a = 1", false],
    ["SELECT 1; DROP TABLE t", false],
    ["EXPLAIN ANALYZE INSERT INTO t VALUES (1)", false],
    ["WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", false],
    ["", false],
    ["   ", false],
  ])("%j -> %s", (sql, expected) => {
    expect(isReadOnlySql(sql)).toBe(expected);
  });
});

describe("splitMarkers", () => {
  it.each([
    ["SELECT 1", ["SELECT 1"]],
    ["a = ? AND b = ?", ["a = ", " AND b = ", ""]],
    ["a = '?' AND b = ?", ["a = '?' AND b = ", ""]],
    ['"col?" = ?', ['"col?" = ', ""]],
    ["a = ? -- really?\n", ["a = ", " -- really?\n"]],
    ["a = ? /* ? */", ["a = ", " /* ? */"]],
    ["a = 'it''s ?' OR b = ?", ["a = 'it''s ?' OR b = ", ""]],
    // The project's SQL lexer: Unicode and binary strings, backquoted names, a lone CR ending a comment.
    ["a = U&'?' AND b = X'3F' AND `?` = ?", ["a = U&'?' AND b = X'3F' AND `?` = ", ""]],
    ["a = ? -- ?\rAND b = ?", ["a = ", " -- ?\rAND b = ", ""]],
    ["a = '/* ?' AND b = ? /* ' ? */", ["a = '/* ?' AND b = ", " /* ' ? */"]],
  ])("%j", (sql, parts) => {
    expect(splitMarkers(sql)).toEqual(parts);
  });
});

describe("refusal", () => {
  const off = { allowWrites: false, allowDestructive: false };
  const writes = { allowWrites: true, allowDestructive: false };
  const all = { allowWrites: true, allowDestructive: true };
  it.each([
    ["read", off, undefined],
    ["write", off, "Refused: x changes data, and this server is read-only. Start peaka-mcp with --allow-writes to allow it."],
    ["write", writes, undefined],
    ["destructive", off, "Refused: x deletes, and this server is read-only. Start peaka-mcp with --allow-writes and --allow-destructive to allow it."],
    ["destructive", writes, "Refused: x deletes, and this server is not allowed to delete. Start peaka-mcp with --allow-destructive to allow it."],
    ["destructive", all, undefined],
  ] as const)("%s with %j", (safety, flags, message) => {
    expect(refusal("x", safety, flags)).toBe(message);
  });
});
