// The fetch function: routing from the spec, keys, validation, the 501 of operations not modelled yet,
// faults and the request log; and @peaka/api's client working on it.
import { createPeakaClient, PeakaTimeoutError, PeakaAuthenticationError, PeakaBadRequestError, PeakaPermissionDeniedError, PeakaServerError } from "@peaka/api";
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { describe, expect, it } from "vitest";
import { handlers } from "../src/internal/handlers/index.js";
import { specModel } from "../src/internal/spec.js";
import { clientOf, invalidAnswers, simulator } from "./support.js";

describe("routing", () => {
  it("has one route per operation of the spec, and routes each operation's own path to it", async () => {
    const { routes } = specModel();
    const operations = listOperations(loadSpec());
    expect(routes).toHaveLength(operations.length);
    const sim = simulator();
    for (const op of operations) {
      const path = op.path.replace(/\{[^}]+\}/g, "x-id");
      await sim.fetch(`${sim.baseUrl}${path}`, { method: op.method.toUpperCase(), headers: { authorization: "Bearer nobody" } });
      expect(sim.requests.at(-1)?.operationId, `${op.method} ${op.path}`).toBe(op.operationId);
    }
  });

  it("prefers a literal segment over a parameter (queries/execute is not a saved query id)", async () => {
    const sim = simulator();
    const res = await sim.fetch(`${sim.baseUrl}/data/projects/${sim.seeded.projectId}/queries/execute`, {
      method: "POST",
      headers: { authorization: `Bearer ${sim.partnerKey}`, "content-type": "application/json" },
      body: JSON.stringify({ statement: "SELECT 1" }),
    });
    expect(sim.requests.at(-1)?.operationId).toBe("executeQuery");
    expect(res.status).toBe(200);
  });

  it("answers 404 for a path outside the spec and 405 for a method the path does not take", async () => {
    const sim = simulator();
    expect((await sim.fetch(`${sim.baseUrl}/nothing/here`)).status).toBe(404);
    expect((await sim.fetch(`${sim.baseUrl}/organizations`, { method: "PATCH" })).status).toBe(405);
  });
});

describe("keys", () => {
  it("refuses an unknown key with 401 and no key with 401", async () => {
    const sim = simulator();
    await expect(clientOf(sim, "not-a-key").organizations.list()).rejects.toBeInstanceOf(PeakaAuthenticationError);
    const res = await sim.fetch(`${sim.baseUrl}/info`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: expect.any(String) });
  });

  it("refuses a project key on a partner-only operation with 403, and accepts it on its own project", async () => {
    const sim = simulator();
    const project = clientOf(sim, sim.projectKey);
    await expect(project.organizations.list()).rejects.toBeInstanceOf(PeakaPermissionDeniedError);
    await expect(project.apiKeys.list({ projectId: sim.seeded.projectId })).rejects.toBeInstanceOf(PeakaPermissionDeniedError);
    expect((await project.catalogs.list({ projectId: sim.seeded.projectId })).map((c) => c.name)).toContain("shop");
    expect(await project.info.get()).toMatchObject({ projectId: sim.seeded.projectId, projectName: "shop" });
    expect(await clientOf(sim).info.get()).not.toHaveProperty("projectId");
  });

  it("refuses a project key on another project with 403", async () => {
    const sim = simulator();
    const partner = clientOf(sim);
    const other = await partner.legacyProjects.create({ body: { name: "other" } });
    await expect(clientOf(sim, sim.projectKey).catalogs.list({ projectId: other.id })).rejects.toBeInstanceOf(PeakaPermissionDeniedError);
  });

  it("accepts a created project key until it is deleted, and never after its expiry", async () => {
    const sim = simulator();
    const partner = clientOf(sim);
    const projectId = sim.seeded.projectId;
    const created = await partner.apiKeys.create({ projectId, body: { name: "ci", expiresAt: new Date(sim.clock.now() + 60_000).toISOString() } });
    expect(created.apiKey).toEqual(expect.any(String));
    const listed = await partner.apiKeys.list({ projectId });
    expect(listed.find((k) => k.apiKeyId === created.apiKeyId)).toMatchObject({ name: "ci", apiKey: null });
    const withKey = clientOf(sim, created.apiKey);
    expect((await withKey.info.get()).projectId).toBe(projectId);
    sim.clock.advance(60_000);
    await expect(withKey.info.get()).rejects.toBeInstanceOf(PeakaAuthenticationError);
    await partner.apiKeys.delete({ projectId, apiKeyId: created.apiKeyId });
    expect((await partner.apiKeys.list({ projectId })).map((k) => k.apiKeyId)).not.toContain(created.apiKeyId);
  });
});

