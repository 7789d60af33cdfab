// spec:check-upstream: which facts differ between spec/ and Peaka's published OpenAPI description.
import { readFile } from "node:fs/promises";
import { compareFacts, table, type Change } from "./compare.js";
import { extractFacts } from "./facts.js";
import { diskReader, loadMultiFile, parseDocument, type Doc } from "./load.js";
import { REPO_ROOT, SPEC_ROOT } from "./repo.js";

/**
 * Where Peaka serves its live description (the springdoc endpoint its docs are refreshed from, see
 * spec/EVIDENCE.md); override with PEAKA_OPENAPI_URL or --url.
 */
export const DEFAULT_UPSTREAM_URL = "https://partner.peaka.studio/v3/api-docs";
export const UPSTREAM_URL_ENV = "PEAKA_OPENAPI_URL";

export interface UpstreamSource {
  file?: string;
  url?: string;
  /** The fetch to use (tests pass their own); default: the global one. */
  fetch?: typeof fetch;
}

export async function loadUpstream(source: UpstreamSource): Promise<{ doc: Doc; from: string }> {
  if (source.file) {
    const text = await readFile(source.file, "utf8");
    // A single document: internal references only (a multi-file upstream is read from its root file).
    return { doc: parseDocument(text), from: source.file };
  }
  const url = source.url ?? process.env[UPSTREAM_URL_ENV] ?? DEFAULT_UPSTREAM_URL;
  const response = await (source.fetch ?? fetch)(url, {
    signal: AbortSignal.timeout(30_000),
    headers: { accept: "application/json, application/yaml;q=0.9, */*;q=0.1" },
  }).catch((error: unknown) => {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new Error(`cannot fetch ${url} (${cause}); use --file for an offline copy`);
  });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  return { doc: parseDocument(await response.text()), from: url };
}

/** Options for comparing against upstream: facts only, enums loose, path parameters by position. */
export const UPSTREAM_COMPARE = {
  looseEnums: true,
  pathParamNames: false,
  nullable: false,
  sdkNames: false,
  schemaNames: false,
  mediaTypes: false,
  statuses: "2xx",
  responseRequired: false,
} as const;

/** Every fact where `ours` (spec/) and `upstream` differ. */
export function checkUpstream(ours: Doc, upstream: Doc): Change[] {
  return compareFacts(extractFacts(ours), extractFacts(upstream), UPSTREAM_COMPARE);
}

export function formatUpstreamReport(changes: Change[], from: string): string {
  if (changes.length === 0) return `spec/ and ${from} agree on every fact compared.`;
  const rows = changes.map((c) => [c.kind, c.where, c.a, c.b]);
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  const summary = [...counts].map(([k, n]) => `${n} ${k}`).join(", ");
  return [
    `Differences between spec/ and ${from} (facts only; prose and examples ignored):`,
    "",
    table(["KIND", "WHERE", "SPEC/", "UPSTREAM"], rows, [undefined, undefined, 50, 50]),
    "",
    `${changes.length} difference(s): ${summary}.`,
  ].join("\n");
}

export interface CheckUpstreamCliOptions {
  file?: string;
  url?: string;
  strict: boolean;
  /** The spec root to compare (default: spec/peaka.yaml of this repository). */
  specRoot?: { root: string; path: string };
}

/** Runs the command; returns the exit code. */
export async function runCheckUpstream(
  options: CheckUpstreamCliOptions,
  print: (line: string) => void = console.log,
): Promise<number> {
  const specRoot = options.specRoot ?? { root: REPO_ROOT, path: SPEC_ROOT };
  const ours = loadMultiFile(specRoot.path, diskReader(specRoot.root)).doc;
  const source: UpstreamSource = {};
  if (options.file) source.file = options.file;
  if (options.url) source.url = options.url;
  const upstream = await loadUpstream(source);
  const changes = checkUpstream(ours, upstream.doc);
  print(formatUpstreamReport(changes, upstream.from));
  if (changes.length && options.strict) {
    print("--strict: failing because spec/ differs from upstream.");
    return 1;
  }
  return 0;
}
