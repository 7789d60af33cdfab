// The one adversarial corpus of the read-only SQL classifier (`classifySql` of @peaka/api/internal/sql),
// used by the lexer's tests in @peaka/api and by @peaka/mcp's tests (through its tools), and a seeded
// generator of labelled statements for the fuzz of both.
//
// `expect` is what the classifier must answer: "read" only for statements it can prove only read;
// "write" for every write, and for reads it cannot prove (those carry `why`).

/** One labelled statement. */
export interface SqlCase {
  readonly sql: string;
  readonly expect: "read" | "write";
  /** Why, where the label is not obvious from the text. */
  readonly why?: string;
}

const r = (sql: string, why?: string): SqlCase => (why ? { sql, expect: "read", why } : { sql, expect: "read" });
const w = (sql: string, why?: string): SqlCase => (why ? { sql, expect: "write", why } : { sql, expect: "write" });

/** The three bypasses of the regex classifier reported in issue 18. */
export const REPORTED_BYPASSES: readonly SqlCase[] = [
  w("/* -- */\nDELETE FROM shop.public.orders WHERE '*/ SELECT ' <> ''", "the -- is inside a block comment; the DELETE is real"),
  w("EXPLAIN ANALYZE /* -- */\nINSERT INTO t SELECT '*/ SELECT '", "EXPLAIN ANALYZE runs the INSERT"),
  w("SELECT '--'; DROP TABLE x", "the -- is inside a string; two statements"),
];

