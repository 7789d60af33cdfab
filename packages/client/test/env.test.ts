// Configuration from the environment: each variable of the README's table, read once when a client or
// a core is made; an option passed in code always wins; a bad value is a PeakaConfigError naming the
// variable and never showing a secret; reading never throws or prompts (Deno without --allow-env).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createPeakaClient,
  createPeakaCore,
  getCacheStatus,
  PeakaConfigError,
  PeakaServerError,
  PeakaTimeoutError,
  REGIONS,
  type PeakaClientOptions,
} from "../src/index.js";
import { ENV_NAMES } from "../src/internal/env.js";
import { closeAllServers, hang, json, rejectionOf, startServer } from "./support/servers.js";

const KEY = "sk-env-test-key-Rt5Lq0Vz";
const ids = { projectId: "prjA", cacheId: "c-1" };

beforeEach(() => {
  // A clean slate whatever the machine's environment holds (an empty value counts as unset).
  for (const name of ENV_NAMES) vi.stubEnv(name, "");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  await closeAllServers();
});

/** The PeakaConfigError that creating a client with these options throws. */
function configError(options: PeakaClientOptions = {}): PeakaConfigError {
  let caught: unknown;
  try {
    createPeakaClient(options);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PeakaConfigError);
  return caught as PeakaConfigError;
}

/** What the client wrote to stderr (console.error, which writes there) while `run` ran, a line per call. */
async function stderrOf(run: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    lines.push(`${args.join(" ")}\n`);
  });
  try {
    await run().catch(() => undefined);
  } finally {
    spy.mockRestore();
  }
  return lines.join("");
}

describe("PEAKA_API_KEY", () => {
  it("is the key when no apiKey is passed; apiKey wins", async () => {
    const server = await startServer(json(200, { status: "COMPLETED" }));
    vi.stubEnv("PEAKA_API_KEY", KEY);
    await createPeakaClient({ baseUrl: server.baseUrl }).cache.getStatus(ids);
    await createPeakaClient({ baseUrl: server.baseUrl, apiKey: "sk-passed-in-code-91" }).cache.getStatus(ids);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`, "Bearer sk-passed-in-code-91"]);
  });

  it("is trimmed (a trailing newline from a file); a bad value names the variable and is not shown", async () => {
    const server = await startServer(json(200, { status: "COMPLETED" }));
    vi.stubEnv("PEAKA_API_KEY", `${KEY}\n`);
    await createPeakaClient({ baseUrl: server.baseUrl }).cache.getStatus(ids);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY}`]);
    vi.stubEnv("PEAKA_API_KEY", `${KEY}\r\nX-Injected: 1`);
    const error = configError();
    expect(error.message).toMatch(/^PEAKA_API_KEY contains a line break/);
    expect(error.message).not.toContain(KEY);
  });
});

describe("PEAKA_BASE_URL and PEAKA_REGION", () => {
  it("PEAKA_BASE_URL is the base URL, for a client and a core", async () => {
    const server = await startServer(json(200, { status: "COMPLETED" }));
    vi.stubEnv("PEAKA_BASE_URL", `${server.baseUrl}/`);
    expect(createPeakaClient({ apiKey: KEY }).baseUrl).toBe(server.baseUrl);
    const core = createPeakaCore({ apiKey: KEY });
    expect(core.baseUrl).toBe(server.baseUrl);
    await getCacheStatus(core, ids);
    expect(server.requests.map((r) => r.url)).toEqual(["/api/v1/data/projects/prjA/cache/c-1/status"]);
  });

  it("PEAKA_REGION picks the region", () => {
    vi.stubEnv("PEAKA_REGION", "eu");
    expect(createPeakaClient({ apiKey: KEY }).baseUrl).toBe(REGIONS.eu);
  });

  it("PEAKA_BASE_URL wins over PEAKA_REGION; baseUrl and region passed in code win over both", () => {
    vi.stubEnv("PEAKA_BASE_URL", "http://127.0.0.1:9/proxy/api/v1");
    vi.stubEnv("PEAKA_REGION", "eu");
    expect(createPeakaClient({ apiKey: KEY }).baseUrl).toBe("http://127.0.0.1:9/proxy/api/v1");
    expect(createPeakaClient({ apiKey: KEY, region: "us" }).baseUrl).toBe(REGIONS.us);
    expect(createPeakaClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:8/api/v1" }).baseUrl).toBe("http://127.0.0.1:8/api/v1");
  });

  it.each([
    ["not a URL", "partner.peaka.studio/api/v1?token=abcdef123", /^PEAKA_BASE_URL is not a valid absolute URL\./],
    ["credentials in it", "https://user:hunter2secret@proxy.example/api/v1", /^PEAKA_BASE_URL may not contain a query, a fragment or credentials/],
    ["another scheme", "ftp://proxy.example/api", /^PEAKA_BASE_URL must use http or https/],
  ])("a bad PEAKA_BASE_URL (%s) names the variable and is not shown", (_, value, message) => {
    vi.stubEnv("PEAKA_BASE_URL", value);
    const error = configError({ apiKey: KEY });
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/abcdef123|hunter2secret/);
  });

  it("a bad PEAKA_REGION names the variable", () => {
    vi.stubEnv("PEAKA_REGION", "asia");
    expect(configError({ apiKey: KEY }).message).toBe('PEAKA_REGION must be "us" or "eu"; got "asia".');
  });
});

