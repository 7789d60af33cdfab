// Dialect help for agents: our guide to writing SQL for Peaka, served as an MCP resource
// (peaka://guide/sql) and as a prompt (`peaka_sql`) that puts the guide in front of a question. The
// guide says what this server's flags let run, so it is written per server.
import { sqlModeSentence, type SafetyFlags } from "./safety.js";

export const SQL_GUIDE_URI = "peaka://guide/sql";
export const SQL_PROMPT = "peaka_sql";

/** The SQL guide, as Markdown, for a server with these flags. */
export function sqlGuide(flags: SafetyFlags): string {
  return `# Writing SQL for Peaka

Peaka runs Trino SQL over every connected source. Write Trino, not MySQL or PostgreSQL; or pass
\`dialect\` to run_sql (mysql, postgres, bigquery, ...) and Peaka rewrites the statement into Trino
first (the answer shows what ran).

## Names
- Name every table in three parts: "catalog"."schema"."table". The catalog part is the catalog's
  query name (browse lists catalogs; describe_table and search_metadata give a ready \`sqlName\`).
- Quote names with double quotes: "order items", "Status". Unquoted names are read in lower case.
  Backticks and [brackets] are not Trino.
- Strings take single quotes, doubled inside: 'it''s'. Double quotes are never strings.
- A materialized query's stored result reads as "peaka"."mtquery"."<name>"; run_saved_query runs
  any saved query by its name.

## Values
- Put values in \`params\` and a bare ? in the statement: they go to Peaka as bindings, never as text.
- Cast explicitly: CAST(x AS double), TRY_CAST(x AS integer) (null instead of an error); no :: casts.
- Integer division truncates: CAST(a AS double) / b for a fraction.

## Functions that differ from other databases
- Dates: current_date, now(), date_trunc('month', ts), date_add('day', -7, current_date),
  date_diff('day', start_ts, end_ts), from_iso8601_timestamp('2026-01-05T09:00:00Z'),
  format_datetime(ts, 'yyyy-MM-dd'), date_format(ts, '%Y-%m'), ts AT TIME ZONE 'Europe/Berlin',
  INTERVAL '7' DAY. No DATE_SUB, DATEADD or TO_CHAR.
- Text: a || b or concat(a, b), lower, upper, strpos, substr, split_part(s, ',', 1),
  regexp_like(s, 'pattern'), regexp_extract(s, 'pattern', 1). No ILIKE: lower(s) LIKE '%x%'.
- Nulls and conditions: coalesce (not IFNULL or NVL), nullif, if(cond, a, b), CASE WHEN ... END,
  try(expression) to turn an error into null.
- Aggregates: count(*), count_if(cond), sum(x) FILTER (WHERE cond), approx_distinct(x),
  approx_percentile(x, 0.5), max_by(value, key), array_agg(x ORDER BY y), listagg(x, ', ').
- JSON: json_extract_scalar(j, '$.field'), json_parse(text), json_format(j).
- Arrays and maps: cardinality(a), contains(a, x), element_at(a, 1) (arrays start at 1),
  CROSS JOIN UNNEST(a) AS t(x).
- Windows: row_number() OVER (PARTITION BY k ORDER BY t DESC), lag, lead, sum(...) OVER (...).
- Rows: LIMIT n (no TOP n, no LIMIT offset, n: write OFFSET m LIMIT n).

## Large results
run_sql shows at most its row cap. For more, call it with offset: 0 and then the offset each answer
gives: the pages come in one stable order (the statement's ORDER BY, else every column). Leave LIMIT
and OFFSET out of a statement you page.

## What is refused
- Peaka runs reads only through its API: INSERT, UPDATE, DELETE and CREATE TABLE AS are answered
  with an error.
- ${sqlModeSentence(flags)}
- One statement per call; a second statement after a semicolon is refused. So are WITH FUNCTION,
  table functions other than sequence and exclude_columns, an unclosed string, quoted name or
  comment, and a backslash before a quote (other databases read it differently).
- Refused statements are answered with the reason; nothing is sent to Peaka.

## Before writing a query
search_metadata finds the tables for a question (and golden SQL examples); describe_table gives
columns, types, relations (the join columns) and whether the table is cached (cached tables answer
faster). run_saved_query runs a saved query by name.
`;
}

/** The prompt's text after the guide: the question and how to go about it. */
export function sqlPromptText(question: string, projectId: string | undefined): string {
  return [
    `Answer this question with Peaka SQL${projectId ? ` in project ${projectId}` : ""}: ${question}`,
    "",
    "Follow the guide above. Find the tables first (search_metadata, then describe_table for columns and join relations), write one Trino SELECT with three-part quoted names and ? markers for values, run it with run_sql, and say which statement answered the question.",
  ].join("\n");
}
