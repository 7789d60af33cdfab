// Row schemas (Standard Schema v1) on runSql and streamRows: each row checked, the output returned,
// the first bad row a PeakaRowValidationError with its index and every issue. A hand-written schema
// (no library) and a zod one; an injected fetch plays the API and the storage host.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createPeakaClient, createPeakaCore, PeakaInvalidArgumentError } from "../../src/index.js";
import { PeakaRowValidationError, runSql, streamRows, type StandardSchemaV1 } from "../../src/sql/index.js";

/** Rows `{ id, total }`: `id` must be a number, `total` a numeric text (to a number); issues name the path. */
function orderSchema(options: { async?: boolean } = {}): StandardSchemaV1<unknown, { id: number; total: number }> & { calls: number } {
  const schema = {
    calls: 0,
    "~standard": {
      version: 1 as const,
      vendor: "hand-written",
      validate(value: unknown) {
        schema.calls++;
        const row = value as Record<string, unknown>;
        const issues: StandardSchemaV1.Issue[] = [];
        if (typeof row["id"] !== "number") issues.push({ message: "expected a number", path: ["id"] });
        if (typeof row["total"] !== "string" || Number.isNaN(Number(row["total"]))) issues.push({ message: "expected a numeric text", path: [{ key: "total" }] });
        const result: StandardSchemaV1.Result<{ id: number; total: number }> = issues.length
          ? { issues }
          : { value: { id: row["id"] as number, total: Number(row["total"]) } };
        return options.async ? Promise.resolve(result) : result;
      },
    },
  };
  return schema;
}

/** A CELL_TYPED answer: one typed cell per column, per row. */
const answer = (rows: Array<[unknown, unknown]>) => ({
  columns: [],
  data: rows.map(([id, total]) => [
    { name: "id", value: id, dataType: "integer" },
    { name: "total", value: total, dataType: "varchar" },
  ]),
});

function sqlServer(body: unknown) {
  let requests = 0;
  const options = {
    apiKey: "row-schema-key",
    baseUrl: "http://127.0.0.1:9/api/v1",
    maxRetries: 0,
    fetch: async () => {
      requests++;
      return Response.json(body);
    },
  };
  return { peaka: createPeakaClient(options), core: createPeakaCore(options), requests: () => requests };
}