describe("validation", () => {
  it("answers 400 with Peaka's error body naming the field", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    const error = await peaka.cache
      .create({ projectId: sim.seeded.projectId, body: { catalogId: sim.seeded.catalogId, schemaName: "public" } as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaBadRequestError);
    expect((error as PeakaBadRequestError).errorCode).toBe(100);
    expect((error as PeakaBadRequestError).message).toContain("tableName");
    const wrongType = await sim.fetch(`${sim.baseUrl}/projects`, {
      method: "POST",
      headers: { authorization: `Bearer ${sim.partnerKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: 42 }),
    });
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).message).toMatch(/field 'name' must be string/);
  });

  it("answers 400 for a body that is not JSON and for a query parameter of the wrong type", async () => {
    const sim = simulator();
    const headers = { authorization: `Bearer ${sim.partnerKey}`, "content-type": "application/json" };
    const notJson = await sim.fetch(`${sim.baseUrl}/projects`, { method: "POST", headers, body: "{name" });
    expect(notJson.status).toBe(400);
    const badLimit = await sim.fetch(`${sim.baseUrl}/data/projects/${sim.seeded.projectId}/exports?limit=ten`, { headers });
    expect(badLimit.status).toBe(400);
    expect((await badLimit.json()).message).toContain("'limit'");
  });
});

describe("operations not modelled", () => {
  it("none: every operation of the spec is modelled", () => {
    expect(simulator().modelled).toEqual(specModel().routes.map((r) => r.operationId).sort());
  });

  it("an operation without a model answers 501 with a body that names it, and changes nothing", async () => {
    // Every operation has a model today; take one away for this test to see what a new one would answer.
    const saved = handlers["listConnectionConfigs"]!;
    delete handlers["listConnectionConfigs"];
    try {
      const sim = simulator();
      expect(sim.modelled).not.toContain("listConnectionConfigs");
      const res = await sim.fetch(`${sim.baseUrl}/connections/config`, { headers: { authorization: `Bearer ${sim.partnerKey}` } });
      expect(res.status).toBe(501);
      expect(await res.json()).toMatchObject({ errorCode: "NOT_SIMULATED", message: expect.stringContaining("listConnectionConfigs") });
      expect(sim.requests.at(-1)?.simulated).toBe("not-modelled");
    } finally {
      handlers["listConnectionConfigs"] = saved;
    }
  });
});

describe("faults and the request log", () => {
  it("answers the next `times` requests to an operation with the fault, then normally", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    sim.fail("listOrganizations", { status: 503, body: { message: "down for a moment" }, times: 2 });
    await expect(peaka.organizations.list()).rejects.toBeInstanceOf(PeakaServerError);
    await expect(peaka.organizations.list()).rejects.toMatchObject({ status: 503 });
    expect(await peaka.organizations.list()).toHaveLength(1);
    expect(sim.requests.map((r) => [r.operationId, r.status, r.simulated])).toEqual([
      ["listOrganizations", 503, "fault"],
      ["listOrganizations", 503, "fault"],
      ["listOrganizations", 200, undefined],
    ]);
  });

  it("lets the client's retries recover from a fault with Retry-After", async () => {
    const sim = simulator();
    sim.fail("getKeyInfo", { status: 429, headers: { "retry-after": "0" } });
    const retrying = createPeakaClient({ fetch: sim.fetch, apiKey: sim.partnerKey, maxRetries: 1 });
    expect(await retrying.info.get()).toMatchObject({ email: expect.any(String) });
    expect(sim.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("holds an answer for the delay asked, and a client timeout cuts the wait short", async () => {
    const sim = simulator();
    sim.delay("getKeyInfo", { ms: 60_000 });
    const impatient = createPeakaClient({ fetch: sim.fetch, apiKey: sim.partnerKey, maxRetries: 0, timeout: 50 });
    await expect(impatient.info.get()).rejects.toBeInstanceOf(PeakaTimeoutError);
    expect(sim.requests).toEqual([]); // the request never got its answer
    expect(await impatient.info.get()).toMatchObject({ email: expect.any(String) }); // the delay was for one request
    expect(() => sim.delay("getKeyInfo", { ms: -1 })).toThrow(/ms must be/);
  });

  it("refuses a fault for an operation the spec does not have, or with a status that is not one", () => {
    const sim = simulator();
    expect(() => sim.fail("listUnicorns", { status: 500 })).toThrow(/no operation "listUnicorns"/);
    expect(() => sim.fail("listOrganizations", { status: 42 })).toThrow(/HTTP status/);
  });
});

describe("the answer check of every test", () => {
  it("flags an answer that does not fit the spec, and passes the simulator's own 501s and faults", async () => {
    const sim = simulator();
    await clientOf(sim).organizations.list();
    const [good] = sim.requests;
    expect(invalidAnswers([good!])).toEqual([]);
    expect(invalidAnswers([{ ...good!, responseBody: [{ id: 1 }] }]).join("\n")).toMatch(/\/0\/id must be string/);
    expect(invalidAnswers([{ ...good!, status: 418 }]).join("\n")).toMatch(/declares no 418 answer/);
    expect(invalidAnswers([{ ...good!, status: 501, responseBody: { message: "x" }, simulated: "not-modelled" }])).toEqual([]);
  });
});
