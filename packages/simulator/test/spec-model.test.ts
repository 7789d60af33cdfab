// The generated spec model (src/generated/spec-model.ts) against spec/peaka.yaml itself: the same
// routes as the spec, and request validation that agrees with the strict validator of @peaka/spec-tools
// on every request body example of the spec and on bodies made wrong from them.
import { deref, listOperations, loadSpec } from "@peaka/mock/spec";
import { createResponseValidator, specExamples } from "@peaka/spec-tools/src/answers";
import { describe, expect, it } from "vitest";
import { specModel } from "../src/internal/spec.js";

const spec = loadSpec();
const model = specModel();
const strict = createResponseValidator();

describe("the generated spec model", () => {
  it("has every operation's method, path, key scope and request media types", () => {
    const fromSpec = listOperations(spec).map((op) => ({
      operationId: op.operationId,
      method: op.method.toUpperCase(),
      path: op.path,
      partnerOnly: JSON.stringify(op.operation["x-peaka-key-types"] ?? []) === '["partner"]',
      bodyTypes: Object.keys(op.operation["requestBody"] ? (deref(spec, op.operation["requestBody"]).content ?? {}) : {}),
    }));
    const fromModel = model.routes.map(({ operationId, method, path, partnerOnly, bodyTypes }) => ({ operationId, method, path, partnerOnly, bodyTypes }));
    const byId = (a: { operationId: string }, b: { operationId: string }) => a.operationId.localeCompare(b.operationId);
    expect(fromModel.sort(byId)).toEqual(fromSpec.sort(byId));
  });

  it("validates request bodies as the strict validator does: every example passes, a wrong type or missing fields fail in both", async () => {
    const examples = specExamples(spec).filter((e) => e.status === undefined && e.contentType === "application/json");
    expect(examples.length).toBeGreaterThan(10);
    for (const ex of examples) {
      expect(await model.validator.validateRequestBody(ex.operationId, ex.value), ex.what).toEqual({ ok: true, problems: [] });
      // The same body with one field of the wrong type (or a string for the whole body).
      const value = ex.value && typeof ex.value === "object" && !Array.isArray(ex.value) && Object.keys(ex.value).length ? { ...ex.value, [Object.keys(ex.value)[0]!]: { wrong: [true] } } : "wrong";
      // And an empty object: required fields missing.
      for (const wrong of [value, {}]) {
        const ours = await model.validator.validateRequestBody(ex.operationId, wrong);
        const theirs = strict.validateRequestBody(ex.operationId, wrong);
        expect(ours.ok, `${ex.what} made wrong`).toBe(theirs.ok);
        if (!ours.ok) expect(ours.problems[0], ex.what).toEqual(theirs.problems[0]);
      }
    }
  });
});
