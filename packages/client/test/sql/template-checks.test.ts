// What the `sql` template refuses or repairs so that a statement cannot go wrong silently: the
// template text is checked with the project's SQL lexer, literals never form a comment, join takes only
// fixed separators or fragments, and `undefined` is an error at both entry points.
import { describe, expect, it } from "vitest";
import { PeakaInvalidArgumentError } from "../../src/errors.js";
import { JOIN_SEPARATORS, runSql, sql, SQL_FRAGMENT, toStatement } from "../../src/sql/index.js";
import { lexSql } from "../../src/internal/sql-lexer.js";
import { clientFor, closeAllServers, json, rejectionOf, startServer } from "../support/servers.js";
import { afterEach } from "vitest";

afterEach(closeAllServers);

function errorOf(build: () => unknown): PeakaInvalidArgumentError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    return error as PeakaInvalidArgumentError;
  }
  throw new Error("expected a PeakaInvalidArgumentError");
}

describe("the template text is checked with the SQL lexer", () => {
  it("a bare ? in the text throws, saying where (it would shift every binding after it)", () => {
    expect(errorOf(() => sql`SELECT * FROM t WHERE a = ? AND b = ${1}`).message).toBe(
      'sql: the template text has a bare ? (part 1, at character 26: " * FROM t WHERE a = ?"); it would shift every binding after it: write values as ${value}.',
    );
    expect(errorOf(() => sql`SELECT ${1}, ?`).message).toMatch(/part 2, at character 2/);
  });

  it("a ? inside a string, a quoted name or a comment is text, not a marker", () => {
    const q = sql`SELECT 'why?' AS "what?" /* ? */ FROM t -- ?
      WHERE a = ${"x"}`;
    expect(q.bindings).toEqual(["x"]);
    expect(q.statement).toContain("'why?'");
  });

  it.each([
    ["a string literal", () => sql`SELECT * FROM t WHERE a = '${"x"}'`],
    ["a string literal (after an escaped quote)", () => sql`SELECT 'it''s ${"x"}'`],
    ["a quoted name", () => sql`SELECT "${"col"}" FROM t`],
    ["a -- comment", () => sql`SELECT 1 -- ${"x"}`],
    ["a /* */ comment", () => sql`SELECT /* ${"x"} */ 1`],
    ["a Unicode string literal", () => sql`SELECT U&'${"x"}'`],
  ])("a value inside %s throws", (where, build) => {
    const message = errorOf(build).message;
    expect(message).toContain(`value 1 is placed inside ${where.replace(/ \(.*\)$/, "")}`);
    expect(message).toMatch(/put \$\{value\} outside quotes and comments/);
  });

  it("a template that ends inside an unclosed string or comment throws; one that ends in a -- comment is fine", () => {
    expect(errorOf(() => sql`SELECT 'abc`).message).toBe("sql: the template ends inside a string literal that is never closed.");
    expect(errorOf(() => sql`SELECT 1 /* note`).message).toBe("sql: the template ends inside a /* */ comment that is never closed.");
    expect(sql`SELECT 1 -- note`.statement).toBe("SELECT 1 -- note");
  });

  it("a nested fragment that ends in a -- comment is ended with a line break, so it never comments out what follows", () => {
    const q = sql`SELECT ${sql`a -- the a column`}, ${"b"}`;
    expect(q.statement).toBe("SELECT a -- the a column\n, ?");
    expect(lexSql(q.statement).filter((t) => t.kind === "parameter")).toHaveLength(1);
  });
});

describe("literals and seams never form a comment", () => {
  it.each([
    [() => sql`SELECT 5 -${sql.literal(-1)}`, "SELECT 5 - -1"],
    [() => sql`SELECT 5 -${sql.literal(-1n)}`, "SELECT 5 - -1"],
    [() => sql`SELECT 5 -${sql.literal(-1.5)}`, "SELECT 5 - -1.5"],
    [() => sql`SELECT 5 -${sql.empty}- 1`, "SELECT 5 - - 1"],
    [() => sql`SELECT 4 /${sql`*x`}`, "SELECT 4 / *x"],
    [() => sql`SELECT ${sql`1 -`}${sql`-2`}`, "SELECT 1 - -2"],
  ])("%#: %s", (build, text) => {
    const q = build();
    expect(q.statement).toBe(text);
    expect(lexSql(q.statement).some((t) => t.kind === "line-comment" || t.kind === "block-comment")).toBe(false);
  });
});

describe("sql.join separators", () => {
  it.each(JOIN_SEPARATORS.map((s) => [s]))("takes %j", (separator) => {
    expect(sql.join([1, 2], separator).statement).toBe(`CAST(? AS BIGINT)${separator}CAST(? AS BIGINT)`);
  });

  it.each([") OR 1=1 --", "; DROP TABLE t; ", " and ", "--", "' || '"])("refuses the raw string %j", (separator) => {
    expect(errorOf(() => sql.join([1, 2], separator)).message).toMatch(/^sql\.join: the separator .* is not one of ", ", ","/);
  });

  it("takes any sql fragment (with its bindings) and refuses other values", () => {
    const q = sql.join([sql`a = ${1}`, sql`b = ${2}`], sql` OR c = ${3} OR `);
    expect(q.statement).toBe("a = CAST(? AS BIGINT) OR c = CAST(? AS BIGINT) OR b = CAST(? AS BIGINT)");
    expect(q.bindings).toEqual(["1", "3", "2"]);
    expect(errorOf(() => sql.join([1, 2], 5 as never)).message).toMatch(/separator must be a string of JOIN_SEPARATORS or a sql fragment/);
  });
});

