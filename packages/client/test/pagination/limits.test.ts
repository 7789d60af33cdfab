// PAGE_LIMITS, the page sizes the iterators accept, must be the limits the spec states: read from
// spec/peaka.yaml (the `limit` query parameter, or the `limit` field of the request body), never listed
// twice by hand. Where the spec states no minimum, a page size below 1 could never advance, so 1 is
// the floor; where it states no maximum, there is none.
import { deref, listOperations, loadSpec } from "@peaka/mock/spec";
import { describe, expect, it } from "vitest";
import { PAGE_LIMITS } from "../../src/paginate.js";

const spec = loadSpec();
const operations = new Map(listOperations(spec).map((op) => [op.operationId, op]));

function limitSchema(operationId: string): Record<string, any> {
  const op = operations.get(operationId);
  if (!op) throw new Error(`${operationId} is not in the spec`);
  const param = op.parameters.find((p) => p["name"] === "limit" && p["in"] === "query");
  if (param) return deref(spec, param["schema"]);
  const body = deref(spec, op.operation.requestBody);
  const schema = deref(spec, body?.content?.["application/json"]?.schema);
  const variants = [schema, ...(schema?.oneOf ?? schema?.anyOf ?? []).map((s: unknown) => deref(spec, s))];
  const withLimit = variants.find((s) => s?.properties?.limit);
  if (!withLimit) throw new Error(`${operationId} has no limit parameter or body field`);
  return deref(spec, withLimit.properties.limit);
}

describe("PAGE_LIMITS", () => {
  it.each(Object.entries(PAGE_LIMITS))("%s matches the spec's limit", (operationId, limits) => {
    const schema = limitSchema(operationId);
    expect(schema["type"]).toBe("integer");
    expect(limits.min).toBe(schema["minimum"] ?? 1);
    expect("max" in limits ? limits.max : undefined).toBe(schema["maximum"]);
  });

  it("lists exactly the operations the spec marks x-peaka-paging", () => {
    const marked = [...operations.values()].filter((op) => op.operation["x-peaka-paging"]).map((op) => op.operationId);
    expect(Object.keys(PAGE_LIMITS).sort()).toEqual(marked.sort());
    expect(marked.length).toBeGreaterThanOrEqual(4);
  });

  it("has the limits Peaka documents for exports (1 to 200)", () => {
    expect(limitSchema("listExports")).toMatchObject({ minimum: 1, maximum: 200 });
  });
});
