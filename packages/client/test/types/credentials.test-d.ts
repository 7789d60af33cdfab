// The credential option: a string, or a function that may be told to refresh after a 401.
import { describe, expectTypeOf, it } from "vitest";
import { createPeakaClient, PeakaApiError, type ApiKeyContext, type ApiKeySource } from "../../src/index.js";

describe("apiKey", () => {
  it("takes a string, a function without arguments, or one that reads the refresh flag", () => {
    createPeakaClient({ apiKey: "k" });
    createPeakaClient({ apiKey: () => "k" });
    createPeakaClient({ apiKey: async (context) => (context?.refresh ? "fresh" : "cached") });
    expectTypeOf<ApiKeyContext>().toEqualTypeOf<{ refresh: boolean }>();
    expectTypeOf<Extract<ApiKeySource, Function>>().parameter(0).toEqualTypeOf<ApiKeyContext | undefined>();
    // @ts-expect-error a credential function must give a string
    createPeakaClient({ apiKey: () => 42 });
  });

  it("PeakaApiError carries the server's exception name", () => {
    expectTypeOf<PeakaApiError["exception"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<PeakaApiError["errorCode"]>().toEqualTypeOf<string | number | undefined>();
  });
});