const plainReads: SqlCase[] = [
  r("SELECT 1"),
  r("select 1"),
  r("  SELECT * FROM t;"),
  r("SELECT * FROM t;  -- trailing comment"),
  r("SELECT * FROM t; /* trailing */"),
  r("SELECT a, b FROM shop.public.orders WHERE status = 'open' ORDER BY a LIMIT 10"),
  r('SELECT * FROM "shop"."public"."orders"'),
  r('SELECT "delete", "insert", "drop" FROM t', "write words as quoted names"),
  r("SELECT 'DELETE FROM t' AS s", "a write inside a string"),
  r("SELECT 'a; DROP TABLE t' AS s"),
  r("SELECT 1 -- ; DROP TABLE t", "the second statement is a comment"),
  r("SELECT 1 /* ; DROP TABLE t */"),
  r("-- comment\nSELECT 1"),
  r("--\r\nSELECT 1", "a CR LF line end"),
  r("--x\rSELECT 1", "a lone CR ends a -- comment in Trino"),
  r("/* DELETE FROM t */ SELECT 1"),
  r("/**/SELECT/**/1"),
  r("/* ' */ SELECT 1", "a quote inside a comment"),
  r("SELECT '/*' AS a, '*/' AS b"),
  r("SELECT '--' AS a FROM t"),
  r("SELECT 'it''s' AS s"),
  r("SELECT '''' AS q"),
  r("SELECT '' AS empty"),
  r("SELECT 'a''; DROP TABLE t; --' AS s", "a doubled quote keeps the string open"),
  r('SELECT 1 AS "a""; DROP TABLE t; --"', "a doubled double quote keeps the name open"),
  r("SELECT U&'\\0041\\0042' AS ab", "a Unicode string"),
  r("SELECT u&'\\+01F600' AS smile", "lower-case u&, a six-digit escape"),
  r("SELECT U&'x!0027; DROP TABLE t' UESCAPE '!'", "UESCAPE: the escape still lies inside the string"),
  r("SELECT U&'\\0027' AS quote", "an escaped quote is a character of the value, not the end of the string"),
  r("SELECT X'0A0B' AS bin"),
  r("SELECT x'ff' AS bin"),
  r("SELECT X'ab''cd'", "Trino: X'ab' followed by 'cd'"),
  r("SELECT E'abc'", "no E strings in Trino: the word E and a string"),
  r("SELECT 'back\\slash' AS s", "a backslash is an ordinary character"),
  r("SELECT regexp_like(name, '\\d+') FROM t"),
  r("SELECT 1e5, 1.5E-3, .5, 1_000_000, 0x1F, 0b101, 0o17"),
  r("SELECT 1abc FROM t", "a digit identifier"),
  r("SELECT a<>b, a!=b, a<=b, a>=b, a||b FROM t"),
  r("SELECT transform(xs, x -> x + 1) FROM t"),
  r("SELECT * FROM t WHERE a = ? AND b = ?", "parameter markers"),
  r("SELECT '?' , \"?\" FROM t"),
  r("SELECT CAST(? AS BIGINT)"),
  r("(SELECT 1)"),
  r("((SELECT 1))"),
  r("(SELECT 1) UNION (SELECT 2)"),
  r("SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3 INTERSECT SELECT 4"),
  r("VALUES 1, 2, 3"),
  r("VALUES (1, 'a'), (2, 'b')"),
  r("(VALUES 1)"),
  r("TABLE shop.public.orders"),
  r("table t"),
  r("SELECT * FROM UNNEST(ARRAY[1, 2]) AS x(v)"),
  r("SELECT * FROM t TABLESAMPLE BERNOULLI (10)"),
  r("SELECT count(*) FILTER (WHERE a > 1) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t"),
  r("SELECT * FROM a JOIN b USING (id) LEFT JOIN c ON a.x = c.x"),
  r("SELECT json_query(doc, 'lax $.a' WITH ARRAY WRAPPER) FROM t"),
  r("SELECT * FROM TABLE(sequence(start => 1, stop => 10))", "a built-in table function"),
  r("SELECT * FROM TABLE(system.builtin.sequence(start => 1, stop => 3))"),
  r("SELECT * FROM TABLE(exclude_columns(input => TABLE(t), columns => DESCRIPTOR(a)))"),
  r("SELECT replace(name, 'a', 'b'), comment, start, \"end\", use FROM t", "function and column names that are not write words"),
  r("SELECT * FROM t FOR TIMESTAMP AS OF TIMESTAMP '2024-01-01 00:00:00'"),
  r("SELECT DATE '2024-01-01', TIME '01:02', INTERVAL '3' DAY"),
  r("SELECT 1\n;\n", "a final ; on its own line"),
  r("SELECT 1;-- done"),
  r("SELECT 1; ", "a final ; with whitespace after it"),
  r("SELECT\t1\r\nFROM\tt"),
  r("SELECT 'multi\nline' FROM t"),
  r("SELECT '日本語' AS s, \"名前\" FROM t", "non-ASCII inside quotes"),
  r("SELECT 1 /* a comment with * and / and ** */"),
  r("SELECT 1 /***/"),
  r("SELECT `x` FROM t", "backquoted names lex (and Trino rejects them)"),
  r("SELECT 1 -- a comment at the very end"),
];

const withReads: SqlCase[] = [
  r("WITH a AS (SELECT 1) SELECT * FROM a"),
  r("/* x */ WITH a AS (SELECT 1) SELECT * FROM a"),
  r("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r"),
  r('WITH "insert" AS (SELECT 1) SELECT * FROM "insert"', "a quoted CTE name that is a write word"),
  r("WITH a AS (SELECT 'INSERT INTO t' AS s) SELECT s FROM a"),
  r("WITH a AS (SELECT 1), b AS (SELECT 2) SELECT * FROM a, b"),
  r("(WITH a AS (SELECT 1) SELECT * FROM a)"),
  r("WITH a(x) AS (VALUES 1) TABLE a"),
];