describe("PEAKA_TIMEOUT_MS and PEAKA_MAX_RETRIES", () => {
  it("PEAKA_TIMEOUT_MS is the per-attempt limit; timeout wins", async () => {
    const server = await startServer(hang);
    vi.stubEnv("PEAKA_TIMEOUT_MS", "40");
    const error = await rejectionOf(createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, maxRetries: 0 }).cache.getStatus(ids));
    expect(error).toBeInstanceOf(PeakaTimeoutError);
    expect((error as PeakaTimeoutError).timeoutMs).toBe(40);
    const passed = await rejectionOf(createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, maxRetries: 0, timeout: 60 }).cache.getStatus(ids));
    expect((passed as PeakaTimeoutError).timeoutMs).toBe(60);
  });

  it("PEAKA_MAX_RETRIES is the number of retries; maxRetries wins", async () => {
    const backoff = { initialDelayMs: 1, maxDelayMs: 2 };
    let server = await startServer(json(503, { message: "busy" }));
    vi.stubEnv("PEAKA_MAX_RETRIES", "3");
    const error = await rejectionOf(createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, retryBackoff: backoff }).cache.getStatus(ids));
    expect(error).toBeInstanceOf(PeakaServerError);
    expect(server.requests).toHaveLength(4);
    server = await startServer(json(503, { message: "busy" }));
    await rejectionOf(createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, retryBackoff: backoff, maxRetries: 0 }).cache.getStatus(ids));
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ["PEAKA_TIMEOUT_MS", "soon", /^PEAKA_TIMEOUT_MS must be a whole number of milliseconds, 1 or more; got "soon"\.$/],
    ["PEAKA_TIMEOUT_MS", "0", /^PEAKA_TIMEOUT_MS must be .* 1 or more; got "0"\.$/],
    ["PEAKA_TIMEOUT_MS", "1.5", /^PEAKA_TIMEOUT_MS must be/],
    ["PEAKA_MAX_RETRIES", "-1", /^PEAKA_MAX_RETRIES must be a whole number, 0 or more; got "-1"\.$/],
    ["PEAKA_MAX_RETRIES", "two", /^PEAKA_MAX_RETRIES must be/],
    ["PEAKA_MAX_RETRIES", "sk-looks-like-a-key-pasted-here-0123456789", /^PEAKA_MAX_RETRIES must be .*got a value of 42 characters\.$/],
  ])("%s=%s is a PeakaConfigError naming the variable", (name, value, message) => {
    vi.stubEnv(name, value);
    expect(configError({ apiKey: KEY }).message).toMatch(message);
  });

  it("a value passed in code wins, so a bad variable is not even looked at", () => {
    vi.stubEnv("PEAKA_TIMEOUT_MS", "soon");
    vi.stubEnv("PEAKA_MAX_RETRIES", "two");
    expect(() => createPeakaClient({ apiKey: KEY, timeout: 1_000, maxRetries: 1 })).not.toThrow();
  });
});

