// createPeakaSimulator: a fetch function that answers as Peaka does, in-process. Every request is
// routed by the spec's route table, its key checked (partner-only operations refuse a project key),
// its parameters and body validated against the spec, then answered from the simulator's state.
// URL signatures: HMAC-SHA256 in plain JS (@noble/hashes), because handlers sign synchronously and Web
// Crypto only signs asynchronously; it runs the same in Node, Bun, Deno and a browser.
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils";
import { createClock, type SimulatorClock } from "./internal/clock.js";
import type { HandlerContext, JobTimings } from "./internal/handlers/context.js";
import { handlers } from "./internal/handlers/index.js";
import { badRequest, PeakaSimError, RawBody, unauthorized, type Answer } from "./internal/http.js";
import { readQuery } from "./internal/params.js";
import { idSource } from "./internal/random.js";
import { matchRoute, specModel, type Route } from "./internal/spec.js";
import { serveFile, FILES_PREFIX } from "./internal/handlers/exports.js";
import { closeEngineOf, engineOf, SqlUnavailableError } from "./internal/engine.js";
import { seedWorld, type Principal, type SeededIds, type World } from "./internal/world.js";

export type { SimulatorClock } from "./internal/clock.js";
export type { JobTimings } from "./internal/handlers/context.js";
export type { SeededIds } from "./internal/world.js";

/** Options of `createPeakaSimulator`. */
export interface PeakaSimulatorOptions {
  /**
   * The base URL the simulator answers under; requests to any host are accepted as long as their path
   * starts with this URL's path. Default `https://partner.peaka.studio/api/v1`, the client's default,
   * so `createPeakaClient({ fetch: sim.fetch, apiKey })` needs no `baseUrl`.
   */
  baseUrl?: string;
  /** Seed of every id, key and sample row. Default 1. */
  seed?: number;
  /** `manual` (default): time moves only with `sim.clock.advance`; `real`: the wall clock. */
  clock?: "manual" | "real";
  /** Where the clock starts (default: 2026-01-05T09:00:00Z for a manual clock, now for a real one). */
  start?: number | Date | string;
  /** Durations of the simulated jobs, in simulator milliseconds. */
  jobs?: Partial<JobTimings>;
}

/** A fault to answer with instead of the operation's own answer. */
export interface SimulatedFault {
  /** HTTP status of the answer. */
  status: number;
  /** JSON body of the answer. Default `{ message: "Simulated failure" }`. */
  body?: unknown;
  /** Headers of the answer, such as `Retry-After`. */
  headers?: Record<string, string>;
  /** How many requests get the fault; default 1, `Infinity` for all. */
  times?: number;
}

/** One request the simulator answered. */
export interface SimulatedRequest {
  /** The operation it was routed to (undefined when no route fits or for a file download). */
  operationId: string | undefined;
  method: string;
  url: string;
  /** The request body as parsed JSON (or text when it is not JSON; for a multipart body, its parts as text by name). */
  requestBody: unknown;
  status: number;
  /** The media type of the answer, without parameters; undefined for no body. */
  contentType: string | undefined;
  /** The answer's body, parsed when it is JSON. */
  responseBody: unknown;
  /**
   * `fault` when the answer came from `sim.fail`, `not-modelled` for the 501 of an operation not modelled
   * yet, `no-sql-engine` for the 501 of a SQL operation where the SQL engine cannot be loaded.
   */
  simulated: "fault" | "not-modelled" | "no-sql-engine" | undefined;
}

export interface PeakaSimulator {
  /** A fetch function that is Peaka: pass it to `createPeakaClient({ fetch })`. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  baseUrl: string;
  /** A partner key: every operation accepts it. */
  partnerKey: string;
  /** A project key of the seeded shop project. */
  projectKey: string;
  /** The ids of the seeded organization, workspace, shop project, its catalog and a saved query. */
  seeded: SeededIds;
  clock: SimulatorClock;
  /** Answers the next `times` requests to `operationId` with the given status and body. */
  fail(operationId: string, fault: SimulatedFault): void;
  /**
   * Holds the answer to the next `times` (default 1) requests to `operationId` for `ms` milliseconds
   * of wall-clock time (not the simulator's clock); the request's signal aborts the wait.
   */
  delay(operationId: string, delay: { ms: number; times?: number }): void;
  /** Every request answered so far, oldest first. */
  readonly requests: SimulatedRequest[];
  /** The operationIds the simulator answers from its state (the others answer 501). */
  readonly modelled: readonly string[];
  /** The simulator's state, for assertions (read it; changing it is at your own risk). */
  readonly world: World;
  /**
   * Puts back the seeded state (the same ids and keys as a fresh simulator with this seed), forgets
   * every fault and delay and empties the request log. The clock keeps its time and mode.
   */
  reset(): void;
  /**
   * Loads the SQL engine (`@duckdb/node-api`) and the seeded project's tables now rather than on the
   * first SQL request. Resolves `{ sql: true }`, or `{ sql: false, reason }` where SQL cannot run (the
   * reason the SQL operations answer 501 with); never rejects for a missing engine.
   */
  ready(): Promise<{ sql: true } | { sql: false; reason: string }>;
  /** Closes the SQL engine's databases (if any were opened); the simulator answers SQL requests 501 after. */
  close(): void;
}

