// Every form a key can take in text the server sends back is redacted: as sent, %-escaped (upper or
// lower case hex, all or some characters), JSON-escaped, base64 and base64url (also inside `user:key`
// at each of the 3 alignments). Keys too short to redact are refused; a JSON parse failure keeps no
// body text in its cause. Each form is one row, so dropping a form from redact.ts fails its row.
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createPeakaClient } from "../../src/client.js";
import { createPeakaCore } from "../../src/core.js";
import { PeakaAuthenticationError, PeakaConfigError, PeakaInvalidArgumentError, PeakaResponseError } from "../../src/errors.js";
import { base64Cores, createSecrets, MIN_KEY_LENGTH } from "../../src/internal/redact.js";
import { clientFor, closeAllServers, json, raw, rejectionOf, startServer } from "../support/servers.js";

afterEach(closeAllServers);

// Chosen so that its base64 has both `+` and `/` (base64url differs) and it has characters that
// %-encoding and JSON escape: `/`, `+`, `"`, `=`, `:`.
const KEY = 'pk_live/Zz+"q=:~>?~>?9fA8';
const b64 = (s: string) => Buffer.from(s).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");
const lowerEscapes = (s: string) => s.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());

/** Each form: a name and the text a server might send. */
const FORMS: Array<[string, string]> = [
  ["as sent", `invalid key ${KEY}.`],
  ["%-encoded, upper-case hex", `GET /x?k=${encodeURIComponent(KEY)}&a=1`],
  ["%-encoded, lower-case hex", `GET /x?k=${lowerEscapes(encodeURIComponent(KEY))}&a=1`],
  ["%-encoded, only some characters (encodeURI)", `url=${encodeURI(KEY)}`],
  ["%-encoded, every character", `k=${[...KEY].map((c) => `%${c.charCodeAt(0).toString(16)}`).join("")}`],
  ["JSON-escaped (as JSON.stringify writes it)", JSON.stringify({ message: `bad key ${KEY}` })],
  ["JSON-escaped with \\/ and \\u escapes", `{"m":"${KEY.replaceAll("/", "\\/").replaceAll('"', "\\u0022").replace("q", "\\u0071")}"}`],
  ["base64", `token ${b64(KEY)} refused`],
  ["base64url", `token=${b64url(KEY)}&x`],
  // `user:` prefixes of 3, 4 and 5 bytes put the key at each offset (mod 3) of the encoded bytes.
  ...["ab:", "abc:", "user:"].map((p): [string, string] => [`base64 of user:key, key at byte offset ${p.length % 3} mod 3`, `Basic ${b64(`${p}${KEY}`)}`]),
  ...["ab:", "abc:", "user:"].map((p): [string, string] => [`base64url of user:key, key at byte offset ${p.length % 3} mod 3`, `t=${b64url(`${p}${KEY}`)}&x`]),
  ["base64 of key:more (key first, text after it)", `Basic ${b64(`${KEY}:x-trailer`)}`],
];

/** What must not survive: the key itself, and the encoded key's characters that depend on the key only. */
function leaks(text: string): string[] {
  const found: string[] = [];
  if (text.includes(KEY)) found.push("the key");
  for (const core of base64Cores(KEY)) {
    if (text.includes(core)) found.push(`base64 ${core}`);
    const url = core.replaceAll("+", "-").replaceAll("/", "_");
    if (text.includes(url)) found.push(`base64url ${url}`);
  }
  let decoded = text;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    // not %-encoded throughout
  }
  if (decoded.includes(KEY)) found.push("the key, %-decoded");
  const unescaped = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\(.)/g, "$1");
  if (unescaped.includes(KEY)) found.push("the key, JSON-unescaped");
  return found;
}