const otherReads: SqlCase[] = [
  r("SHOW CATALOGS"),
  r("SHOW SCHEMAS FROM shop"),
  r("SHOW TABLES FROM shop.public LIKE 'ord%'"),
  r("SHOW COLUMNS FROM shop.public.orders"),
  r("SHOW CREATE TABLE shop.public.orders"),
  r("SHOW CREATE VIEW v"),
  r("SHOW CREATE MATERIALIZED VIEW mv"),
  r("SHOW FUNCTIONS"),
  r("SHOW SESSION"),
  r("SHOW GRANTS ON TABLE t"),
  r("SHOW ROLES"),
  r("SHOW STATS FOR shop.public.orders"),
  r("SHOW STATS FOR (SELECT * FROM t WHERE a > 1)"),
  r("show tables"),
  r("DESCRIBE shop.public.orders"),
  r("DESC t"),
  r("DESCRIBE INPUT my_query"),
  r("DESCRIBE OUTPUT my_query"),
  r("EXPLAIN SELECT 1"),
  r("EXPLAIN ANALYZE SELECT 1"),
  r("EXPLAIN ANALYZE VERBOSE SELECT * FROM t"),
  r("EXPLAIN (TYPE DISTRIBUTED) SELECT 1"),
  r("EXPLAIN (FORMAT JSON, TYPE LOGICAL) SELECT 1"),
  r("EXPLAIN (TYPE VALIDATE) SELECT 1"),
  r("EXPLAIN (TYPE IO, FORMAT TEXT) WITH a AS (SELECT 1) SELECT * FROM a"),
  r("EXPLAIN (FORMAT GRAPHVIZ) VALUES 1"),
  r("EXPLAIN EXPLAIN SELECT 1"),
  r("EXPLAIN SHOW TABLES"),
  r("explain analyze select 1"),
];

const writes: SqlCase[] = [
  w("INSERT INTO t VALUES (1)"),
  w("INSERT INTO t SELECT * FROM s", "INSERT ... SELECT"),
  w("insert into t select 1"),
  w("UPDATE t SET a = 1"),
  w("DELETE FROM t"),
  w("DELETE FROM t WHERE id = ?"),
  w("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"),
  w("TRUNCATE TABLE t"),
  w("DROP TABLE t"),
  w("DROP TABLE IF EXISTS shop.public.orders"),
  w("DROP SCHEMA s CASCADE"),
  w("DROP VIEW v"),
  w("DROP MATERIALIZED VIEW mv"),
  w("DROP CATALOG c"),
  w("DROP ROLE r"),
  w("DROP FUNCTION f()"),
  w("CREATE TABLE t (a bigint)"),
  w("CREATE TABLE t AS SELECT 1", "CTAS"),
  w("CREATE TABLE t AS (SELECT * FROM s) WITH NO DATA", "CTAS"),
  w("CREATE OR REPLACE TABLE t AS SELECT * FROM s", "CTAS"),
  w("CREATE VIEW v AS SELECT 1"),
  w("CREATE OR REPLACE VIEW v AS SELECT 1"),
  w("CREATE MATERIALIZED VIEW mv AS SELECT 1"),
  w("CREATE SCHEMA s"),
  w("CREATE CATALOG c USING postgresql"),
  w("CREATE ROLE r"),
  w("CREATE FUNCTION f() RETURNS int RETURN 1"),
  w("ALTER TABLE t ADD COLUMN b int"),
  w("ALTER TABLE t RENAME TO u"),
  w("ALTER TABLE t EXECUTE optimize"),
  w("ALTER SCHEMA s RENAME TO s2"),
  w("ALTER VIEW v SET AUTHORIZATION alice"),
  w("ALTER MATERIALIZED VIEW mv SET PROPERTIES x = 1"),
  w("COMMENT ON TABLE t IS 'x'"),
  w("COMMENT ON COLUMN t.a IS NULL"),
  w("ANALYZE t"),
  w("REFRESH MATERIALIZED VIEW mv"),
  w("CALL system.sync_partition_metadata('s', 't', 'FULL')", "CALL"),
  w("CALL pg.system.execute(query => 'DROP TABLE t')", "CALL"),
  w("call system.flush_metadata_cache()"),
  w("GRANT SELECT ON t TO alice", "GRANT"),
  w("GRANT ALL PRIVILEGES ON SCHEMA s TO ROLE r"),
  w("GRANT r TO USER alice"),
  w("REVOKE SELECT ON t FROM alice"),
  w("DENY DELETE ON t TO alice"),
  w("SET SESSION query_max_run_time = '1h'", "SET SESSION"),
  w("SET SESSION AUTHORIZATION alice"),
  w("RESET SESSION query_max_run_time"),
  w("RESET SESSION AUTHORIZATION"),
  w("SET ROLE ALL"),
  w("SET PATH a.b"),
  w("SET TIME ZONE LOCAL"),
  w("USE shop.public"),
  w("USE s"),
  w("START TRANSACTION"),
  w("COMMIT"),
  w("COMMIT WORK"),
  w("ROLLBACK"),
  w("PREPARE q FROM SELECT 1", "PREPARE stores a statement"),
  w("PREPARE q FROM DELETE FROM t"),
  w("EXECUTE q"),
  w("EXECUTE q USING 1, 2"),
  w("EXECUTE IMMEDIATE 'DELETE FROM t'"),
  w("EXECUTE IMMEDIATE 'SELECT 1'", "what runs is a string: not provable"),
  w("DEALLOCATE PREPARE q"),
  w("  \n DELETE FROM t", "leading whitespace"),
  w("/* SELECT */ DELETE FROM t"),
  w("-- SELECT\nDELETE FROM t"),
  w("--SELECT\r\nDROP TABLE t", "CR LF ends the comment"),
  w("--SELECT\rDROP TABLE t", "a lone CR ends the comment"),
  w("/* SELECT 1; */ INSERT INTO t VALUES (1)"),
  w("/**/DELETE/**/FROM/**/t"),
  w("Delete From t", "mixed case"),
  w("dElEtE FROM t"),
];