describe("undefined means the same at both entry points: an error", () => {
  it("the sql tag refuses undefined (null is SQL NULL)", () => {
    expect(errorOf(() => sql`SELECT * FROM t WHERE a = ${undefined as never}`).message).toBe(
      "sql: value 1 is undefined; pass null for SQL NULL (undefined is refused: it is usually a missing property).",
    );
    expect(errorOf(() => sql.join([1, undefined as never])).message).toMatch(/^sql: item 2 of sql.join is undefined/);
    expect(sql`SELECT ${null}`.statement).toBe("SELECT NULL");
  });

  it("runSql with bindings refuses undefined (and null) before sending, and needs one binding per ? marker", async () => {
    const server = await startServer(json(200, { columns: [], data: [] }));
    const peaka = clientFor(server);
    const undef = await rejectionOf(runSql(peaka, "p", "SELECT * FROM t WHERE a = ?", { bindings: [undefined as never] }));
    expect(undef).toBeInstanceOf(PeakaInvalidArgumentError);
    expect((undef as Error).message).toBe(
      "bindings[0] is undefined; every binding is a string (Peaka takes them as text; write NULL in the statement for SQL NULL).",
    );
    expect(await rejectionOf(runSql(peaka, "p", "SELECT ?", { bindings: [null as never] }))).toBeInstanceOf(PeakaInvalidArgumentError);
    const count = await rejectionOf(runSql(peaka, "p", "SELECT '?', ? FROM t WHERE b = ?", { bindings: ["x"] }));
    expect((count as Error).message).toBe("The statement has 2 ? markers and 1 binding; they must match.");
    expect(server.requests).toHaveLength(0);
    await runSql(peaka, "p", "SELECT '?', ? FROM t /* ? */", { bindings: ["x"] });
    expect(server.requests).toHaveLength(1);
  });
});

describe("fragments from another copy of the package compose or throw", () => {
  /** A fragment as another copy builds it: its own class, the registered key, nothing shared with this copy. */
  const foreign = (statement: string, bindings: string[]) => {
    class OtherSqlStatement {
      constructor(
        readonly statement: string,
        readonly bindings: string[],
      ) {
        Object.defineProperty(this, Symbol.for("@peaka/api/sql-fragment@1"), { value: { version: 1, statement, bindings } });
      }
    }
    return new OtherSqlStatement(statement, bindings);
  };

  it("a fragment carrying @peaka/api/sql-fragment@1 composes, bindings in order", () => {
    const q = sql`SELECT * FROM ${foreign('"shop"."orders"', []) as never} WHERE 1=1 ${foreign("AND status = ?", ["open"]) as never} AND id = ${7}`;
    expect(q.statement).toBe('SELECT * FROM "shop"."orders" WHERE 1=1 AND status = ? AND id = CAST(? AS BIGINT)');
    expect(q.bindings).toEqual(["open", "7"]);
    expect(toStatement(foreign("SELECT ?", ["a"]) as never)).toEqual({ statement: "SELECT ?", bindings: ["a"] });
    expect(q[SQL_FRAGMENT]).toEqual({ version: 1, statement: q.statement, bindings: q.bindings });
  });

  it("a fragment of the first releases (brand true, public statement and bindings) composes", () => {
    const old = { statement: "status = ?", bindings: ["x"] };
    Object.defineProperty(old, Symbol.for("@peaka/api/sql.SqlStatement"), { value: true });
    expect(sql`SELECT 1 WHERE ${old as never}`.statement).toBe("SELECT 1 WHERE status = ?");
  });

  it("a fragment this copy cannot read throws instead of being dropped", () => {
    const newer = {};
    Object.defineProperty(newer, Symbol.for("@peaka/api/sql-fragment@2"), { value: { parts: [] } });
    expect(errorOf(() => sql`SELECT * FROM t WHERE 1=1 ${newer as never}`).message).toBe(
      "sql: a nested fragment comes from a copy of @peaka/api this one cannot read (@peaka/api/sql-fragment@2); build the whole statement with one copy.",
    );
    expect(errorOf(() => sql`SELECT ${foreign("a = ?", []) as never}`).message).toBe("sql: a nested fragment has 1 ? markers and 0 bindings; it cannot be composed.");
    expect(errorOf(() => sql`SELECT ${foreign("'open", []) as never}`).message).toBe("sql: a nested fragment ends inside a string literal.");
    const malformed = {};
    Object.defineProperty(malformed, Symbol.for("@peaka/api/sql-fragment@1"), { value: { version: 1, statement: 5 } });
    expect(errorOf(() => sql`SELECT ${malformed as never}`).message).toMatch(/malformed/);
  });
});
