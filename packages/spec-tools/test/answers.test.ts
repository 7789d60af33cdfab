// The answer fixtures under spec/answers and every body example of the spec fit their schemas, checked by
// a validator that is strict: a null where the spec does not allow one fails, and so does the
// `nullable: true` + `allOf: [$ref]` pattern that OpenAPI 3.0 validators do not widen.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listOperations } from "@peaka/mock/spec";
import {
  checkAnswers,
  checkSpecExamples,
  createResponseValidator,
  formatAnswerReport,
  loadAnswers,
  type AnswerFixture,
} from "../src/answers.js";

const validator = createResponseValidator();
const fixtures = loadAnswers();
const temp = mkdtempSync(join(tmpdir(), "peaka-answers-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const byName = (operationId: string, name: string) => {
  const f = fixtures.find((x) => x.operationId === operationId && x.name === name);
  if (!f) throw new Error(`no fixture ${operationId}/${name}`);
  return f;
};

describe("spec/answers", () => {
  it("every fixture fits its operation's answer schema", () => {
    const failures = checkAnswers(validator, fixtures);
    expect(formatAnswerReport(fixtures.length, 0, failures)).toMatch(/all fit their schemas/);
    expect(failures).toEqual([]);
  });

  it("every folder names an operation of the spec, and every file names its source", () => {
    const ids = new Set(listOperations(validator.spec).map((op) => op.operationId));
    for (const f of fixtures) {
      expect(ids.has(f.operationId), f.file).toBe(true);
      expect(f.source.length, f.file).toBeGreaterThan(10);
    }
  });

  it("holds the null and error cases of the live evidence", () => {
    const cases = [
      "getCacheStatus/never-run",
      "getCacheStatus/run-without-progress",
      "getCacheSettings/no-schedules",
      "createCache/no-error-code",
      "triggerCacheFullRefresh/unknown-cache",
      "triggerCacheIncrementalUpdate/unknown-cache",
      "executeQuery/double-in-scientific-notation",
      "executeQuery/write-refused",
      "transpileSql/query-field",
      "getConnectionDetail/type-only",
      "getQuery/deleted",
      "addInternalTableColumns/json-type-refused",
      "createBiTable/underscores-stripped",
      "importInternalTableCsv/processed",
      "getKeyInfo/user-token",
    ];
    const present = new Set(fixtures.map((f) => `${f.operationId}/${f.name}`));
    expect(cases.filter((c) => !present.has(c))).toEqual([]);
    // The nulls are really there, where a strict 3.0 validator used to refuse them.
    const neverRun = byName("getCacheStatus", "never-run").body as Record<string, unknown>;
    expect(neverRun["lastIncrementalCacheExecution"]).toBeNull();
    expect(neverRun["lastFullRefreshCacheExecution"]).toBeNull();
    const noCode = byName("createCache", "no-error-code").body as Record<string, unknown>;
    expect(noCode).toMatchObject({ errorCode: null, error: "WrongRequestException" });
  });

  it("every body example of the spec fits its schema", () => {
    const { count, failures } = checkSpecExamples(validator);
    expect(count).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  });
});

describe("the validator is strict", () => {
  const fixture = (operationId: string, status: number, body: unknown): AnswerFixture => ({
    file: `${operationId}.json`,
    operationId,
    name: "case",
    source: "test",
    status,
    contentType: "application/json",
    body,
  });

  it("fails a null where the spec allows none, and names where", () => {
    const body = structuredClone(byName("getCacheStatus", "never-run").body) as Record<string, unknown>;
    body["tableName"] = null;
    const [failure] = checkAnswers(validator, [fixture("getCacheStatus", 200, body)]);
    expect(failure?.problems).toEqual([{ at: "/tableName", message: "must be string" }]);
  });

  it("fails a null inside a nullable object whose own field is not nullable", () => {
    const body = structuredClone(byName("getCacheStatus", "independent-slots").body) as any;
    body.lastIncrementalCacheExecution.progress.numberOfInsertedRecords = null;
    const result = validator.validateAnswer("getCacheStatus", 200, body);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.at)).toContain("/lastIncrementalCacheExecution/progress/numberOfInsertedRecords");
  });

  it("fails a fixture file with a forbidden null when read from disk", () => {
    const dir = join(temp, "answers");
    mkdirSync(join(dir, "getConnectionDetail"), { recursive: true });
    writeFileSync(join(dir, "getConnectionDetail", "null-type.json"), JSON.stringify({ source: "test: a forbidden null", status: 200, body: { type: null } }));
    const failures = checkAnswers(validator, loadAnswers(dir));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.problems[0]).toEqual({ at: "/type", message: "must be string" });
  });

  it("refuses null through `nullable` beside `allOf: [$ref]`, and accepts it through the anyOf null branch", () => {
    const spec = join(temp, "nullable.yaml");
    writeFileSync(
      spec,
      [
        "openapi: 3.0.3",
        "info: { title: t, version: '1' }",
        "paths:",
        "  /x:",
        "    get:",
        "      operationId: getX",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content:",
        "            application/json:",
        "              schema: { $ref: '#/components/schemas/Holder' }",
        "components:",
        "  schemas:",
        "    Inner: { type: object, properties: { n: { type: integer } } }",
        "    Holder:",
        "      type: object",
        "      properties:",
        "        old: { type: object, nullable: true, allOf: [{ $ref: '#/components/schemas/Inner' }] }",
        "        new: { anyOf: [{ $ref: '#/components/schemas/Inner' }, { type: object, nullable: true, enum: [null] }] }",
      ].join("\n"),
    );
    const strict = createResponseValidator(spec);
    expect(strict.validateAnswer("getX", 200, { new: null }).ok).toBe(true);
    expect(strict.validateAnswer("getX", 200, { new: { n: 1 } }).ok).toBe(true);
    expect(strict.validateAnswer("getX", 200, { new: "text" }).ok).toBe(false);
    const old = strict.validateAnswer("getX", 200, { old: null });
    expect(old.ok).toBe(false);
    expect(old.problems[0]?.at).toBe("/old");
  });

  it("fails an undeclared status or media type, and a fixture without a source", () => {
    expect(validator.validateAnswer("getConnectionDetail", 418, {}).problems[0]?.message).toMatch(/declares no 418 answer/);
    expect(validator.validateAnswer("getConnectionDetail", 200, "x", "text/csv").problems[0]?.message).toMatch(/not text\/csv/);
    const dir = join(temp, "unsourced");
    mkdirSync(join(dir, "getKeyInfo"), { recursive: true });
    writeFileSync(join(dir, "getKeyInfo", "x.json"), JSON.stringify({ status: 200, body: {} }));
    expect(() => loadAnswers(dir)).toThrow(/"source" must name where the shape comes from/);
  });

  it("checks formats: an int32 out of range fails", () => {
    const body = structuredClone(byName("getCacheStatus", "independent-slots").body) as any;
    body.lastIncrementalCacheExecution.progress.numberOfCachedRecords = 2 ** 40;
    expect(validator.validateAnswer("getCacheStatus", 200, body).problems[0]?.message).toMatch(/must match format "int32"/);
  });
});