describe("runSql with a row schema", () => {
  it.each([false, true])("returns each row as the schema's output (async validate: %s)", async (async) => {
    const s = sqlServer(answer([[1, "9.50"], [2, "12"]]));
    const schema = orderSchema({ async });
    const { columns, rows } = await runSql(s.peaka, "p", "SELECT id, total FROM orders", { schema });
    expect(rows).toEqual([
      { id: 1, total: 9.5 },
      { id: 2, total: 12 },
    ]);
    expect(columns.map((c) => c.key)).toEqual(["id", "total"]);
    expect(schema.calls).toBe(2);
  });

  it("the first bad row throws PeakaRowValidationError naming its index and every issue, with the row", async () => {
    const s = sqlServer(answer([[1, "1"], [2, "2"], ["three", "x"], [4, "oops"]]));
    const error = await runSql(s.core, "p", "SELECT 1", { schema: orderSchema() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaRowValidationError);
    const e = error as PeakaRowValidationError;
    expect(e.index).toBe(2);
    expect(e.issues.map((i) => i.message)).toEqual(["expected a number", "expected a numeric text"]);
    expect(e.row).toEqual({ id: "three", total: "x" });
    expect(e.message).toBe("Row 2 does not match the row schema: id: expected a number; total: expected a numeric text.");
  });

  it("works with a zod schema (Standard Schema), issues as zod reports them", async () => {
    const s = sqlServer(answer([[1, "5"], [2, "x"]]));
    const schema = z.object({ id: z.number().int(), total: z.string().regex(/^\d+$/) });
    const error = await runSql(s.peaka, "p", "SELECT 1", { schema }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaRowValidationError);
    expect((error as PeakaRowValidationError).index).toBe(1);
    expect((error as PeakaRowValidationError).issues[0]?.path).toEqual(["total"]);
    const ok = sqlServer(answer([[7, "70"]]));
    expect((await runSql(ok.peaka, "p", "SELECT 1", { schema })).rows).toEqual([{ id: 7, total: "70" }]);
  });

  it("a schema that is not a Standard Schema v1 is refused before any request", async () => {
    const s = sqlServer(answer([]));
    for (const bad of [{}, { "~standard": { version: 2, validate: () => ({ value: 1 }) } }, { parse: () => 1 }, null]) {
      const error = await runSql(s.peaka, "p", "SELECT 1", { schema: bad as never }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
      expect((error as Error).message).toMatch(/Standard Schema/);
    }
    expect(s.requests()).toBe(0);
  });

  it("runSql<Row> without a schema checks nothing (the type is taken on trust)", async () => {
    const s = sqlServer(answer([["not a number", 5]]));
    const { rows } = await runSql<{ id: number; total: string }>(s.peaka, "p", "SELECT 1");
    expect(rows).toEqual([{ id: "not a number", total: 5 }]);
  });
});

describe("streamRows with a row schema", () => {
  /** An export of `lines` (JSONL, uncompressed) in two files, served through injected fetches. */
  function exportServer(files: string[][]) {
    const downloads: string[] = [];
    const job = {
      id: "exp-1",
      status: "SUCCEEDED",
      format: "JSONL",
      compression: "NONE",
      files: files.map((_, i) => ({ name: `part-${i}.jsonl`, url: `https://storage.invalid/part-${i}.jsonl` })),
    };
    const peaka = createPeakaClient({
      apiKey: "row-schema-key",
      baseUrl: "http://127.0.0.1:9/api/v1",
      maxRetries: 0,
      fetch: async () => Response.json(job),
    });
    const fetchFile = (async (url: string) => {
      downloads.push(url);
      const index = Number(/part-(\d+)/.exec(url)?.[1]);
      return new Response(files[index]!.map((l) => `${l}\n`).join(""));
    }) as typeof fetch;
    return { peaka, fetchFile, downloads };
  }

  it("yields each row as the schema's output, over every file", async () => {
    const s = exportServer([['{"id":1,"total":"1.5"}', '{"id":2,"total":"2"}'], ['{"id":3,"total":"3"}']]);
    const rows: Array<{ id: number; total: number }> = [];
    for await (const row of streamRows(s.peaka, { projectId: "p", exportId: "exp-1" }, { schema: orderSchema({ async: true }), fetch: s.fetchFile })) rows.push(row);
    expect(rows).toEqual([
      { id: 1, total: 1.5 },
      { id: 2, total: 2 },
      { id: 3, total: 3 },
    ]);
  });

  it("yields the valid rows before a bad one, then ends with its error (index over all files); no later file is read", async () => {
    const s = exportServer([['{"id":1,"total":"1"}'], ['{"id":2,"total":"2"}', '{"id":3,"total":"nope"}', '{"id":4,"total":"4"}'], ['{"id":5,"total":"5"}']]);
    const rows: unknown[] = [];
    let error: unknown;
    try {
      for await (const row of streamRows(s.peaka, { projectId: "p", exportId: "exp-1" }, { schema: orderSchema(), fetch: s.fetchFile })) rows.push(row);
    } catch (e) {
      error = e;
    }
    expect(rows).toEqual([
      { id: 1, total: 1 },
      { id: 2, total: 2 },
    ]);
    expect(error).toBeInstanceOf(PeakaRowValidationError);
    expect((error as PeakaRowValidationError).index).toBe(2);
    expect((error as PeakaRowValidationError).row).toEqual({ id: 3, total: "nope" });
    expect(s.downloads).toHaveLength(2);
  });

  it("a schema that is not a Standard Schema ends the stream with PeakaInvalidArgumentError before any download", async () => {
    const s = exportServer([['{"id":1,"total":"1"}']]);
    const stream = streamRows(s.peaka, { projectId: "p", exportId: "exp-1" }, { schema: { "~standard": {} } as never, fetch: s.fetchFile });
    await expect(stream.next()).rejects.toThrow(PeakaInvalidArgumentError);
    expect(s.downloads).toHaveLength(0);
  });
});
