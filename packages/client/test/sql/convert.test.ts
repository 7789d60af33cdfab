// Values converted by SQL type, and CELL_TYPED answers turned into rows as objects.
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaCore } from "../../src/core.js";
import { PeakaBadRequestError, PeakaInvalidArgumentError } from "../../src/errors.js";
import { executeQuery, iterateQueryRows } from "../../src/index.js";
import { baseType, convertValue, rowsFromResult, runSql, sql, uniqueKeys } from "../../src/sql/index.js";
import { closeAllServers, startServer, clientFor } from "../support/servers.js";

afterEach(closeAllServers);

describe("convertValue", () => {
  it.each([
    ["integer", "42", {}, 42],
    ["integer", 42, {}, 42],
    ["bigint", "75", {}, 75],
    ["bigint", 75, {}, 75],
    ["bigint", "9007199254740993", {}, "9007199254740993"],
    ["bigint", "-9007199254740993", {}, "-9007199254740993"],
    ["bigint", "9007199254740993", { bigint: "bigint" }, 9007199254740993n],
    ["bigint", 12, { bigint: "bigint" }, 12n],
    ["decimal(12,2)", "412.90", {}, 412.9],
    ["decimal(38,0)", "123456789012345678901", {}, "123456789012345678901"],
    ["decimal(38,0)", "123456789012345678901", { bigint: "bigint" }, 123456789012345678901n],
    ["decimal(38,10)", "1.0000000000000000001", {}, "1.0000000000000000001"],
    ["double", 412.9, {}, 412.9],
    ["double", "NaN", {}, Number.NaN],
    ["double", "-Infinity", {}, -Infinity],
    ["real", "1.5", {}, 1.5],
    ["boolean", true, {}, true],
    ["boolean", "false", {}, false],
    ["varchar", "0042", {}, "0042"],
    ["varchar(10)", null, {}, null],
    ["bigint", null, { bigint: "bigint" }, null],
    ["timestamp(3)", "2025-07-14 10:41:55.000", {}, "2025-07-14 10:41:55.000"],
    ["timestamp(3)", "2025-07-14 10:41:55.120", { timestamps: "Date" }, new Date("2025-07-14T10:41:55.120Z")],
    ["timestamp(6) with time zone", "2025-07-14 10:41:55.123456 +02:00", { timestamps: "Date" }, new Date("2025-07-14T08:41:55.123Z")],
    ["timestamp(3) with time zone", "2025-07-14 10:41:55.000 UTC", { timestamps: "Date" }, new Date("2025-07-14T10:41:55.000Z")],
    ["timestamp(3) with time zone", "2025-07-14 10:41:55.000 Europe/Berlin", { timestamps: "Date" }, "2025-07-14 10:41:55.000 Europe/Berlin"],
    ["date", "2025-07-14", { timestamps: "Date" }, new Date("2025-07-14T00:00:00Z")],
    ["date", "2025-07-14", {}, "2025-07-14"],
    ["json", '{"a":[1,2]}', {}, { a: [1, 2] }],
    ["array(integer)", [1, 2], {}, [1, 2]],
    ["array(varchar)", '["a","b"]', {}, ["a", "b"]],
    ["map(varchar,integer)", { a: 1 }, {}, { a: 1 }],
    ["row(x integer,y varchar)", '{"x":1,"y":"a"}', {}, { x: 1, y: "a" }],
    ["uuid", "5e0b7a31-c2d4-4f86-9b1e-73a8d6c4f025", {}, "5e0b7a31-c2d4-4f86-9b1e-73a8d6c4f025"],
  ] as const)("%s, case %#", (type, value, options, expected) => {
    expect(convertValue(value, type, options)).toEqual(expected);
  });

  it("reads the base of a type", () => {
    expect(baseType("decimal(12,2)")).toBe("decimal");
    expect(baseType("TIMESTAMP(3) WITH TIME ZONE")).toBe("timestamp with time zone");
    expect(baseType("array(row(a integer))")).toBe("array");
  });
});

describe("uniqueKeys", () => {
  it("keeps repeated names apart", () => {
    expect(uniqueKeys(["id", "name", "id", "id"])).toEqual(["id", "name", "id_2", "id_3"]);
    expect(uniqueKeys(["id", "id_2", "id"])).toEqual(["id", "id_2", "id_3"]);
  });
});

const cell = (name: string, dataType: string, order: number, value: unknown) => ({ name, displayName: name, dataType, order, value });

const ANSWER = {
  columns: [
    { catalogName: "shop", schemaName: "public", tableName: "orders", columnName: "id" },
    { catalogName: "shop", schemaName: "public", tableName: "customers", columnName: "id" },
    { catalogName: "shop", schemaName: "public", tableName: "orders", columnName: "total" },
    { catalogName: "shop", schemaName: "public", tableName: "orders", columnName: "tags" },
  ],
  data: [
    [cell("id", "bigint", 0, "9007199254740993"), cell("id", "integer", 1, 7), cell("total", "decimal(12,2)", 2, "412.90"), cell("tags", "array(varchar)", 3, ["a"])],
    [cell("total", "decimal(12,2)", 2, null), cell("id", "bigint", 0, "12"), cell("id", "integer", 1, 8), cell("tags", "array(varchar)", 3, "[]")],
  ],
};