const DEFAULT_BASE_URL = "https://partner.peaka.studio/api/v1";

export const DEFAULT_JOB_TIMINGS: JobTimings = {
  cacheRunMs: 5000,
  staleReads: 2,
  exportPendingMs: 500,
  exportRunMs: 2000,
  materializedRunMs: 3000,
  metadataQueuedMs: 1000,
  metadataRunMs: 4000,
  fileUrlTtlMs: 900_000,
  exportRetentionMs: 86_400_000,
};

/** Waits `ms` of wall-clock time; rejects with the signal's reason when it aborts first. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body, contentType: "application/json", headers };
}

/** Makes a simulator. Reading the spec takes a moment the first time in a process; later simulators reuse it. */
export function createPeakaSimulator(options: PeakaSimulatorOptions = {}): PeakaSimulator {
  const base = new URL(options.baseUrl ?? DEFAULT_BASE_URL);
  const basePath = base.pathname.replace(/\/+$/, "");
  const baseUrl = `${base.origin}${basePath}`;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${String(seed)}`);
  const timings: JobTimings = { ...DEFAULT_JOB_TIMINGS, ...options.jobs };
  for (const [name, value] of Object.entries(timings)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new TypeError(`jobs.${name} must be a finite number >= 0, got ${String(value)}`);
  }
  const clock = createClock(options.clock ?? "manual", options.start);
  let ids = idSource(seed);
  let { world, seeded, projectKey } = seedWorld(ids, clock, seed);
  const model = specModel();
  const faults = new Map<string, Required<Omit<SimulatedFault, "headers">> & { headers: Record<string, string> }>();
  const requests: SimulatedRequest[] = [];
  const delays = new Map<string, { ms: number; times: number }>();
  const signingKey = ids.secret("", 32);
  const signingBytes = utf8ToBytes(signingKey);
  const sign = (path: string, expiresMs: number) => bytesToHex(hmac(sha256, signingBytes, utf8ToBytes(`${path}\n${expiresMs}`)));

  const principalOf = (request: Request): Principal => {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const token = match?.[1];
    if (!token) throw unauthorized();
    if (token === world.partnerKey) return { kind: "partner" };
    const key = world.keys.get(token);
    if (!key || (key.key.expiresAt && Date.parse(key.key.expiresAt) <= clock.now())) throw unauthorized();
    return { kind: "project", projectId: key.projectId, key };
  };

  const readBody = async (route: Route, request: Request): Promise<unknown> => {
    if (route.bodyTypes.includes("multipart/form-data")) return readForm(route, request);
    const text = await request.text();
    if (route.bodyTypes.length === 0) return undefined;
    if (text === "") {
      if (route.bodyRequired) throw badRequest("Required request body is missing");
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw badRequest("JSON parse error: the request body is not valid JSON");
    }
    await checkBody(route, body, "application/json");
    return body;
  };

  const checkBody = async (route: Route, body: unknown, media: string) => {
    const check = await model.validator.validateRequestBody(route.operationId, body, media);
    if (!check.ok) {
      const first = check.problems[0]!;
      const field = first.at.replace(/^\//, "").replaceAll("/", ".");
      throw badRequest(`Invalid request body: ${field ? `field '${field}' ` : ""}${first.message}`);
    }
  };

  // A multipart body (the CSV import) is read with the platform's `Request.formData()`; each part
  // becomes a string (a file part its text), and the whole is checked against the spec's schema.
  const readForm = async (route: Route, request: Request): Promise<Record<string, string>> => {
    if (!/^multipart\/form-data\b/i.test(request.headers.get("content-type") ?? "")) {
      await request.text().catch(() => undefined);
      throw badRequest("Content type must be multipart/form-data");
    }
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw badRequest("The multipart body could not be read");
    }
    const parts: Record<string, string> = {};
    for (const [name, value] of form) parts[name] = typeof value === "string" ? value : await value.text();
    await checkBody(route, parts, "multipart/form-data");
    return parts;
  };

  const answer = async (request: Request, url: URL, log: SimulatedRequest): Promise<Answer> => {
    if (url.pathname.startsWith(FILES_PREFIX)) return serveFile(world, url, clock, sign);
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      return json(404, { message: `The simulator serves paths under ${basePath || "/"}; got ${url.pathname}.` });
    }
    const found = matchRoute(model.routes, request.method, url.pathname.slice(basePath.length) || "/");
    if (!found) return json(404, { message: `No route ${request.method} ${url.pathname}.` });
    if ("pathOnly" in found) return json(405, { message: `Method ${request.method} is not supported on ${url.pathname}.` });
    const { route, params } = found;
    log.operationId = route.operationId;
    const delay = delays.get(route.operationId);
    if (delay) {
      if (--delay.times <= 0) delays.delete(route.operationId);
      await wait(delay.ms, request.signal);
    }
    const fault = faults.get(route.operationId);
    if (fault) {
      if (--fault.times <= 0) faults.delete(route.operationId);
      log.simulated = "fault";
      await request.text().catch(() => undefined);
      return json(fault.status, fault.body, fault.headers);
    }
    const principal = principalOf(request);
    if (route.partnerOnly && principal.kind !== "partner") throw new PeakaSimError(403, { message: "Only a partner key may call this operation." });
    const query = readQuery(route, url.searchParams);
    const body = await readBody(route, request);
    log.requestBody = body;
    const handler = handlers[route.operationId];
    if (!handler) {
      log.simulated = "not-modelled";
      return json(501, {
        errorCode: "NOT_SIMULATED",
        message: `The Peaka simulator does not model ${route.operationId} (${route.method} ${route.path}) yet; nothing was done.`,
      });
    }
    const ctx: HandlerContext = { params, query, body, principal, world, clock, ids, options: timings, baseUrl: url.origin, apiBaseUrl: `${url.origin}${basePath}`, sign };
    const result = await handler(ctx);
    if (result instanceof RawBody) return { status: route.successStatus, raw: result.raw, contentType: result.contentType, headers: result.headers };
    if (route.successMedia === undefined) return { status: route.successStatus };
    return json(route.successStatus, result);
  };

  const simFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.signal.aborted) throw request.signal.reason;
    const url = new URL(request.url);
    const log: SimulatedRequest = { operationId: undefined, method: request.method, url: request.url, requestBody: undefined, status: 0, contentType: undefined, responseBody: undefined, simulated: undefined };
    let result: Answer;
    try {
      result = await answer(request, url, log);
    } catch (error) {
      if (!(error instanceof PeakaSimError)) throw error;
      if (error instanceof SqlUnavailableError) log.simulated = error.simulated;
      result = json(error.status, error.body);
    }
    log.status = result.status;
    log.contentType = result.contentType;
    log.responseBody = result.raw !== undefined ? result.raw : result.body;
    requests.push(log);
    const headers = new Headers(result.headers);
    if (result.contentType) headers.set("content-type", result.contentType === "application/json" ? "application/json" : result.contentType);
    const payload = result.raw !== undefined ? result.raw : result.contentType === "application/json" && result.body !== undefined ? JSON.stringify(result.body) : null;
    return new Response(payload as BodyInit | null, { status: result.status, headers });
  };

  return {
    fetch: simFetch,
    baseUrl,
    partnerKey: world.partnerKey,
    projectKey,
    seeded,
    reset() {
      closeEngineOf(world);
      ids = idSource(seed);
      ({ world, seeded, projectKey } = seedWorld(ids, clock, seed));
      ids.secret("", 32); // the signing key's draw, so that later ids follow the same sequence as at creation
      faults.clear();
      delays.clear();
      requests.length = 0;
    },
    ready() {
      return engineOf(world).prepare(world.projects.get(seeded.projectId));
    },
    close() {
      engineOf(world).close();
    },
    clock,
    get world() {
      return world;
    },
    requests,
    modelled: Object.keys(handlers).sort(),
    delay(operationId, delay) {
      if (!model.byId.has(operationId)) throw new TypeError(`sim.delay: the spec has no operation ${JSON.stringify(operationId)}`);
      const ms = delay?.ms;
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > 2 ** 31 - 1) throw new TypeError(`sim.delay: ms must be a number of milliseconds from 0 to 2^31-1, got ${String(ms)}`);
      const times = delay.times ?? 1;
      if (!(times > 0)) throw new TypeError(`sim.delay: times must be > 0, got ${String(times)}`);
      delays.set(operationId, { ms, times });
    },
    fail(operationId, fault) {
      if (!model.byId.has(operationId)) throw new TypeError(`sim.fail: the spec has no operation ${JSON.stringify(operationId)}`);
      if (!fault || !Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599) throw new TypeError(`sim.fail: status must be an HTTP status (100-599), got ${String(fault?.status)}`);
      const times = fault.times ?? 1;
      if (!(times > 0)) throw new TypeError(`sim.fail: times must be > 0, got ${String(times)}`);
      faults.set(operationId, { status: fault.status, body: fault.body ?? { message: "Simulated failure" }, headers: fault.headers ?? {}, times });
    },
  };
}
