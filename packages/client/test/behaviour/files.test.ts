// Text and binary answers, and multipart uploads of a CSV file given in every accepted form, checked
// byte for byte by parsing the multipart body on the server side.
import { afterEach, describe, expect, it } from "vitest";
import { clientFor, closeAllServers, json, parseMultipart, raw, startServer } from "../support/servers.js";

afterEach(closeAllServers);

const CSV = "Full name,Email address,Score\r\nMina Okafor,mina@example.org,42\nJosé Müller,\"jm@example.org\",7 🚀\n";
const CSV_BYTES = new TextEncoder().encode(CSV);
const MAPPING = { containsHeader: true, mappings: [{ name: "full_name", csvColumnName: "Full name" }, { name: "email", csvColumnIndex: 1 }] };
const JOB = { id: "imp-5d0c2e7a", status: "COMPLETED", progress: 100 };

/** A PNG signature followed by every byte value, so that any text decoding along the way would show. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 256 }, (_, i) => i), 0xff, 0xfe, 0x00]);

describe("downloads", () => {
  it("tables.getCsvSample returns the CSV text as sent", async () => {
    const server = await startServer(raw(200, CSV, { "content-type": "text/csv; charset=utf-8" }));
    const text = await clientFor(server).tables.getCsvSample({ projectId: "prjA", tableName: "customers" });
    expect(text).toBe(CSV);
    expect(server.requests[0]!.url).toBe("/api/v1/data/projects/prjA/table/customers/sample");
    expect(server.requests[0]!.headers["accept"]).toBe("text/csv");
  });

  it("agent.getWorkflowImage returns a Blob whose bytes are the PNG's, intact", async () => {
    const server = await startServer(raw(200, PNG, { "content-type": "image/png" }));
    const image = await clientFor(server).agent.getWorkflowImage();
    expect(image).toBeInstanceOf(Blob);
    expect(image.type).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    expect(server.requests[0]!.headers["accept"]).toBe("image/png");
  });
});

describe("tables.importCsv", () => {
  const pooled = Buffer.from(CSV); // a small Buffer: a view into Node's shared pool, at a non-zero offset
  it.each([
    ["a File", () => new File([CSV_BYTES], "customers.csv", { type: "text/csv" }), "customers.csv"],
    ["a Blob", () => new Blob([CSV_BYTES], { type: "text/csv" }), "file.csv"],
    ["a Node Buffer", () => pooled, "file.csv"],
    ["a Uint8Array view into a larger buffer", () => new Uint8Array([1, 2, 3, ...CSV_BYTES, 4, 5]).subarray(3, 3 + CSV_BYTES.length), "file.csv"],
    ["an ArrayBuffer", () => CSV_BYTES.slice().buffer, "file.csv"],
    ["a plain string", () => CSV, "file.csv"],
  ])("sends the file given as %s intact in multipart/form-data", async (_, file, filename) => {
    const server = await startServer(json(200, JOB));
    const result = await clientFor(server).tables.importCsv({
      projectId: "prjA",
      tableName: "customers",
      body: { file: file(), request: MAPPING },
    });
    expect(result).toEqual(JOB);

    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/api/v1/data/projects/prjA/table/customers/import");
    expect(String(request.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
    const form = await parseMultipart(request);
    const part = form.get("file");
    expect(part).toBeInstanceOf(File);
    expect((part as File).name).toBe(filename);
    expect(new Uint8Array(await (part as File).arrayBuffer())).toEqual(CSV_BYTES);
    const mapping = form.get("request");
    expect(mapping).toBeInstanceOf(Blob); // sent as a JSON part
    expect((mapping as Blob).type).toBe("application/json");
    expect(JSON.parse(await (mapping as Blob).text())).toEqual(MAPPING);
    expect([...form.keys()].sort()).toEqual(["file", "request"]);
  });

  it("sends a mapping given as JSON text as a plain field", async () => {
    const server = await startServer(json(200, JOB));
    await clientFor(server).tables.importCsv({
      projectId: "prjA",
      tableName: "customers",
      body: { file: CSV, request: JSON.stringify(MAPPING) },
    });
    const form = await parseMultipart(server.requests[0]!);
    expect(form.get("request")).toBe(JSON.stringify(MAPPING));
    expect(await (form.get("file") as File).text()).toBe(CSV);
  });

  it("re-sends the whole multipart body when the import is retried on request", async () => {
    const server = await startServer([json(503, {}), json(200, JOB)]);
    await clientFor(server).tables.importCsv(
      { projectId: "prjA", tableName: "customers", body: { file: new Blob([CSV_BYTES]), request: MAPPING } },
      { retryNonIdempotent: true },
    );
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body.equals(server.requests[0]!.body)).toBe(true);
    const form = await parseMultipart(server.requests[1]!);
    expect(new Uint8Array(await (form.get("file") as File).arrayBuffer())).toEqual(CSV_BYTES);
  });
});
