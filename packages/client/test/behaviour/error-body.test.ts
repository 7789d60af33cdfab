// Peaka's error bodies come in several shapes and no field is guaranteed (spec/EVIDENCE.md):
// `errorCode` (a number or a symbolic string), or `code` with `message` and/or `reason`, or nothing
// at all. PeakaApiError reads whichever came. And a 403 on a partner-only operation says that the
// operation needs a partner key.
import { afterEach, describe, expect, it } from "vitest";
import {
  createApiError,
  PeakaApiError,
  PeakaBadRequestError,
  PeakaNotFoundError,
  PeakaPermissionDeniedError,
  PeakaStreamError,
} from "../../src/errors.js";
import { clientFor, closeAllServers, empty, json, raw, rejectionOf, startServer } from "../support/servers.js";

afterEach(closeAllServers);

const url = "https://partner.peaka.studio/api/v1/data/projects/prj4Xq9Z/cache";
const build = (status: number, bodyText: string) => createApiError({ status, method: "post", url, bodyText });

describe("PeakaApiError reads whichever error fields came", () => {
  it.each([
    ["errorCode only (a number)", 400, { errorCode: 100 }, 100, undefined],
    ["errorCode and message", 400, { errorCode: 100, message: "A catalog named crm already exists." }, 100, "A catalog named crm already exists."],
    ["code and reason only", 404, { code: 404, reason: "No cache with this id." }, 404, "No cache with this id."],
    ["a symbolic string code", 400, { errorCode: "TABLE_NOT_CACHEABLE", message: "This table cannot be cached." }, "TABLE_NOT_CACHEABLE", "This table cannot be cached."],
    ["code with message and reason: message wins", 400, { code: 7, message: "Bad schedule.", reason: "expression" }, 7, "Bad schedule."],
    ["errorCode wins over code", 400, { errorCode: "E1", code: 2 }, "E1", undefined],
    ["an empty object", 500, {}, undefined, undefined],
  ] as const)("%s", (_, status, body, errorCode, detail) => {
    const error = build(status, JSON.stringify(body));
    expect(error).toBeInstanceOf(PeakaApiError);
    expect(error.status).toBe(status);
    expect(error.errorCode).toBe(errorCode);
    if (detail) {
      expect(error.detail).toBe(detail);
      expect(error.message).toBe(`${status} POST /api/v1/data/projects/prj4Xq9Z/cache: ${detail}`);
    } else {
      expect(error.message.startsWith(`${status} POST /api/v1/data/projects/prj4Xq9Z/cache`)).toBe(true);
    }
  });

  it("works with no body at all", () => {
    const error = build(404, "");
    expect(error).toBeInstanceOf(PeakaNotFoundError);
    expect(error.errorCode).toBeUndefined();
    expect(error.detail).toBe("");
    expect(error.message).toBe("404 POST /api/v1/data/projects/prj4Xq9Z/cache");
    expect(error.toJSON()).toMatchObject({ status: 404, errorCode: undefined });
  });

  it("reads code + reason from a real answer, and a symbolic errorCode", async () => {
    const server = await startServer([
      json(404, { code: 404, reason: "Cache not found." }),
      json(400, { errorCode: "TABLE_NOT_CACHEABLE", message: "Views cannot be cached." }),
      empty(409),
    ]);
    const peaka = clientFor(server, { maxRetries: 0 });
    const ids = { projectId: "prj4Xq9Z", cacheId: "3f9d2c71-5a84-4e0b-b6d3-8c1e7a2f4905" };

    const notFound = (await rejectionOf(peaka.cache.getStatus(ids))) as PeakaNotFoundError;
    expect(notFound).toBeInstanceOf(PeakaNotFoundError);
    expect([notFound.errorCode, notFound.detail]).toEqual([404, "Cache not found."]);

    const body = { catalogId: "731958204467113201", schemaName: "sales", tableName: "orders_view" };
    const bad = (await rejectionOf(peaka.cache.create({ projectId: "prj4Xq9Z", body }))) as PeakaBadRequestError;
    expect(bad).toBeInstanceOf(PeakaBadRequestError);
    expect([bad.errorCode, bad.detail]).toEqual(["TABLE_NOT_CACHEABLE", "Views cannot be cached."]);

    const conflict = (await rejectionOf(peaka.cache.create({ projectId: "prj4Xq9Z", body }))) as PeakaApiError;
    expect(conflict.status).toBe(409);
    expect(conflict.errorCode).toBeUndefined();
  });
});

describe("an error event of a stream", () => {
  it.each([
    [{ errorCode: "AGENT_FAILED", message: "The agent stopped." }, "AGENT_FAILED", "The agent stopped."],
    [{ code: 500, reason: "Model timed out." }, 500, "Model timed out."],
  ] as const)("reads the same fields as an error body: %j", (data, errorCode, text) => {
    const error = PeakaStreamError.from({ method: "POST", path: "/ai-agent/prj4Xq9Z/chat/stream" }, data);
    expect(error.errorCode).toBe(errorCode);
    expect(error.message).toContain(text);
  });
});

describe("a 403 on a partner-only operation", () => {
  it("says what may be the cause: the operation needs a partner key, and a project key gets 403", async () => {
    const server = await startServer(json(403, { errorCode: 403, message: "Forbidden" }));
    const error = await rejectionOf(clientFor(server, { maxRetries: 0 }).organizations.list());
    expect(error).toBeInstanceOf(PeakaPermissionDeniedError);
    const e = error as PeakaPermissionDeniedError;
    expect(e.partnerKeyOnly).toBe(true);
    // Whatever key was sent: the sentence names the likely cause, never claims which key it was.
    expect(e.message).toBe("403 GET /organizations (listOrganizations): this operation needs a partner key; a project key gets 403 (Forbidden)");
    expect(e.operationId).toBe("listOrganizations");
    expect(e.pathTemplate).toBe("/organizations");
    expect(e.status).toBe(403);
  });

  it("does not say so on an operation that project keys may call", async () => {
    const server = await startServer(raw(403, "", {}));
    const error = await rejectionOf(
      clientFor(server, { maxRetries: 0 }).catalogs.list({ projectId: "prj4Xq9Z" }),
    );
    expect(error).toBeInstanceOf(PeakaPermissionDeniedError);
    const e = error as PeakaPermissionDeniedError;
    expect(e.partnerKeyOnly).toBe(false);
    expect(e.message).not.toContain("partner key");
  });
});
