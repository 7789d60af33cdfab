// Key scopes from the spec reach the client: the operations marked `x-peaka-key-types: [partner]` are
// exactly Peaka's twenty partner-only ones, their generated JSDoc says which keys they accept, and
// their operation description carries the flag that makes a 403 name the partner key.
import { readFileSync } from "node:fs";
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { describe, expect, it } from "vitest";
import * as operations from "../src/generated/operations.js";
import { specOf } from "../src/internal/core.js";

const spec = loadSpec();
const all = listOperations(spec);
const partnerOnly = all.filter((op) => JSON.stringify(op.operation["x-peaka-key-types"]) === '["partner"]');
const generated = readFileSync(new URL("../src/generated/resources.ts", import.meta.url), "utf8");

describe("partner-only operations", () => {
  it("are the twenty Peaka marks with the partner badge alone", () => {
    const names = partnerOnly.map((op) => `${op.method.toUpperCase()} ${op.path}`).sort();
    expect(names).toEqual(
      [
        "GET /organizations",
        "GET /organizations/{organizationId}",
        ...["GET", "POST"].map((m) => `${m} /organizations/{organizationId}/workspaces`),
        ...["GET", "PUT", "DELETE"].map((m) => `${m} /organizations/{organizationId}/workspaces/{workspaceId}`),
        ...["GET", "POST"].map((m) => `${m} /organizations/{organizationId}/workspaces/{workspaceId}/projects`),
        ...["GET", "PUT", "DELETE"].map((m) => `${m} /organizations/{organizationId}/workspaces/{workspaceId}/projects/{projectId}`),
        ...["GET", "POST"].map((m) => `${m} /projects`),
        ...["GET", "PUT", "DELETE"].map((m) => `${m} /projects/{projectId}`),
        ...["GET", "POST"].map((m) => `${m} /projects/{projectId}/apiKeys`),
        "DELETE /projects/{projectId}/apiKeys/{apiKeyId}",
      ].sort(),
    );
    for (const op of partnerOnly) expect(op.operation.description, op.operationId).toContain("Only a partner key may call");
  });

  it("carry the partner-key flag and say so in their JSDoc; the others accept both keys", () => {
    for (const op of all) {
      const fn = (operations as Record<string, Parameters<typeof specOf>[0]>)[op.operationId];
      expect(fn, op.operationId).toBeTypeOf("function");
      const only = partnerOnly.includes(op);
      expect(specOf(fn!).k === 1, op.operationId).toBe(only);
      // The JSDoc block of the method sits right before its signature in resources.ts.
      const at = generated.indexOf(`(operationId \`${op.operationId}\`)`);
      const doc = generated.slice(at, generated.indexOf("*/", at));
      expect(doc, op.operationId).toContain(only ? "Keys: a partner key only" : "Keys: a partner key or a project key.");
    }
  });
});
