// The names README snippets use without declaring them, and what each one is when a snippet runs: a
// client and ids of a fresh simulator's sample shop project (the test sets them before each snippet).
// Only types of @peaka/api here: the snippets compile against this file as a user's code would.
import type { PeakaClient, PeakaCore } from "@peaka/api";
import type { readFileSync as ReadFileSync } from "node:fs";

export interface SnippetContext {
  /** A client of the simulator, with its partner key. */
  peaka: PeakaClient;
  /** A core (`createPeakaCore`) of the simulator, with its partner key. */
  core: PeakaCore;
  /** The simulator's partner key. */
  apiKey: string;
  /** A project key of the shop project (also `tenantProjectKey`). */
  projectKey: string;
  tenantProjectKey: string;
  /** A secret store that holds the partner key at `peaka/partner-key`. */
  vault: { read(path: string): Promise<string> };
  traceId: string;
  /** The shop project, its PostgreSQL connection and catalog, a saved query (materialized) and a cache of `orders`. */
  projectId: string;
  connectionId: string;
  catalogId: string;
  queryId: string;
  cacheId: string;
  controller: AbortController;
  /** Values for the SQL snippet: an order status, a least total and customer countries. */
  status: string;
  minTotal: number;
  countries: string[];
  /** Receives each streamed row. */
  handle: (row: Record<string, unknown>) => void;
  /** Whether to leave the agent's event loop early: never, so the stream runs to its end. */
  done: (event: unknown) => boolean;
  /** node:fs readFileSync, reading relative paths from a scratch folder that holds `orders.csv`. */
  readFileSync: typeof ReadFileSync;
}

export const CONTEXT_NAMES = [
  "peaka",
  "core",
  "apiKey",
  "projectKey",
  "tenantProjectKey",
  "vault",
  "traceId",
  "projectId",
  "connectionId",
  "catalogId",
  "queryId",
  "cacheId",
  "controller",
  "status",
  "minTotal",
  "countries",
  "handle",
  "done",
  "readFileSync",
] as const satisfies ReadonlyArray<keyof SnippetContext>;

/** Where the test keeps what the running snippet sees. */
export interface Harness {
  context: SnippetContext;
  /** The simulator served on 127.0.0.1: clients made by a snippet talk to it unless they name a baseUrl. */
  baseUrl: string;
  /** Closes what a snippet started (an MCP server, ...) when the snippet's test ends. */
  cleanups: Array<() => Promise<void>>;
  /** What a snippet started without awaiting it (`startHttpServer(...).then(...)`): awaited after it ran. */
  pending: Array<Promise<unknown>>;
}

const KEY = Symbol.for("@peaka/examples readme harness");

export function harness(): Harness {
  const current = (globalThis as { [KEY]?: Harness })[KEY];
  if (!current) throw new Error("README snippets run inside examples/test/readme.test.ts, which sets their context first");
  return current;
}

export function setHarness(value: Harness | undefined): void {
  (globalThis as { [KEY]?: Harness })[KEY] = value;
}

export const context = (): SnippetContext => harness().context;