const severalStatements: SqlCase[] = [
  w("SELECT 1; DROP TABLE t"),
  w("SELECT 1;DROP TABLE t"),
  w("SELECT 1; SELECT 2", "two reads are still two statements"),
  w("SELECT 1;;", "an empty statement after the first"),
  w(";SELECT 1", "an empty statement before it"),
  w(";"),
  w("SELECT 1; -- x\nDELETE FROM t"),
  w("SELECT 1 /* x */; /* y */ DELETE FROM t"),
  w("SELECT 'a'';'; DELETE FROM t", "the doubled quote ends inside the string, the ; after it is real"),
  w('SELECT "a"";"; DELETE FROM t'),
  w("SELECT U&'\\0027'; DELETE FROM t"),
  w("SELECT X'ab'';'; DELETE FROM t", "X'ab' then ';' then a real ;"),
  w("SELECT 1\n;\nDELETE FROM t"),
  w("SHOW TABLES; DROP TABLE t"),
  w("EXPLAIN SELECT 1; DELETE FROM t"),
  w("WITH a AS (SELECT 1) SELECT * FROM a; DELETE FROM t"),
  w("VALUES 1; CALL system.x()"),
];

const commentAndQuoteNesting: SqlCase[] = [
  w("/* /* */ DELETE FROM t /* */", "block comments do not nest in Trino: the DELETE is real"),
  w("/* /* */ */ SELECT 1", "not nested: the second */ is code; and dialects that nest would disagree"),
  w("/* /* nested */ SELECT 1", "a /* inside a comment: other dialects would nest it"),
  w("SELECT 1 /* ' */ ; DELETE FROM t /* ' */"),
  w("SELECT '/*' ; DELETE FROM t; '*/'"),
  w("SELECT 1 -- /*\n; DELETE FROM t -- */"),
  w("SELECT \"/*\"; DELETE FROM t; \"*/\""),
  w("SELECT '\"'; DELETE FROM t; '\"'"),
  w("SELECT \"'\"; DELETE FROM t; \"'\""),
  r("SELECT 1 --\u2028; DELETE FROM t", "U+2028 does not end a -- comment in Trino: the rest is comment"),
  w("SELECT '\\'; DELETE FROM t; --'", "Trino reads '\\' as a string; a backslash-escaping dialect would read a DELETE"),
  w("SELECT 'a\\' , ' ; DELETE FROM t -- '", "a backslash before the closing quote: ambiguous between dialects"),
  w('SELECT "a\\" FROM t', "a backslash before a closing double quote"),
  w("SELECT 'unterminated", "an unterminated string"),
  w("SELECT 'unterminated; DELETE FROM t"),
  w('SELECT "unterminated FROM t'),
  w("SELECT 1 /* unterminated"),
  w("SELECT 1 /* unterminated; DELETE FROM t"),
  w("SELECT U&'unterminated"),
  w("SELECT X'unterminated"),
  w("SELECT `unterminated"),
  w("SELECT 1 /*/ DELETE FROM t", "/*/ does not close the comment"),
  w("SELECT ''' ; DELETE FROM t"),
  w("SELECT 'a''"),
];

