// The contract suite: every operation of spec/peaka.yaml, enumerated from the spec itself, called
// through its resource method against the Prism mock. Prism validates each request against the spec
// (a request it rejects answers 4xx, which the method throws); each answer must be the declared 2xx,
// carry no `sl-violations` header, and its data must validate against the declared schema.
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createPeakaClient } from "../../src/index.js";
import { OPERATION_COUNT } from "../../src/generated/resources.js";
import { argsFromExamples, createValidator, successOf } from "../support/spec-examples.js";

const spec = loadSpec();
const operations = listOperations(spec);
const validate = createValidator(spec);
const resourceOf = new Map<string, string>(spec["tags"].map((t: any) => [t.name, t["x-sdk-resource"]]));
const exercised = new Set<string>();

const peaka = createPeakaClient({ apiKey: "contract-test-key", baseUrl: inject("prismUrl"), maxRetries: 0 });

describe("every operation of the spec against the Prism mock", () => {
  it("the generated client knows exactly the spec's operations", () => {
    expect(OPERATION_COUNT).toBe(operations.length);
    expect(operations.length).toBeGreaterThan(0);
  });

  it.each(operations.map((op) => [`${op.method.toUpperCase()} ${op.path} (${op.operationId})`, op] as const))(
    "%s",
    async (_, op) => {
      const resource = (peaka as any)[resourceOf.get(op.tag)!];
      const method = resource?.[op.operation["x-sdk-method"]];
      expect(method, "resource method exists").toBeTypeOf("function");
      const { status, media, pointer } = successOf(spec, op);
      const { data, response } = await method.withResponse(argsFromExamples(op));

      expect(response.status).toBe(status);
      expect(response.headers.get("sl-violations")).toBeNull();
      if (media === "application/json") {
        expect(validate(pointer!, data)).toBeUndefined();
      } else if (media === "text/event-stream") {
        const events = [];
        for await (const event of data) events.push(event);
        expect(events.length).toBeGreaterThan(0);
      } else if (media?.startsWith("text/")) {
        expect(typeof data).toBe("string");
        expect(data.length).toBeGreaterThan(0);
      } else if (media) {
        expect(data).toBeInstanceOf(Blob);
      } else {
        expect(data).toBeUndefined();
      }
      exercised.add(op.operationId);
    },
  );

  afterAll(() => {
    console.log(`${exercised.size}/${operations.length} operations exercised against the Prism mock`);
  });

  it.sequential("exercised every operation", () => {
    // runs after the table above (tests in a file run in order)
    expect(exercised.size).toBe(operations.length);
  });
});
