// Paging, table-driven: which statements page, the text that reads a page, and attacks on the
// wrapping — statements written to break out of `SELECT * FROM (...)` or to hide a write behind the
// added clauses. Whatever the wrapping builds is classified again before it runs (sql.ts); these
// tests check that the builder refuses the break-outs itself and that nothing it builds from a
// refused or ambiguous text passes the classifier as a read.
import { classifySql } from "@peaka/api/internal/sql";
import { describe, expect, it } from "vitest";
import { pageableQuery, pageStatement, probeStatement, sortablePositions } from "../src/paging.js";

describe("pageableQuery", () => {
  it.each([
    ["SELECT * FROM t", { body: "SELECT * FROM t", ordered: false }],
    ["SELECT * FROM t;  -- done\n", { body: "SELECT * FROM t", ordered: false }],
    ["SELECT a FROM t ORDER BY a DESC", { body: "SELECT a FROM t ORDER BY a DESC", ordered: true }],
    ["SELECT a, row_number() OVER (ORDER BY a) FROM t", { body: "SELECT a, row_number() OVER (ORDER BY a) FROM t", ordered: false }],
    ["WITH x AS (SELECT a FROM t ORDER BY a LIMIT 5) SELECT * FROM x", { body: "WITH x AS (SELECT a FROM t ORDER BY a LIMIT 5) SELECT * FROM x", ordered: false }],
    ["SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY 1", { body: "SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY 1", ordered: true }],
    ["(SELECT a FROM t ORDER BY a) UNION (SELECT a FROM u)", { body: "(SELECT a FROM t ORDER BY a) UNION (SELECT a FROM u)", ordered: false }],
    ["VALUES 1, 2, 3", { body: "VALUES 1, 2, 3", ordered: false }],
    ["SELECT ')' AS p, \"(\" FROM t", { body: "SELECT ')' AS p, \"(\" FROM t", ordered: false }],
  ])("%j pages", (statement, expected) => {
    expect(pageableQuery(statement)).toEqual(expected);
  });

  it.each([
    ["SELECT * FROM t LIMIT 10", "its own LIMIT"],
    ["SELECT * FROM t ORDER BY a OFFSET 5 ROWS", "its own OFFSET"],
    ["SELECT * FROM t FETCH FIRST 5 ROWS ONLY", "its own FETCH"],
    ["SHOW TABLES", "only a query"],
    ["EXPLAIN SELECT 1", "only a query"],
    ["INSERT INTO t SELECT 1", "only a query"],
    ["SELECT 1; SELECT 2", "more than one statement"],
    ["SELECT 'open", "not closed"],
    ["SELECT 1 /* open", "not closed"],
    // Break-outs: a ")" that would close the wrapping's "(" early, or a "(" that would swallow its ")".
    ["SELECT 1) AS a CROSS JOIN (SELECT 2", "do not balance"],
    ["SELECT 1 FROM t) UNION ALL (SELECT secret FROM s", "do not balance"],
    ["SELECT * FROM (SELECT 1", "do not balance"],
    ["", "empty"],
  ])("%j does not page (%s)", (statement, reason) => {
    const result = pageableQuery(statement);
    expect(typeof result).toBe("string");
    expect(result).toContain(reason);
  });
});

describe("pageStatement", () => {
  it("wraps a statement without ORDER BY and sorts by the sortable column positions", () => {
    const q = pageableQuery("SELECT id, tags, total FROM t") as Exclude<ReturnType<typeof pageableQuery>, string>;
    expect(pageStatement(q, sortablePositions(["bigint", "map(varchar, varchar)", "double"]), 200, 101)).toBe(
      "SELECT * FROM (\nSELECT id, tags, total FROM t\n) AS peaka_page\nORDER BY 1, 3\nOFFSET 200 ROWS\nLIMIT 101",
    );
    expect(probeStatement(q)).toBe("SELECT * FROM (\nSELECT id, tags, total FROM t\n) AS peaka_page\nLIMIT 1");
  });

  it("continues a statement's own ORDER BY with the column positions as tie-breakers", () => {
    const q = pageableQuery("SELECT id, total FROM t ORDER BY total DESC -- biggest first") as Exclude<ReturnType<typeof pageableQuery>, string>;
    expect(pageStatement(q, [1, 2], 0, 51)).toBe("SELECT id, total FROM t ORDER BY total DESC, 1, 2\nOFFSET 0 ROWS\nLIMIT 51");
  });

  it("leaves out types Trino cannot sort", () => {
    expect(sortablePositions(["varchar", "json", "array(map(varchar, bigint))", "row(a bigint)", undefined, "HyperLogLog", "qdigest(double)"])).toEqual([1, 4, 5]);
  });

  // Each of these is a read on its own; the wrapping must keep it one read, never several statements.
  it.each([
    "SELECT 1 -- ) AS x; DROP TABLE t",
    "SELECT 1 /* ) ; DROP TABLE t; ( */",
    "SELECT ') AS x; DROP TABLE t; --' AS s",
    'SELECT 1 AS ") AS x; DROP TABLE t; --"',
    "SELECT * FROM t ORDER BY a -- \nDESC",
  ])("the page of %j is still one read", (statement) => {
    const q = pageableQuery(statement);
    if (typeof q === "string") throw new Error(q);
    expect(classifySql(statement).kind).toBe("read");
    expect(classifySql(pageStatement(q, [1], 100, 101))).toEqual({ kind: "read", reason: expect.any(String) });
    expect(classifySql(probeStatement(q)).kind).toBe("read");
  });

  it("a statement the classifier refuses stays refused after wrapping, where the builder would wrap it at all", () => {
    for (const statement of ["SELECT * FROM t WHERE a = 'x\\' OR 1=1 --'", "SELECT 1 /* a /* b */ FROM t", "SELECT * FROM TABLE(system.query(query => 'DELETE FROM t'))"]) {
      expect(classifySql(statement).kind, statement).toBe("write");
      const q = pageableQuery(statement);
      if (typeof q === "string") continue;
      expect(classifySql(pageStatement(q, [1], 0, 11)).kind, statement).toBe("write");
      expect(classifySql(probeStatement(q)).kind, statement).toBe("write");
    }
  });
});