const notProvable: SqlCase[] = [
  w("", "nothing to run"),
  w("   ", "nothing to run"),
  w("-- only a comment", "nothing to run"),
  w("/* only */", "nothing to run"),
  w("EXPLAIN INSERT INTO t VALUES (1)", "EXPLAIN of a write: refused although it only plans"),
  w("EXPLAIN ANALYZE INSERT INTO t VALUES (1)", "EXPLAIN ANALYZE runs the INSERT"),
  w("EXPLAIN ANALYZE VERBOSE DELETE FROM t"),
  w("EXPLAIN ANALYZE /* -- */ DELETE FROM t"),
  w("EXPLAIN (TYPE DISTRIBUTED) DELETE FROM t"),
  w("EXPLAIN (TYPE MAGIC) SELECT 1", "an unknown option"),
  w("EXPLAIN (FORMAT JSON SELECT 1", "options not closed"),
  w("EXPLAIN (ANALYZE) SELECT 1", "not a Trino option"),
  w("EXPLAIN", "nothing to explain"),
  w("EXPLAIN EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1"),
  w("EXPLAIN ANALYZE (TYPE IO) SELECT 1", "EXPLAIN ANALYZE takes no options"),
  w("WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a"),
  w("WITH a AS (DELETE FROM t RETURNING *) SELECT * FROM a", "a data-modifying CTE (PostgreSQL)"),
  w("WITH a AS (SELECT 1) UPDATE t SET x = 1"),
  w("with a as (select 1) merge into t using a on true when matched then delete"),
  w("WITH FUNCTION f() RETURNS int RETURN 1 SELECT f()", "WITH FUNCTION is not proven"),
  w("WITH SESSION query_max_run_time = '1h' SELECT 1", "WITH SESSION is not proven"),
  w("WITH RECURSIVE FUNCTION f() RETURNS int RETURN 1 SELECT 1"),
  w("WITH (SELECT 1) SELECT 1", "WITH without a name"),
  w("SELECT * INTO new_table FROM t", "SELECT INTO creates a table in some dialects"),
  w("SELECT * FROM t FOR UPDATE", "a locking read in some dialects"),
  w("SELECT * FROM TABLE(pg.system.query(query => 'DELETE FROM t'))", "query pass-through"),
  w("SELECT * FROM TABLE(system.query(query => 'SELECT 1'))", "query pass-through: what runs is a string"),
  w("SELECT * FROM TABLE(query(query => 'SELECT 1'))"),
  w("SELECT * FROM TABLE(mycat.myschema.sequence(start => 1, stop => 2))", "not the built-in sequence"),
  w('SELECT * FROM TABLE("sequence"(start => 1, stop => 2))', "a quoted function name is not proven"),
  w("SELECT * FROM table (es.system.raw_query(schema => 's', index => 'i', query => '{}'))"),
  w("SELECT 1 AS insert", "an unquoted write word, refused: quote it"),
  w("SELECT update FROM t", "an unquoted write word"),
  w("SELECT * FROM t WHERE set = 1"),
  w("(DELETE FROM t)", "a write in parentheses"),
  w("(SHOW TABLES)", "not a query in parentheses"),
  w("SHOW CREATE TABLE t; DROP TABLE t"),
  w("SHOW TABLES LIKE 'x' ESCAPE '\\' ; DELETE FROM t --'"),
  w("DESCRIBE t; DELETE FROM t"),
  w("LOCK TABLE t", "not Trino; unknown first word"),
  w("VACUUM t", "unknown first word"),
  w("COPY t FROM 'f'", "unknown first word"),
  w("REPLACE INTO t VALUES (1)", "unknown first word"),
  w("UPSERT INTO t VALUES (1)", "unknown first word"),
  w("DO 1", "unknown first word"),
  w("BEGIN", "unknown first word"),
  w("FOO BAR", "unknown first word"),
  w("\"SELECT\" 1", "a quoted name is not a keyword"),
  w("'SELECT 1'", "a string is not a statement"),
  w("? SELECT 1", "a marker is not a keyword"),
  w("1 SELECT"),
  w("S\u0045LECT 1; DELETE FROM t"),
  w("SELECT 1 /* */ ; /* */ ; "),
  w("SELECT\u00a01; DELETE FROM t", "a no-break space is not Trino whitespace, and there are two statements"),
  w("ＳＥＬＥＣＴ 1", "full-width letters are not a keyword"),
];