describe("PEAKA_LOG", () => {
  it("=debug logs every attempt to stderr, headers redacted and no key anywhere", async () => {
    const server = await startServer(json(200, { status: "COMPLETED" }));
    vi.stubEnv("PEAKA_LOG", "debug");
    vi.stubEnv("PEAKA_API_KEY", KEY);
    const peaka = createPeakaClient({ baseUrl: server.baseUrl });
    const text = await stderrOf(() => peaka.cache.getStatus(ids));
    expect(text).toContain('[peaka] debug: peaka request {"method":"GET","path":"/data/projects/prjA/cache/c-1/status"');
    expect(text).toContain('"authorization":"[redacted]"');
    expect(text).toMatch(/\[peaka\] info: peaka request \{.*"status":200/);
    expect(text).not.toContain(KEY);
  });

  it("=warn leaves out the info lines; logLevel passed in code wins", async () => {
    const server = await startServer(json(200, { status: "COMPLETED" }));
    vi.stubEnv("PEAKA_LOG", "warn");
    expect(await stderrOf(() => createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl }).cache.getStatus(ids))).toBe("");
    const passed = await stderrOf(() => createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, logLevel: "info" }).cache.getStatus(ids));
    expect(passed).toMatch(/^\[peaka\] info: peaka request/);
  });

  it("sets the level of a logger passed in code, and =off silences it unless logLevel is passed", async () => {
    const server = await startServer(json(200, { status: "COMPLETED" }));
    const seen: string[] = [];
    const logger = { debug: () => seen.push("debug"), info: () => seen.push("info") };
    vi.stubEnv("PEAKA_LOG", "debug");
    const stderr = await stderrOf(() => createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, logger }).cache.getStatus(ids));
    expect(stderr).toBe(""); // the logger passed in code, not stderr
    expect(seen).toEqual(["debug", "info"]);
    seen.length = 0;
    vi.stubEnv("PEAKA_LOG", "OFF");
    await createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, logger }).cache.getStatus(ids);
    expect(seen).toEqual([]);
    await createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, logger, logLevel: "info" }).cache.getStatus(ids);
    expect(seen).toEqual(["info"]);
  });

  it("a bad value names the variable", () => {
    vi.stubEnv("PEAKA_LOG", "verbose");
    expect(configError({ apiKey: KEY }).message).toBe('PEAKA_LOG must be "debug", "info", "warn", "error" or "off"; got "verbose".');
  });
});

describe("reading the environment", () => {
  it("happens once, when the client is made", async () => {
    const server = await startServer(hang);
    vi.stubEnv("PEAKA_TIMEOUT_MS", "40");
    const peaka = createPeakaClient({ apiKey: KEY, baseUrl: server.baseUrl, maxRetries: 0 });
    vi.stubEnv("PEAKA_TIMEOUT_MS", "soon"); // would throw if it were read again
    vi.stubEnv("PEAKA_MAX_RETRIES", "5");
    const error = await rejectionOf(peaka.cache.getStatus(ids));
    expect((error as PeakaTimeoutError).timeoutMs).toBe(40);
    expect(server.requests).toHaveLength(1);
  });

  it("on Deno, reads only variables it is already allowed to read, never asking (no --allow-env)", () => {
    const asked: string[] = [];
    const env = new Map([["PEAKA_BASE_URL", "http://127.0.0.1:9/api/v1"], ["PEAKA_TIMEOUT_MS", "soon"], ["PEAKA_API_KEY", KEY]]);
    vi.stubGlobal("Deno", {
      permissions: {
        querySync: ({ variable }: { variable: string }) => ({ state: variable === "PEAKA_BASE_URL" ? "granted" : "prompt" }),
      },
      env: {
        get: (name: string) => {
          asked.push(name);
          if (name !== "PEAKA_BASE_URL") throw new Error(`NotCapable: Requires env access to "${name}"`);
          return env.get(name);
        },
      },
    });
    // process.env holds values too: on Deno it is never read (Deno's process.env would ask or throw).
    vi.stubEnv("PEAKA_LOG", "verbose");
    const peaka = createPeakaClient({ apiKey: "sk-passed-in-code-91" });
    expect(peaka.baseUrl).toBe("http://127.0.0.1:9/api/v1");
    expect(asked).toEqual(["PEAKA_BASE_URL"]);
    expect(configError().message).toMatch(/No API key/); // PEAKA_API_KEY was not allowed: not read
  });

  it("an environment that throws when read counts as empty", () => {
    vi.stubGlobal("process", {
      ...process,
      env: new Proxy({}, { get: () => { throw new Error("sandboxed"); } }),
    });
    expect(createPeakaClient({ apiKey: KEY }).baseUrl).toBe(REGIONS.us);
  });
});
