// spec:check-upstream lists every fact where spec/ and the published description differ, and nothing
// else: prose, path parameter names and enum spelling (case, hyphens) are not differences.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkUpstream, DEFAULT_UPSTREAM_URL, loadUpstream, runCheckUpstream, UPSTREAM_URL_ENV } from "../src/check-upstream.js";
import { diskReader, loadMultiFile } from "../src/load.js";
import { fixtureParts, renderFixture, tempDir, writeFiles } from "./fixtures.js";

const dir = tempDir("check-upstream-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFiles(dir, renderFixture(fixtureParts(), "spec", "peaka.yaml"));
const ours = loadMultiFile("spec/peaka.yaml", diskReader(dir)).doc;

/** A single-file published description with the same facts as the fixture, in other words. */
function upstreamDoc(): Record<string, any> {
  const thing = {
    type: "object",
    description: "Upstream prose, different from ours.",
    properties: {
      id: { type: "string", example: "x9" },
      name: { type: "string" },
      kind: { type: "string", enum: ["small", "Large"] },
      tags: { type: "array", items: { type: "object", properties: { label: { type: "string" } } } },
    },
  };
  return {
    openapi: "3.0.1",
    info: { title: "Upstream", version: "2" },
    servers: [{ url: "https://api.example.test/v1/", description: "Upstream words" }],
    paths: {
      "/things": {
        get: {
          summary: "Get all the things",
          operationId: "things_list",
          parameters: [{ name: "limit", in: "query", schema: { type: "integer" }, description: "How many." }],
          responses: { "200": { description: "OK", content: { "*/*": { schema: { type: "array", items: { $ref: "#/components/schemas/ThingDto" } } } } } },
        },
        post: {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { type: "object", required: ["name"], properties: { name: { type: "string" }, note: { type: "string" } } },
              },
            },
          },
          responses: { "201": { description: "Made", content: { "application/json": { schema: { $ref: "#/components/schemas/ThingDto" } } } } },
        },
      },
      // Same operation, path parameter named differently: compared by position.
      "/things/{id}": {
        get: {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "The thing", content: { "application/json": { schema: { $ref: "#/components/schemas/ThingDto" } } } } },
        },
      },
    },
    components: { schemas: { ThingDto: thing } },
  };
}

describe("check-upstream facts", () => {
  it("reports nothing when only prose, names of path parameters and enum spelling differ", () => {
    expect(checkUpstream(ours, upstreamDoc())).toEqual([]);
  });

  it("reports each kind of fact that differs", () => {
    const up = upstreamDoc();
    up["servers"].push({ url: "https://eu.example.test/v1" });
    up["paths"]["/things/{id}"].delete = { responses: { "204": { description: "gone" } } };
    up["paths"]["/things"].get.parameters[0].schema.type = "string";
    up["paths"]["/things"].get.parameters.push({ name: "owner", in: "query", required: true, schema: { type: "string" } });
    up["paths"]["/things"].post.requestBody.content["application/json"].schema.properties.note.type = "integer";
    up["paths"]["/things"].post.requestBody.content["application/json"].schema.required.push("note");
    up["components"].schemas.ThingDto.properties.kind.enum.push("MEDIUM");
    up["components"].schemas.ThingDto.properties.createdAt = { type: "string" };
    delete up["components"].schemas.ThingDto.properties.name;

    const changes = checkUpstream(ours, up);
    const seen = (kind: string, where: string, a: string, b: string) =>
      changes.some((c) => c.kind === kind && c.where.includes(where) && c.a.includes(a) && c.b.includes(b));
    expect(seen("server", "https://eu.example.test/v1", "—", "present")).toBe(true);
    expect(seen("operation", "DELETE /things/{id}", "—", "present")).toBe(true);
    expect(seen("parameter", "GET /things · query limit", "integer", "string")).toBe(true);
    expect(seen("parameter", "GET /things · query owner", "—", "string, required")).toBe(true);
    expect(seen("request", "POST /things · request body · note", "string", "integer")).toBe(true);
    expect(seen("request", "POST /things · request body · note", "optional", "required")).toBe(true);
    expect(seen("enum", "[].kind", "—", "MEDIUM")).toBe(true);
    expect(seen("response", "GET /things · response 200 · [].createdAt", "—", "string")).toBe(true);
    expect(seen("response", "GET /things/{thingId} · response 200 · name", "string", "—")).toBe(true);
    // The same field in every operation answering a Thing:
    expect(changes.filter((c) => c.where.endsWith("· name") || c.where.endsWith("· [].name")).length).toBe(3);
  });

  it("prints a table; --strict fails on differences, and passes when there are none", async () => {
    const same = join(dir, "same.json");
    writeFileSync(same, JSON.stringify(upstreamDoc()));
    const changed = upstreamDoc();
    changed["servers"] = [{ url: "https://other.example.test/v1" }];
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify(changed));
    const specRoot = { root: dir, path: "spec/peaka.yaml" };

    const lines: string[] = [];
    expect(await runCheckUpstream({ file: other, strict: true, specRoot }, (l) => lines.push(l))).toBe(1);
    const out = lines.join("\n");
    expect(out).toMatch(/KIND\s+WHERE\s+SPEC\/\s+UPSTREAM/);
    expect(out).toMatch(/server\s+https:\/\/api\.example\.test\/v1\s+present\s+—/);
    expect(out).toMatch(/server\s+https:\/\/other\.example\.test\/v1\s+—\s+present/);

    expect(await runCheckUpstream({ file: other, strict: false, specRoot }, () => {})).toBe(0);
    const quiet: string[] = [];
    expect(await runCheckUpstream({ file: same, strict: true, specRoot }, (l) => quiet.push(l))).toBe(0);
    expect(quiet.join("\n")).toMatch(/agree on every fact/);
  });
});

describe("where the published description is fetched from", () => {
  const recorder = () => {
    const urls: string[] = [];
    const fetch = (async (input: string | URL | Request) => {
      urls.push(String(input));
      return new Response(JSON.stringify(upstreamDoc()), { headers: { "content-type": "application/json" } });
    }) as typeof globalThis.fetch;
    return { urls, fetch };
  };

  it("reads Peaka's live description at partner.peaka.studio/v3/api-docs by default", async () => {
    const saved = process.env[UPSTREAM_URL_ENV];
    delete process.env[UPSTREAM_URL_ENV];
    try {
      const { urls, fetch } = recorder();
      const { from } = await loadUpstream({ fetch });
      expect(urls).toEqual(["https://partner.peaka.studio/v3/api-docs"]);
      expect(from).toBe(DEFAULT_UPSTREAM_URL);
    } finally {
      if (saved !== undefined) process.env[UPSTREAM_URL_ENV] = saved;
    }
  });

  it("takes PEAKA_OPENAPI_URL over the default, and --url over both", async () => {
    const saved = process.env[UPSTREAM_URL_ENV];
    process.env[UPSTREAM_URL_ENV] = "https://mirror.example.test/openapi.json";
    try {
      const { urls, fetch } = recorder();
      await loadUpstream({ fetch });
      await loadUpstream({ fetch, url: "https://other.example.test/api-docs" });
      expect(urls).toEqual(["https://mirror.example.test/openapi.json", "https://other.example.test/api-docs"]);
    } finally {
      if (saved === undefined) delete process.env[UPSTREAM_URL_ENV];
      else process.env[UPSTREAM_URL_ENV] = saved;
    }
  });
});
