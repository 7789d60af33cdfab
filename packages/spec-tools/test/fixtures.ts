// Small OpenAPI documents the tests write themselves, as a multi-file spec like spec/: a root file with
// the path index and components, a path file and a schema file referencing back into the root.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";

export type Files = Record<string, string>;

export function tempDir(prefix = "spec-tools-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(root: string, files: Files): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** The parts of the fixture spec, as plain objects a test can change before rendering. */
export interface FixtureParts {
  root: Record<string, any>;
  paths: Record<string, any>;
  schemas: Record<string, any>;
}

export function fixtureParts(): FixtureParts {
  return {
    root: {
      openapi: "3.0.3",
      info: { title: "Fixture API", version: "1.0", description: "Fixture." },
      servers: [{ url: "https://api.example.test/v1", description: "Main" }],
      tags: [{ name: "Things", description: "Things.", "x-sdk-resource": "things" }],
      paths: {
        "/things": { $ref: "paths/things.yaml#/things" },
        "/things/{thingId}": { $ref: "paths/things.yaml#/things-thingId" },
      },
      components: {
        parameters: {
          ThingId: { name: "thingId", in: "path", required: true, description: "Id of the thing.", schema: { type: "string" } },
        },
        schemas: {
          Thing: { $ref: "schemas/things.yaml#/Thing" },
          ThingRequest: { $ref: "schemas/things.yaml#/ThingRequest" },
          ThingKind: { $ref: "schemas/things.yaml#/ThingKind" },
        },
      },
    },
    paths: {
      things: {
        get: {
          tags: ["Things"],
          operationId: "listThings",
          "x-sdk-method": "list",
          summary: "List things",
          description: "Lists every thing.",
          parameters: [
            { name: "limit", in: "query", required: false, description: "Page size.", schema: { type: "integer" } },
          ],
          responses: {
            "200": {
              description: "The things.",
              content: {
                "application/json": {
                  schema: { type: "array", items: { $ref: "../root.yaml#/components/schemas/Thing" } },
                },
              },
            },
          },
        },
        post: {
          tags: ["Things"],
          operationId: "createThing",
          "x-sdk-method": "create",
          summary: "Create a thing",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "../root.yaml#/components/schemas/ThingRequest" } } },
          },
          responses: {
            "201": {
              description: "Created.",
              content: { "application/json": { schema: { $ref: "../root.yaml#/components/schemas/Thing" } } },
            },
          },
        },
      },
      "things-thingId": {
        parameters: [{ $ref: "../root.yaml#/components/parameters/ThingId" }],
        get: {
          tags: ["Things"],
          operationId: "getThing",
          "x-sdk-method": "get",
          summary: "Get a thing",
          responses: {
            "200": {
              description: "The thing.",
              content: { "application/json": { schema: { $ref: "../root.yaml#/components/schemas/Thing" } } },
            },
          },
        },
      },
    },
    schemas: {
      ThingKind: { type: "string", description: "Kind of thing.", enum: ["SMALL", "LARGE", "large"] },
      Thing: {
        type: "object",
        description: "A thing.",
        required: ["id", "name"],
        properties: {
          id: { type: "string", description: "Id.", example: "t1" },
          name: { type: "string", description: "Name." },
          kind: { $ref: "../root.yaml#/components/schemas/ThingKind" },
          tags: { type: "array", items: { type: "object", properties: { label: { type: "string" } } } },
        },
      },
      ThingRequest: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string", description: "Name." },
          note: { type: "string", description: "Optional note." },
        },
      },
    },
  };
}

/** Renders the parts as files: root.yaml, paths/things.yaml, schemas/things.yaml (under `dir`). */
export function renderFixture(parts: FixtureParts, dir = "", rootName = "root.yaml"): Files {
  const at = (p: string) => (dir ? `${dir}/${p}` : p);
  const fix = (text: string) => text.replaceAll("../root.yaml#", `../${rootName}#`);
  return {
    [at(rootName)]: stringify(parts.root),
    [at("paths/things.yaml")]: fix(stringify(parts.paths)),
    [at("schemas/things.yaml")]: fix(stringify(parts.schemas)),
  };
}

/** A reader over in-memory files. */
export function memoryReader(files: Files): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`no such fixture file: ${path}`);
    return text;
  };
}