/** Every case of the corpus. */
export const SQL_CORPUS: readonly SqlCase[] = [
  ...REPORTED_BYPASSES,
  ...plainReads,
  ...withReads,
  ...otherReads,
  ...writes,
  ...severalStatements,
  ...commentAndQuoteNesting,
  ...notProvable,
];

// ---- the labelled fuzz --------------------------------------------------------------------------

/** A small seeded generator (mulberry32): the same seed gives the same statements. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Text pieces that look like SQL structure: what a decoy hides inside a comment, string or quoted name. */
const DECOY_TEXT = [
  "SELECT ", "select 1", " -- ", "--", "/*", "*/", "/* -- */", "'", "''", "\"", "\"\"", ";", "; SELECT 1", "\n", "\r\n",
  "*/ SELECT '", "' <> '", "DROP TABLE x", "DELETE FROM t", "WITH a AS (", "EXPLAIN ", "U&'", "X'", "\\", "?", "`", "e'",
  "INSERT INTO t", " ", "日本", "\u2028", "(", ")",
];

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

/** Decoy content, made valid for the construct that holds it (Trino's rules: the label stays true by construction). */
function decoy(rand: () => number, commentsOnly = false): string {
  let body = "";
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) body += pick(rand, DECOY_TEXT);
  switch (commentsOnly ? pick(rand, [0, 1, 5]) : Math.floor(rand() * 6)) {
    case 0: // block comment: it ends at the first */, so none inside; a /* inside would be refused as ambiguous
      return `/*${body.replaceAll("*/", "* /").replaceAll("/*", "/ *")} */`;
    case 1: // line comment: ends at CR or LF
      return `--${body.replace(/[\r\n]/g, " ")}\n`;
    case 2: // string: quotes doubled; no backslash before a quote (that is refused as ambiguous)
      return `'${body.replaceAll("\\", "/").replaceAll("'", "''")}'`;
    case 3: // quoted name
      return `"${body.replaceAll("\\", "/").replaceAll('"', '""')}"`;
    case 4: // Unicode string
      return `U&'${body.replaceAll("\\", "/").replaceAll("'", "''")}'`;
    default: // whitespace
      return pick(rand, [" ", "\n", "\t", "\r\n", "  "]);
  }
}

