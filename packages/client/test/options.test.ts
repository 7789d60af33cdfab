import { describe, expect, it } from "vitest";
import { createPeakaClient, createPeakaCore, getMetadataRefreshStatus, PeakaConfigError, REGIONS } from "../src/index.js";

const KEY = "pk_test_7f3a9c2e51d84b06";

describe("createPeakaClient options", () => {
  it.each([
    ["no key at all", { apiKey: undefined }, /No API key/],
    ["an empty key", { apiKey: "" }, /API key is empty/],
    ["a key with a trailing LF", { apiKey: `${KEY}\n` }, /line break/],
    ["a key with CR LF inside", { apiKey: `${KEY}\r\nX-Injected: 1` }, /line break/],
    ["an unknown region", { apiKey: KEY, region: "asia" as "us" }, /Unknown region "asia".*"us", "eu"/],
    ["a baseUrl that is not a URL", { apiKey: KEY, baseUrl: "partner.peaka.studio/api/v1" }, /not a valid absolute URL/],
    ["a baseUrl with another scheme", { apiKey: KEY, baseUrl: "ftp://example.test/api" }, /http or https/],
    ["a negative maxRetries", { apiKey: KEY, maxRetries: -1 }, /maxRetries/],
  ])("rejects %s with a PeakaConfigError", (_, options, message) => {
    const saved = process.env["PEAKA_API_KEY"];
    delete process.env["PEAKA_API_KEY"];
    try {
      let caught: unknown;
      try {
        createPeakaClient(options);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PeakaConfigError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain(KEY);
    } finally {
      if (saved !== undefined) process.env["PEAKA_API_KEY"] = saved;
    }
  });

  it("picks the server from the region, us by default", () => {
    expect(createPeakaClient({ apiKey: KEY }).baseUrl).toBe("https://partner.peaka.studio/api/v1");
    expect(createPeakaClient({ apiKey: KEY, region: "eu" }).baseUrl).toBe(REGIONS.eu);
  });

  it("lets baseUrl win over region and drops its trailing slash", () => {
    const client = createPeakaClient({ apiKey: KEY, region: "eu", baseUrl: "http://127.0.0.1:4010/api/v1/" });
    expect(client.baseUrl).toBe("http://127.0.0.1:4010/api/v1");
  });

  it("reads PEAKA_API_KEY when no apiKey is passed, and sends that key (client and core); apiKey wins over it", async () => {
    const saved = process.env["PEAKA_API_KEY"];
    process.env["PEAKA_API_KEY"] = KEY;
    const sent: Array<string | null> = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Request(input, init).headers.get("authorization"));
      return Response.json({ status: "active" });
    };
    const ids = { projectId: "prjA", catalogId: "731958204467113201" };
    try {
      const baseUrl = "http://127.0.0.1:9/api/v1";
      await createPeakaClient({ baseUrl, fetch }).metadata.getRefreshStatus(ids);
      await getMetadataRefreshStatus(createPeakaCore({ baseUrl, fetch }), ids);
      await createPeakaClient({ baseUrl, fetch, apiKey: "pk_explicit_1" }).metadata.getRefreshStatus(ids);
    } finally {
      if (saved === undefined) delete process.env["PEAKA_API_KEY"];
      else process.env["PEAKA_API_KEY"] = saved;
    }
    expect(sent).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`, "Bearer pk_explicit_1"]);
  });

  it("sends the key as a bearer token, with the SDK header", async () => {
    let seen: Request | undefined;
    const client = createPeakaClient({
      apiKey: KEY,
      baseUrl: "http://127.0.0.1:9/api/v1",
      // The transport calls fetch(url, init), as a user would.
      fetch: async (input, init) => {
        seen = new Request(input, init);
        return Response.json({ status: "active" });
      },
    });
    await client.GET("/metadata/{projectId}/refresh/{catalogId}", {
      params: { path: { projectId: "prjA", catalogId: "731958204467113201" } },
    });
    expect(seen?.url).toBe("http://127.0.0.1:9/api/v1/metadata/prjA/refresh/731958204467113201");
    expect(seen?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    expect(seen?.headers.get("x-peaka-client")).toMatch(/^peaka-api-typescript\/\d+\.\d+\.\d+/);
  });
});