describe("redaction of every form of a key", () => {
  it("the key's base64 really uses + and /, so base64url is a different form", () => {
    expect(b64(KEY)).toMatch(/[+/]/);
    expect(b64url(KEY)).not.toBe(b64(KEY).replace(/=+$/, ""));
  });

  it.each(FORMS)("%s", (_name, text) => {
    // The form really is in the text (the test would prove nothing otherwise) ...
    expect(leaks(text).length).toBeGreaterThan(0);
    const secrets = createSecrets();
    secrets.add(KEY);
    expect(secrets.has(text)).toBe(true);
    // ... and is gone after redaction.
    const clean = secrets.redact(text);
    expect(clean).toContain("[redacted]");
    expect(leaks(clean)).toEqual([]);
  });

  it("leaves text without the key as it is (no false matches on the key's pieces)", () => {
    const secrets = createSecrets();
    secrets.add(KEY);
    const text = `pk_live/Zz+ and ${KEY.slice(0, -1)} and ${b64(KEY.slice(0, 4))} %2F %2f`;
    expect(secrets.redact(text)).toBe(text);
    expect(secrets.has(text)).toBe(false);
  });

  it.each(FORMS)("in a real error answer and every log line: %s", async (_name, text) => {
    const server = await startServer(raw(401, text, { "content-type": "application/json" }));
    const lines: string[] = [];
    const log = (message: string, fields?: unknown) => void lines.push(message + JSON.stringify(fields));
    const peaka = clientFor(server, { apiKey: KEY, maxRetries: 0, logger: { debug: log, info: log, warn: log, error: log }, logLevel: "debug", logBodies: true });
    const error = (await rejectionOf(peaka.organizations.list())) as Error;
    expect(error).toBeInstanceOf(PeakaAuthenticationError);
    const shown = [error.message, JSON.stringify(error), String(error), inspect(error, { depth: 10 }), ...lines];
    expect(shown.join("\n")).toContain("[redacted]");
    for (const s of shown) expect(leaks(s)).toEqual([]);
  });
});

describe("keys too short to redact", () => {
  it(`are refused when the client is made (fewer than ${MIN_KEY_LENGTH} characters), without the key in the message`, () => {
    for (const key of ["a", "abc", "abcd", "1234567"]) {
      for (const make of [createPeakaClient, createPeakaCore]) {
        let error: unknown;
        try {
          make({ apiKey: key, baseUrl: "http://127.0.0.1:9/api/v1" });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(PeakaConfigError);
        expect((error as Error).message).toBe(
          `The API key has ${key.length} characters, fewer than 8: too short to redact safely.`,
        );
      }
    }
    expect(() => createPeakaClient({ apiKey: "12345678", baseUrl: "http://127.0.0.1:9/api/v1" })).not.toThrow();
  });

  it("are refused per request, from derive, and from a key function (before anything is sent)", async () => {
    const server = await startServer(json(200, []));
    const peaka = clientFor(server, { apiKey: "long-enough-key", maxRetries: 0 });
    await expect(peaka.organizations.list(undefined, { apiKey: "short" })).rejects.toBeInstanceOf(PeakaInvalidArgumentError);
    expect(() => peaka.derive({ apiKey: "short" })).toThrow(PeakaInvalidArgumentError);
    const viaFunction = clientFor(server, { apiKey: () => "short", maxRetries: 0 });
    await expect(viaFunction.organizations.list()).rejects.toBeInstanceOf(PeakaConfigError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("a JSON parse failure keeps no body text in its cause", () => {
  const BODY = `{"rows": [1, 2], "note": private-data-${KEY}`;

  it("resource method, operation function and low-level call", async () => {
    const server = await startServer(raw(200, BODY, { "content-type": "application/json" }));
    const peaka = clientFor(server, { apiKey: KEY, maxRetries: 0 });
    const errors = [
      await rejectionOf(peaka.organizations.list()),
      await rejectionOf(peaka.queries.execute({ projectId: "p", body: { statement: "SELECT 1" } })),
      await rejectionOf(peaka.GET("/organizations")),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(PeakaResponseError);
      const cause = (error as Error).cause as Error;
      expect(cause).toBeInstanceOf(SyntaxError);
      // says where it failed, and nothing of the body
      expect(cause.message).toMatch(new RegExp(`^JSON\\.parse failed on ${BODY.length} characters( at position \\d+)? \\(the text is left out\\)$`));
      for (const piece of ["private-data", "\"rows\"", "note", KEY]) expect(cause.message + JSON.stringify(cause)).not.toContain(piece);
      // the error's own excerpt is redacted
      expect(leaks((error as Error).message)).toEqual([]);
    }
  });

  it("a cut-off body: the length and the position where it broke", async () => {
    const server = await startServer(raw(200, '{"id": "abc', { "content-type": "application/json" }));
    const peaka = clientFor(server, { apiKey: KEY, maxRetries: 0 });
    const error = (await rejectionOf(peaka.organizations.list())) as Error;
    expect((error.cause as Error).message).toBe("JSON.parse failed on 11 characters at position 11 (the text is left out)");
  });
});