/** Core statements, in words: a decoy may go between any two of them. Writes that only add are in ADDING. */
const WRITE_CORES: readonly string[][] = [
  ["DELETE", "FROM", "shop.public.orders"],
  ["DELETE", "FROM", "t", "WHERE", "a", "=", "1"],
  ["INSERT", "INTO", "t", "SELECT", "1"],
  ["INSERT", "INTO", "t", "VALUES", "(1)"],
  ["UPDATE", "t", "SET", "a", "=", "1"],
  ["DROP", "TABLE", "x"],
  ["CREATE", "TABLE", "t", "AS", "SELECT", "1"],
  ["TRUNCATE", "TABLE", "t"],
  ["MERGE", "INTO", "t", "USING", "s", "ON", "true", "WHEN", "MATCHED", "THEN", "DELETE"],
  ["CALL", "system.x", "(", ")"],
  ["GRANT", "SELECT", "ON", "t", "TO", "u"],
  ["SET", "SESSION", "a", "=", "1"],
  ["ALTER", "TABLE", "t", "RENAME", "TO", "u"],
  ["EXPLAIN", "ANALYZE", "INSERT", "INTO", "t", "SELECT", "1"],
  ["EXPLAIN", "ANALYZE", "DELETE", "FROM", "t"],
  ["WITH", "a", "AS", "(SELECT 1)", "INSERT", "INTO", "t", "SELECT", "*", "FROM", "a"],
  ["SELECT", "1", ";", "DROP", "TABLE", "x"],
  ["SELECT", "'x'", ";", "DELETE", "FROM", "t"],
  ["SHOW", "TABLES", ";", "DELETE", "FROM", "t"],
  ["EXECUTE", "IMMEDIATE", "'SELECT 1'"],
  ["PREPARE", "p", "FROM", "SELECT", "1"],
  ["REFRESH", "MATERIALIZED", "VIEW", "mv"],
  ["USE", "s"],
];
const ADDING = new Set(["INSERT INTO t SELECT 1", "INSERT INTO t VALUES (1)", "CREATE TABLE t AS SELECT 1", "GRANT SELECT ON t TO u", "REFRESH MATERIALIZED VIEW mv"]);
const READ_CORES: readonly string[][] = [
  ["SELECT", "1"],
  ["SELECT", "*", "FROM", "shop.public.orders", "WHERE", "a", "=", "1"],
  ["SELECT", "a", ",", "b", "FROM", "t", "ORDER", "BY", "a", "LIMIT", "5"],
  ["WITH", "a", "AS", "(SELECT 1)", "SELECT", "*", "FROM", "a"],
  ["VALUES", "1", ",", "2"],
  ["TABLE", "t"],
  ["SHOW", "TABLES"],
  ["DESCRIBE", "t"],
  ["EXPLAIN", "SELECT", "1"],
  ["EXPLAIN", "ANALYZE", "SELECT", "1"],
  ["EXPLAIN", "(TYPE DISTRIBUTED)", "SELECT", "1"],
  ["(", "SELECT", "1", ")", "UNION", "(", "SELECT", "2", ")"],
];

/** A generated statement and the truth about it: what its code (outside the decoys) does. */
export interface LabelledSql {
  readonly sql: string;
  readonly label: "read" | "write";
  /** For a write: whether it is not one that only adds (the INSERT, CREATE, GRANT and REFRESH cores add). */
  readonly destructive: boolean;
}

/**
 * `count` statements from `seed`: each a write or a read core (see above), with decoys (comments,
 * strings, Unicode strings, quoted names holding SQL-looking text: -- inside a block comment, a comment end inside
 * a string, ; and write words inside names) before, between and after its words, and sometimes a final
 * `;`. The decoys are built by Trino's rules, so the label is true by construction.
 */
export function labelledSql(seed: number, count: number): LabelledSql[] {
  const rand = seededRandom(seed);
  const out: LabelledSql[] = [];
  for (let k = 0; k < count; k++) {
    const isWrite = rand() < 0.6;
    const core = pick(rand, isWrite ? WRITE_CORES : READ_CORES);
    // Decoys go only where a space would: between words, so they never join or split a word.
    // Before the statement and after its `;` only comments and whitespace: a string there would be a statement of its own.
    let sql = rand() < 0.7 ? decoy(rand, true) : "";
    core.forEach((word, i) => {
      if (i > 0) sql += rand() < 0.5 ? ` ${decoy(rand)} ` : " ";
      sql += word;
    });
    if (rand() < 0.5) sql += ` ${decoy(rand, true)}`;
    if (rand() < 0.3) sql += ";";
    if (rand() < 0.3) sql += ` ${decoy(rand, true)}`;
    out.push({ sql, label: isWrite ? "write" : "read", destructive: isWrite && !ADDING.has(core.join(" ")) });
  }
  return out;
}
