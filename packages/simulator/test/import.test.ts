// CSV import into Peaka Tables (a multipart body, read with the platform's FormData) and the sample
// CSV; BI tables and their underscore-free names.
import { PeakaBadRequestError, PeakaNotFoundError } from "@peaka/api";
import { runSql } from "@peaka/api/sql";
import { describe, expect, it } from "vitest";
import { clientOf, simulator } from "./support.js";

async function leadsTable() {
  const sim = simulator();
  const peaka = clientOf(sim);
  const projectId = sim.seeded.projectId;
  await peaka.tables.create({ projectId, tableName: "leads" });
  await peaka.tables.addColumns({ projectId, tableName: "leads", body: [{ name: "full_name", dataType: "VARCHAR" }, { name: "score", dataType: "BIGINT" }, { name: "active", dataType: "BOOLEAN", defaultValue: "true" }] });
  const importCsv = (file: string | Blob, request: object) => peaka.tables.importCsv({ projectId, tableName: "leads", body: { file, request: request as never } });
  const rows = () => sim.world.projects.get(projectId)!.peakaTables.get("leads")!.rows;
  return { sim, peaka, projectId, importCsv, rows };
}

const byHeader = { containsHeader: true, mappings: [{ name: "full_name", csvColumnName: "Name" }, { name: "score", csvColumnName: "Score" }] };

