// spec:diff classifies every kind of change: breaking, additive, patch (prose), and reads the old spec
// from git, following the multi-file references inside the ref.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffAgainstRef, diffSpecs, formatDiff, type SpecDiff } from "../src/diff.js";
import { fixtureParts, memoryReader, renderFixture, tempDir, writeFiles, type FixtureParts } from "./fixtures.js";

function diffWith(mutate: (parts: FixtureParts) => void): SpecDiff {
  const before = fixtureParts();
  const after = fixtureParts();
  mutate(after);
  return diffSpecs("root.yaml", memoryReader(renderFixture(before)), memoryReader(renderFixture(after)));
}

function expectChange(diff: SpecDiff, level: string, what: string | RegExp, where?: string | RegExp) {
  const match = diff.changes.find(
    (c) =>
      c.level === level &&
      (typeof what === "string" ? c.what === what : what.test(c.what)) &&
      (where === undefined || (typeof where === "string" ? c.where.includes(where) : where.test(c.where))),
  );
  expect(match, `expected a ${level} change "${what}" in:\n${formatDiff(diff, "base")}`).toBeDefined();
}

describe("spec:diff classification", () => {
  it("finds nothing in an unchanged spec (bump none)", () => {
    const diff = diffWith(() => {});
    expect(diff.changes).toEqual([]);
    expect(diff.bump).toBe("none");
  });

  describe("breaking → major", () => {
    const cases: Array<[string, (p: FixtureParts) => void, string | RegExp, string?]> = [
      ["an operation removed", (p) => delete p.paths["things"].post, /^operation removed/, "POST /things"],
      [
        "a path renamed",
        (p) => {
          p.root["paths"]["/items/{thingId}"] = p.root["paths"]["/things/{thingId}"];
          delete p.root["paths"]["/things/{thingId}"];
        },
        /^operation removed/,
        "GET /things/{thingId}",
      ],
      [
        "a path parameter renamed",
        (p) => {
          p.root["paths"]["/things/{id}"] = p.root["paths"]["/things/{thingId}"];
          delete p.root["paths"]["/things/{thingId}"];
          p.root["components"].parameters.ThingId.name = "id";
        },
        "path parameter renamed",
      ],
      [
        "a response field removed",
        (p) => {
          delete p.schemas["Thing"].properties.name;
          p.schemas["Thing"].required = ["id"];
        },
        "response field removed",
        "response 200 · [].name",
      ],
      ["a nested response field removed", (p) => delete p.schemas["Thing"].properties.tags.items.properties.label, "response field removed", "tags[].label"],
      ["a request field newly required", (p) => p.schemas["ThingRequest"].required.push("note"), "request field newly required", "request body · note"],
      [
        "a new required request field",
        (p) => {
          p.schemas["ThingRequest"].properties.size = { type: "integer" };
          p.schemas["ThingRequest"].required.push("size");
        },
        "new required request field",
      ],
      ["a parameter newly required", (p) => (p.paths["things"].get.parameters[0].required = true), "parameter newly required", "query limit"],
      [
        "a new required parameter",
        (p) => p.paths["things"].get.parameters.push({ name: "owner", in: "query", required: true, schema: { type: "string" } }),
        "new required parameter",
      ],
      ["an enum value removed", (p) => (p.schemas["ThingKind"].enum = ["SMALL", "large"]), "enum value removed"],
      ["a response field type changed", (p) => (p.schemas["Thing"].properties.id.type = "integer"), "response field type changed", "· id"],
      ["a request field type changed", (p) => (p.schemas["ThingRequest"].properties.note.type = "boolean"), "request field type changed"],
      ["a parameter type changed", (p) => (p.paths["things"].get.parameters[0].schema.type = "string"), "parameter type changed"],
      ["a response made optional", (p) => (p.schemas["Thing"].required = ["id"]), "response field now optional"],
      ["a schema (exported type) removed", (p) => delete p.root["components"].schemas.ThingKind && (p.schemas["Thing"].properties.kind = { type: "string" }), /schema removed/],
      ["a server removed", (p) => (p.root["servers"] = []), "server removed"],
      ["an operationId changed", (p) => (p.paths["things"].get.operationId = "listAllThings"), /^operationId changed/],
    ];
    for (const [name, mutate, what, where] of cases) {
      it(`${name}`, () => {
        const diff = diffWith(mutate);
        expectChange(diff, "breaking", what, where);
        expect(diff.bump).toBe("major");
      });
    }
  });

  describe("additive → minor", () => {
    const cases: Array<[string, (p: FixtureParts) => void, string | RegExp, string?]> = [
      [
        "a new operation",
        (p) =>
          (p.paths["things-thingId"].delete = {
            tags: ["Things"],
            operationId: "deleteThing",
            "x-sdk-method": "delete",
            responses: { "204": { description: "Deleted." } },
          }),
        "new operation",
        "DELETE /things/{thingId}",
      ],
      ["a new optional request field", (p) => (p.schemas["ThingRequest"].properties.colour = { type: "string" }), "new optional request field"],
      ["a new response field", (p) => (p.schemas["Thing"].properties.createdAt = { type: "string", format: "date-time" }), "new response field"],
      [
        "a new optional parameter",
        (p) => p.paths["things"].get.parameters.push({ name: "offset", in: "query", schema: { type: "integer" } }),
        "new optional parameter",
      ],
      ["a new enum value", (p) => p.schemas["ThingKind"].enum.push("MEDIUM"), "new enum value"],
      ["a request field made optional", (p) => (p.schemas["ThingRequest"].required = []), "request field now optional"],
      ["a new server", (p) => p.root["servers"].push({ url: "https://eu.example.test/v1" }), "new server"],
    ];
    for (const [name, mutate, what, where] of cases) {
      it(`${name}`, () => {
        const diff = diffWith(mutate);
        expectChange(diff, "additive", what, where);
        expect(diff.changes.filter((c) => c.level === "breaking")).toEqual([]);
        expect(diff.bump).toBe("minor");
      });
    }
  });

  describe("prose only → patch", () => {
    const cases: Array<[string, (p: FixtureParts) => void]> = [
      ["an operation description", (p) => (p.paths["things"].get.description = "Lists the things, newest first.")],
      ["a summary", (p) => (p.paths["things"].post.summary = "Make a thing")],
      ["a schema property description", (p) => (p.schemas["Thing"].properties.name.description = "Display name.")],
      ["an example", (p) => (p.schemas["Thing"].properties.id.example = "t2")],
      ["the info description", (p) => (p.root["info"].description = "Another fixture.")],
    ];
    for (const [name, mutate] of cases) {
      it(`${name}`, () => {
        const diff = diffWith(mutate);
        expect(diff.changes.length).toBeGreaterThan(0);
        expect(diff.changes.every((c) => c.level === "patch" && c.kind === "prose")).toBe(true);
        expect(diff.bump).toBe("patch");
      });
    }
  });

  it("takes the largest class for the bump and lists every change", () => {
    const diff = diffWith((p) => {
      p.schemas["ThingKind"].enum.push("MEDIUM");
      delete p.paths["things"].post;
      p.paths["things"].get.summary = "All things";
    });
    expect(new Set(diff.changes.map((c) => c.level))).toEqual(new Set(["breaking", "additive", "patch"]));
    expect(diff.bump).toBe("major");
    expect(formatDiff(diff, "v1.0.0")).toMatch(/Implied bump of @peaka\/api-types and @peaka\/api: major\./);
  });
});

describe("spec:diff against a git ref", () => {
  const dir = tempDir("spec-diff-git-");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });

  it("reads the old multi-file spec with git show, not from disk", () => {
    run("init", "-q", "-b", "main");
    run("config", "user.email", "t@example.test");
    run("config", "user.name", "t");
    writeFiles(dir, renderFixture(fixtureParts(), "spec", "peaka.yaml"));
    run("add", "-A");
    run("commit", "-q", "-m", "spec");
    run("tag", "v1.0.0");
    // Change the schema file only: the root and path files stay as they are on disk.
    const after = fixtureParts();
    after.schemas["Thing"].properties.id.type = "integer";
    after.schemas["ThingKind"].enum.push("MEDIUM");
    writeFileSync(join(dir, "spec/schemas/things.yaml"), renderFixture(after, "spec", "peaka.yaml")["spec/schemas/things.yaml"]!);
    const diff = diffAgainstRef(dir, "v1.0.0", "spec/peaka.yaml");
    expectChange(diff, "breaking", "response field type changed", "· id");
    expectChange(diff, "additive", "new enum value");
    expect(diff.bump).toBe("major");
  });
});
