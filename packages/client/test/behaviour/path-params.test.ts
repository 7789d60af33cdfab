// Property: whatever a path parameter holds, it reaches the server as exactly one path segment that
// decodes back to the value given; the three values no encoding can keep as one segment are refused.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeakaInvalidArgumentError } from "../../src/errors.js";
import type { PeakaClient } from "../../src/client.js";
import { clientFor, json, rejectionOf, startServer, type TestServer } from "../support/servers.js";

let server: TestServer;
let peaka: PeakaClient;

const STATUS = { id: "c", status: "COMPLETED", catalogId: "1", schemaName: "s", tableName: "t" };

beforeAll(async () => {
  server = await startServer(json(200, STATUS));
  peaka = clientFor(server, { maxRetries: 0 });
});
afterAll(() => server.close());

const tricky = fc.constantFrom("/", "..", ".", "?", "#", "%", "%2F", "%2e", " ", "+", "&", "=", ";", "\\", "é", "日本", "🚀", "\u0000", "\t", "\u200b", "\uFEFF");
/** Arbitrary Unicode (whole code points), mixed with the characters URLs treat specially. */
const segmentValue = fc
  .array(fc.oneof(tricky, fc.string({ unit: "grapheme", maxLength: 6 }), fc.string({ unit: "binary", maxLength: 6 })), { maxLength: 6 })
  .map((parts) => parts.join(""))
  .filter((value) => value !== "" && value !== "." && value !== "..");

/** The segments of the path the server received, after `/api/v1/data/projects/`. */
function receivedSegments(url: string): string[] {
  const path = url.split("?")[0] as string;
  const prefix = "/api/v1/data/projects/";
  expect(path.startsWith(prefix)).toBe(true);
  return path.slice(prefix.length).split("/");
}

describe("path parameters", () => {
  it("arrive as exactly one segment each and decode back to the original value", async () => {
    await fc.assert(
      fc.asyncProperty(segmentValue, segmentValue, async (projectId, cacheId) => {
        const before = server.requests.length;
        await peaka.cache.getStatus({ projectId, cacheId });
        expect(server.requests).toHaveLength(before + 1);
        const request = server.requests.at(-1)!;
        expect(request.url).not.toContain("#");
        const segments = receivedSegments(request.url);
        expect(segments).toHaveLength(4); // {projectId} / cache / {cacheId} / status
        expect(segments[1]).toBe("cache");
        expect(segments[3]).toBe("status");
        expect(decodeURIComponent(segments[0]!)).toBe(projectId);
        expect(decodeURIComponent(segments[2]!)).toBe(cacheId);
        expect(request.url.includes("?")).toBe(false); // a "?" in a value never starts a query
      }),
      { numRuns: 150 },
    );
  });

  it.each(["", ".", ".."])("refuses %j with PeakaInvalidArgumentError and sends nothing", async (bad) => {
    const before = server.requests.length;
    for (const ids of [
      { projectId: bad, cacheId: "c" },
      { projectId: "p", cacheId: bad },
    ]) {
      const error = await rejectionOf(peaka.cache.getStatus(ids));
      expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
      expect((error as Error).message).toMatch(/would not stay one path segment/);
    }
    expect(server.requests).toHaveLength(before);
  });

  it("refuses a value with an unpaired surrogate with PeakaInvalidArgumentError, not a URIError", async () => {
    const before = server.requests.length;
    const error = await rejectionOf(peaka.cache.getStatus({ projectId: "p", cacheId: "bad\uD83D" }));
    expect(error).toBeInstanceOf(PeakaInvalidArgumentError);
    expect(server.requests).toHaveLength(before);
  });

  it("keeps dots that are not a whole segment", async () => {
    for (const value of ["...", ".hidden", "a..b", "..x", "x.."]) {
      await peaka.cache.getStatus({ projectId: "p", cacheId: value });
      expect(receivedSegments(server.requests.at(-1)!.url)[2]).toBe(value);
    }
  });
});
