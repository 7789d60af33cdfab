// PeakaApiError against every error answer of spec/answers (bodies shaped after what a live Peaka sent):
// `errorCode: null` is no code (undefined), the exception name in `error` is kept, and the message is
// the body's `message`.
import { describe, expect, it } from "vitest";
import { createApiError, PeakaApiError, PeakaBadRequestError, PeakaServerError } from "../../src/errors.js";
import { answer, loadAnswers } from "@peaka/mock/answers";

const url = "https://partner.peaka.studio/api/v1/data/projects/kx7Qa2Lm/cache";
const build = (status: number, body: unknown) =>
  createApiError({ status, method: "post", url, bodyText: typeof body === "string" ? body : JSON.stringify(body) });

describe("PeakaApiError on real error answers", () => {
  it("gives errorCode undefined for errorCode: null and keeps the exception name", () => {
    const { status, body } = answer("createCache", "no-error-code");
    expect((body as { errorCode: unknown }).errorCode).toBeNull();
    const error = build(status, body);
    expect(error).toBeInstanceOf(PeakaBadRequestError);
    expect(error.errorCode).toBeUndefined();
    expect(error.exception).toBe("WrongRequestException");
    expect(error.detail).toBe((body as { message: string }).message);
    expect(error.toJSON()).toMatchObject({ errorCode: undefined, exception: "WrongRequestException" });
  });

  it("keeps a symbolic code and the generic 100", () => {
    expect(build(400, answer("createConnection", "invalid-credentials").body).errorCode).toBe("INVALID_CREDENTIALS");
    expect(build(400, answer("createCache", "table-not-cacheable").body).errorCode).toBe("TABLE_NOT_CACHEABLE");
    expect(build(400, answer("getCatalogTableStatistics", "not-supported").body).errorCode).toBe(100);
  });

  it("reads a 500 with an exception name as a server error", () => {
    const { status, body } = answer("cancelCacheFullRefresh", "no-run-record");
    const error = build(status, body);
    expect(error).toBeInstanceOf(PeakaServerError);
    expect(error.exception).toBe("NullPointerException");
    expect(error.errorCode).toBeUndefined();
  });

  it("reads every error fixture: the code as sent (null as undefined), the message, the exception", () => {
    const failures = loadAnswers().filter((a) => a.status >= 400);
    expect(failures.length).toBeGreaterThanOrEqual(10);
    for (const a of failures) {
      const body = a.body as Record<string, unknown>;
      const error = build(a.status, body);
      const label = `${a.operationId}/${a.name}`;
      expect(error, label).toBeInstanceOf(PeakaApiError);
      expect(error.status, label).toBe(a.status);
      expect(error.errorCode, label).toBe(body["errorCode"] ?? body["code"] ?? undefined);
      expect(error.exception, label).toBe(body["error"] ?? undefined);
      expect(error.detail, label).toBe(body["message"]);
    }
  });
});