describe("CSV import", () => {
  it("appends the file's rows and answers a COMPLETED job counting this file's rows only", async () => {
    const { sim, importCsv, rows } = await leadsTable();
    const job = await importCsv("Name,Score\nMina Okafor,42\n\"Lee, Ann\",7\n", byHeader);
    expect(job).toEqual({ id: expect.any(String), status: "COMPLETED", startTime: sim.clock.now(), endTime: sim.clock.now(), progress: 100, result: { processed: 2 } });
    expect(rows().map((r) => [r["full_name"], r["score"], r["text"]])).toEqual([["Mina Okafor", 42, null], ["Lee, Ann", 7, null]]);
    const again = await importCsv(new Blob(["Name,Score\nMina Okafor,42\n"], { type: "text/csv" }), byHeader);
    expect(again.result?.processed).toBe(1);
    expect(rows()).toHaveLength(3);
    expect(new Set(rows().map((r) => r["_id"])).size).toBe(3);
  });

  it("maps by index when the file has no header, and fills a mapping to a missing header with nulls", async () => {
    const { importCsv, rows } = await leadsTable();
    await importCsv("Ada,1\nBora,2\n", { containsHeader: false, mappings: [{ name: "full_name", csvColumnIndex: 0 }, { name: "score", csvColumnIndex: 1 }] });
    await importCsv("Name,Points\nCem,3\n", byHeader);
    expect(rows().map((r) => [r["full_name"], r["score"], r["active"]])).toEqual([["Ada", 1, true], ["Bora", 2, true], ["Cem", null, true]]);
  });

  it("refuses the whole file when one value does not fit its column, and writes nothing", async () => {
    const { importCsv, rows } = await leadsTable();
    const refused = importCsv("Name,Score\nAda,1\nBora,abc\n", byHeader);
    await expect(refused).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(refused).rejects.toMatchObject({ message: expect.stringContaining('invalid input syntax for type bigint: "abc"') });
    expect(rows()).toEqual([]);
  });

  it("refuses a mapping to a column the table lacks, a name mapping without a header, and a request part that is not JSON", async () => {
    const { sim, importCsv, projectId } = await leadsTable();
    await expect(importCsv("a\n1\n", { containsHeader: true, mappings: [{ name: "nope", csvColumnName: "a" }] })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(importCsv("1\n", { containsHeader: false, mappings: [{ name: "score", csvColumnName: "Score" }] })).rejects.toBeInstanceOf(PeakaBadRequestError);
    await expect(importCsv("1\n", { containsHeader: false })).rejects.toMatchObject({ status: 400, message: expect.stringContaining("mappings") });
    const form = new FormData();
    form.append("file", new Blob(["a\n"]), "a.csv");
    form.append("request", "{not json");
    const res = await sim.fetch(`${sim.baseUrl}/data/projects/${projectId}/table/leads/import`, { method: "POST", headers: { authorization: `Bearer ${sim.partnerKey}` }, body: form });
    expect(res.status).toBe(400);
    const noFile = new FormData();
    noFile.append("request", JSON.stringify(byHeader));
    const missing = await sim.fetch(`${sim.baseUrl}/data/projects/${projectId}/table/leads/import`, { method: "POST", headers: { authorization: `Bearer ${sim.partnerKey}` }, body: noFile });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ errorCode: 100, message: expect.stringContaining("'file'") });
    const json = await sim.fetch(`${sim.baseUrl}/data/projects/${projectId}/table/leads/import`, { method: "POST", headers: { authorization: `Bearer ${sim.partnerKey}`, "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    await expect(clientOf(sim).tables.importCsv({ projectId, tableName: "nope", body: { file: "a\n", request: byHeader } })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });

  it("puts the rows where later reads see them: the built-in catalog, an export, the metadata's sample values", async () => {
    const { sim, peaka, projectId, importCsv } = await leadsTable();
    await importCsv("Name,Score\nAda,5\nBora,6\n", byHeader);
    expect((await peaka.catalogs.listTables({ projectId, catalogId: "1", schemaName: "table" })).map((t) => t.tableName)).toEqual(["leads"]);
    const job = await peaka.exports.exportTable({ projectId, catalogId: "1", schemaName: "table", tableName: "leads", body: { format: "JSONL", columns: ["full_name", "score"] } });
    sim.clock.advance(60_000);
    const done = await peaka.exports.get({ projectId, exportId: job.id });
    const file = await (await sim.fetch(done.files![0]!.url!)).text();
    expect(file).toBe('{"full_name":"Ada","score":5}\n{"full_name":"Bora","score":6}\n');
    const meta = (await peaka.metadata.get({ projectId, catalogId: "1" })).metadata[0]!.metadata;
    expect(meta.columns!.find((c) => c.columnName === "score")!.sampleValues).toEqual([5, 6]);
    await peaka.tables.delete({ projectId, tableName: "leads" });
    expect(await peaka.catalogs.listSchemas({ projectId, catalogId: "1" })).toEqual([]);
  });
});

describe("imported rows in SQL", () => {
  it('are read as "peaka"."table"."<name>", the next import included; empty BI and semantic tables do not get in the way', async () => {
    const { sim, peaka, projectId, importCsv } = await leadsTable();
    await peaka.tables.createBiTable({ projectId, tableName: "events" });
    const semantic = await peaka.semanticCatalogs.create({ projectId, body: { name: "model" } });
    await peaka.semanticCatalogs.createTable({ projectId, catalogId: semantic.id, body: { schemaName: "fin", tableName: "paid", queryId: sim.seeded.queryId } });
    await importCsv("Name,Score\nAda,5\nBora,6\n", byHeader);
    const total = async () => (await runSql(peaka, projectId, 'SELECT count(*) AS n, sum(score) AS s FROM "peaka"."table"."leads" WHERE active')).rows[0];
    expect(await total()).toEqual({ n: 2, s: 11 });
    await importCsv("Name,Score\nCem,7\n", byHeader);
    expect(await total()).toEqual({ n: 3, s: 18 });
  });
});

describe("the sample CSV", () => {
  it("has `text` first, the table's own columns, and five made-up rows; an unknown table gives five empty lines", async () => {
    const { sim, projectId } = await leadsTable();
    const res = await sim.fetch(`${sim.baseUrl}/data/projects/${projectId}/table/leads/sample`, { headers: { authorization: `Bearer ${sim.projectKey}` } });
    expect(res.headers.get("content-type")).toBe("text/csv");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="sample.csv"');
    const lines = (await res.text()).split("\n");
    expect(lines[0]).toBe("text,full_name,score,active");
    expect(lines).toHaveLength(7);
    for (const line of lines.slice(1, 6)) expect(line).toMatch(/^"sample text","sample text",\d+,(true|false)$/);
    expect(await clientOf(sim).tables.getCsvSample({ projectId, tableName: "nope" })).toBe("\n\n\n\n\n");
  });
});

describe("BI tables", () => {
  it("lose their underscores (a second name landing on the same table answers it), and their columns keep the name as label", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const made = await peaka.tables.createBiTable({ projectId, tableName: "page_views" });
    expect(made).toMatchObject({ catalogId: "1", catalogName: "peaka", schemaName: "bitable", tableName: "pageviews" });
    expect(await peaka.tables.createBiTable({ projectId, tableName: "pageviews" })).toEqual(made);
    expect(await peaka.tables.listBiTables({ projectId })).toEqual([made]);
    expect(await peaka.tables.listBiColumns({ projectId, tableName: "pageviews" })).toEqual([]);
    const added = await peaka.tables.addBiColumns({ projectId, tableName: "pageviews", body: [{ name: "page_path", dataType: "VARCHAR", displayName: "Page path", isNotNull: true }] });
    expect(added).toEqual([expect.objectContaining({ name: "pagepath", dataType: "varchar", displayName: "pagepath", isNotNull: true })]);
    await expect(peaka.tables.addBiColumns({ projectId, tableName: "pageviews", body: [{ name: "pagepath", dataType: "VARCHAR" }] })).rejects.toBeInstanceOf(PeakaBadRequestError);
    const updated = await peaka.tables.updateBiColumn({ projectId, tableName: "pageviews", columnName: "pagepath", body: { name: "page_url", dataType: "VARCHAR", displayName: "Page URL" } });
    expect(updated).toEqual([expect.objectContaining({ name: "pageurl", displayName: "Page URL" })]);
    expect(await peaka.tables.listBiColumns({ projectId, tableName: "pageviews" })).toEqual([expect.objectContaining({ name: "pageurl", displayName: "pageurl", id: added[0]!.id })]);
    await peaka.tables.deleteBiColumn({ projectId, tableName: "pageviews", columnName: "pageurl" });
    await expect(peaka.tables.deleteBiColumn({ projectId, tableName: "pageviews", columnName: "pageurl" })).rejects.toBeInstanceOf(PeakaNotFoundError);
    expect((await peaka.catalogs.listTables({ projectId, catalogId: "1", schemaName: "bitable" })).map((t) => t.tableName)).toEqual(["pageviews"]);
    await peaka.tables.deleteBiTable({ projectId, tableName: "page_views" });
    expect(await peaka.tables.listBiTables({ projectId })).toEqual([]);
    await expect(peaka.tables.deleteBiTable({ projectId, tableName: "pageviews" })).rejects.toBeInstanceOf(PeakaNotFoundError);
  });
});