describe("rowsFromResult", () => {
  it("keys rows by column name, keeps repeated names, converts by type", () => {
    const { columns, rows } = rowsFromResult(ANSWER as never);
    expect(columns.map((c) => [c.key, c.name, c.type, c.tableName])).toEqual([
      ["id", "id", "bigint", "orders"],
      ["id_2", "id", "integer", "customers"],
      ["total", "total", "decimal(12,2)", "orders"],
      ["tags", "tags", "array(varchar)", "orders"],
    ]);
    expect(rows).toEqual([
      { id: "9007199254740993", id_2: 7, total: 412.9, tags: ["a"] },
      { id: 12, id_2: 8, total: null, tags: [] },
    ]);
    expect(Object.keys(rows[1]!)).toEqual(["id", "id_2", "total", "tags"]);
  });

  it("gives columns without types for an empty result", () => {
    const { columns, rows } = rowsFromResult({ columns: ANSWER.columns, data: [] } as never);
    expect(columns.map((c) => c.key)).toEqual(["id", "id_2", "total", "tags"]);
    expect(columns[0]!.type).toBeUndefined();
    expect(rows).toEqual([]);
  });
});

describe("runSql", () => {
  it("sends the statement, bindings and Peaka's timeout, and returns rows as objects (client and core)", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(ANSWER));
    });
    const status = "open'; --";
    const viaClient = await runSql(clientFor(server), "prj1", sql`SELECT * FROM t WHERE status = ${status}`, { timeout: 90_500 });
    const viaCore = await runSql(createPeakaCore({ apiKey: "test-key", baseUrl: server.baseUrl }), "prj1", "SELECT 1", { bigint: "bigint" });
    expect(viaClient.rows[0]).toEqual({ id: "9007199254740993", id_2: 7, total: 412.9, tags: ["a"] });
    expect(viaCore.rows[0]!["id"]).toBe(9007199254740993n);
    const [first, second] = server.requests;
    expect(first!.method).toBe("POST");
    expect(first!.url).toBe("/api/v1/data/projects/prj1/queries/execute?format=CELL_TYPED");
    expect(JSON.parse(first!.body.toString())).toEqual({ statement: "SELECT * FROM t WHERE status = ?", bindings: [status], timeout: 91 });
    expect(JSON.parse(second!.body.toString())).toEqual({ statement: "SELECT 1" });
  });

  it("keeps a bigint cell sent as a JSON number beyond 2^53 exact (never the rounded 9007199254740992)", async () => {
    const body = '{"columns":[{"columnName":"id"}],"data":[[{"name":"id","dataType":"bigint","order":0,"value":9007199254740993}],[{"name":"id","dataType":"bigint","order":0,"value":-9007199254740995}]]}';
    const server = await startServer((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end(body));
    const peaka = clientFor(server);
    expect((await runSql(peaka, "prj1", "SELECT id FROM t")).rows).toEqual([{ id: "9007199254740993" }, { id: "-9007199254740995" }]);
    expect((await runSql(peaka, "prj1", "SELECT id FROM t", { bigint: "bigint" })).rows).toEqual([{ id: 9007199254740993n }, { id: -9007199254740995n }]);
    // the resource method gives the cell's exact text too
    const raw = await peaka.queries.execute({ projectId: "prj1", body: { statement: "SELECT id FROM t" } });
    expect(raw.data[0]![0]!.value).toBe("9007199254740993");
    // and so do the operation function and the query-rows iterator (the second page is empty: the end)
    const core = createPeakaCore({ apiKey: "test-key", baseUrl: server.baseUrl });
    expect((await executeQuery(core, { projectId: "prj1", body: { statement: "SELECT id FROM t" } })).data[1]![0]!.value).toBe("-9007199254740995");
    const iterated: unknown[] = [];
    for await (const row of iterateQueryRows(core, { projectId: "prj1", body: { from: [] } as never }, { pageSize: 2 })) {
      iterated.push((row as Array<{ value: unknown }>)[0]!.value);
      if (iterated.length === 2) break;
    }
    expect(iterated).toEqual(["9007199254740993", "-9007199254740995"]);
    // and the low-level call of the same route
    const low = await peaka.POST("/data/projects/{projectId}/queries/execute", { params: { path: { projectId: "prj1" } }, body: { statement: "SELECT id FROM t" } });
    expect((low.data as { data: Array<Array<{ value: unknown }>> }).data[0]![0]!.value).toBe("9007199254740993");
  });

  it("convertValue refuses a bigint value that is already a JS number beyond 2^53 (its digits may be lost)", () => {
    for (const options of [{}, { bigint: "bigint" as const }]) {
      expect(() => convertValue(9007199254740992, "bigint", options)).toThrow(PeakaInvalidArgumentError);
      expect(() => convertValue(-(2 ** 60), "bigint", options)).toThrow(/beyond 2\^53/);
    }
    expect(convertValue(9007199254740991, "bigint")).toBe(9007199254740991);
    expect(convertValue('{"n": 9007199254740993}', "json")).toEqual({ n: "9007199254740993" });
    expect(convertValue('[9007199254740993]', "array(bigint)", { bigint: "bigint" })).toEqual([9007199254740993n]);
  });

  it("throws the API's typed errors and refuses bad input before sending", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ errorCode: 100, message: "line 1:8: mismatched input" }));
    });
    await expect(runSql(clientFor(server), "prj1", "SELEC 1")).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(runSql(clientFor(server), "prj1", "")).rejects.toBeInstanceOf(PeakaInvalidArgumentError);
    await expect(runSql(clientFor(server), "prj1", "SELECT 1", { timeout: -1 })).rejects.toBeInstanceOf(PeakaInvalidArgumentError);
    expect(server.requests).toHaveLength(1);
  });
});
