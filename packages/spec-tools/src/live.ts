// test:live: read-only calls against the real API through a Prism proxy that validates every answer
// against spec/, reporting each answer that does not conform.
//
// How Prism 5.14 reports in proxy mode with --errors (found by experiment against a local upstream):
// - a response that violates the spec at severity Error (wrong type, missing required property, ...)
//   is NOT passed on: Prism answers 500 with `content-type: application/problem+json`, body
//   `{ type: "https://stoplight.io/prism/errors#VIOLATIONS", title: "Request/Response not valid",
//   status: 500, detail, validation: [{ location: ["response","body",...], severity, code, message }] }`
//   and the same list as JSON in the `sl-violations` header;
// - a Warning (e.g. a status code the operation does not document) passes the upstream answer through
//   unchanged, with the violations in the `sl-violations` header;
// - a request that violates the spec is answered by Prism itself (4xx, problem+json) without forwarding.
//
// Every answer Prism passes on is also checked with the strict validator of `pnpm spec:answers`
// (Ajv strict, OpenAPI 3.0 `nullable` as 3.0.3 defines it): Prism is more lenient than a strict OpenAPI
// 3.0 validator in places, and the report names every answer that breaks a schema either way.
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { startPrismMock } from "@peaka/mock";
// @peaka/api is used from source (this package does not declare it as a dependency yet).
import { createPeakaClient, REGIONS } from "@peaka/api";
import { createResponseValidator, type SchemaProblem } from "./answers.js";
import { table } from "./compare.js";

export interface Violation {
  location: string[];
  severity: string;
  code?: string;
  message: string;
}

export interface LiveCall {
  operationId: string;
  method: string;
  path: string;
  /** Path parameters to send. */
  pathParams: Record<string, string>;
}

export interface LiveResult extends LiveCall {
  status: number;
  violations: Violation[];
  /** Where the answer Prism passed on breaks its schema under the strict validator. */
  schemaProblems: SchemaProblem[];
  /** Set when the call failed for another reason (network, non-2xx answer). */
  problem?: string;
}

export interface LiveOptions {
  apiKey: string;
  projectId: string;
  /** Upstream base URL including `/api/v1`. Default: the US server. */
  upstream?: string;
  /** Spec to validate against. Default: spec/peaka.yaml. */
  spec?: string;
  /** Calls to make. Default: every GET of the spec that answers JSON and needs at most projectId. */
  calls?: LiveCall[];
  onLog?: (line: string) => void;
}

/** Every read-only (GET) operation answering JSON whose only required parameter is, at most, projectId. */
export function defaultCalls(projectId: string, specPath?: string): LiveCall[] {
  const spec = specPath ? loadSpec(specPath) : loadSpec();
  const calls: LiveCall[] = [];
  for (const op of listOperations(spec)) {
    if (op.method !== "get") continue;
    const others = op.parameters.filter((p) => p["required"] && !(p["in"] === "path" && p["name"] === "projectId"));
    if (others.length) continue;
    const content = op.operation["responses"]?.["200"]?.content ?? {};
    if (!Object.keys(content).some((m) => /json/.test(m))) continue;
    const pathParams: Record<string, string> = op.path.includes("{projectId}") ? { projectId } : {};
    calls.push({ operationId: op.operationId, method: "GET", path: op.path, pathParams });
  }
  return calls;
}

export function parseViolations(header: string | null): Violation[] {
  if (!header) return [];
  try {
    const list = JSON.parse(header);
    return Array.isArray(list) ? list : [];
  } catch {
    return [{ location: [], severity: "Error", message: `unparseable sl-violations header: ${header}` }];
  }
}

/** Runs the calls through a Prism proxy of the spec in front of `upstream`. */
export async function runLiveCheck(options: LiveOptions): Promise<LiveResult[]> {
  const upstream = options.upstream ?? REGIONS.us;
  const prism = await startPrismMock({
    mode: "proxy",
    upstream,
    ...(options.spec ? { spec: options.spec } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  try {
    const validator = createResponseValidator(options.spec);
    let current: LiveCall | undefined;
    let last: { status: number; violations: Violation[]; schemaProblems: SchemaProblem[] } | undefined;
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const contentType = response.headers.get("content-type") ?? "";
      let violations = parseViolations(response.headers.get("sl-violations"));
      let replaced = false;
      if (/problem\+json/.test(contentType)) {
        const body = await response.clone().json().catch(() => undefined);
        replaced = String(body?.type ?? "").endsWith("#VIOLATIONS");
        if (!violations.length && replaced && Array.isArray(body.validation)) violations = body.validation;
      }
      const schemaProblems = replaced || !current ? [] : await strictProblems(validator, current.operationId, response.clone(), contentType);
      last = { status: response.status, violations, schemaProblems };
      return response;
    };
    const peaka = createPeakaClient({ apiKey: options.apiKey, baseUrl: prism.url, maxRetries: 0, fetch: recordingFetch, timeout: 30_000 });
    const results: LiveResult[] = [];
    for (const call of options.calls ?? defaultCalls(options.projectId, options.spec)) {
      last = undefined;
      current = call;
      let problem: string | undefined;
      try {
        const { response } = await (peaka.GET as any)(call.path, { params: { path: call.pathParams } });
        if (!response.ok) problem = `answered ${response.status}`;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      const seen = last as { status: number; violations: Violation[]; schemaProblems: SchemaProblem[] } | undefined;
      const violations = seen?.violations ?? [];
      const schemaProblems = seen?.schemaProblems ?? [];
      // Prism's own 500 for a violation is the violation, not a failure of the call.
      if (violations.some((v) => v.severity === "Error")) problem = undefined;
      results.push({ ...call, status: seen?.status ?? 0, violations, schemaProblems, ...(problem ? { problem } : {}) });
    }
    return results;
  } finally {
    await prism.stop();
  }
}

/**
 * The strict validator's findings on an answer: a JSON answer whose status the operation declares is
 * checked against its schema (an undeclared error status is Prism's warning already, not repeated).
 */
async function strictProblems(
  validator: ReturnType<typeof createResponseValidator>,
  operationId: string,
  response: Response,
  contentType: string,
): Promise<SchemaProblem[]> {
  if (!/json/i.test(contentType)) return [];
  const text = await response.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return response.ok ? [{ at: "", message: "the answer is not JSON" }] : [];
  }
  const check = validator.validateAnswer(operationId, response.status, body, "application/json");
  if (!response.ok && check.problems.some((p) => /declares no \d+ answer/.test(p.message))) return [];
  return check.problems;
}

/** True when a result shows a spec violation (any severity, Prism's or the strict validator's) or a failed call. */
export function isFailure(result: LiveResult): boolean {
  return result.violations.length > 0 || result.schemaProblems.length > 0 || result.problem !== undefined;
}

export function formatLiveReport(results: LiveResult[], upstream: string): string {
  const rows: string[][] = [];
  for (const r of results) {
    const where = `${r.method} ${r.path}`;
    if (r.violations.length || r.schemaProblems.length) {
      for (const v of r.violations) rows.push([`VIOLATION (${v.severity})`, where, v.location.join("."), v.message]);
      for (const p of r.schemaProblems) rows.push(["VIOLATION (strict)", where, `response.body${p.at.replace(/\//g, ".")}`, `${r.operationId}: ${p.message}`]);
    } else if (r.problem) {
      rows.push(["NOT CHECKED", where, String(r.status || ""), r.problem]);
    } else {
      rows.push(["ok", where, String(r.status), ""]);
    }
  }
  const bad = results.filter((r) => r.violations.length || r.schemaProblems.length).length;
  const failed = results.filter((r) => !r.violations.length && !r.schemaProblems.length && r.problem).length;
  return [
    `Live contract check against ${upstream} through Prism (proxy, --errors) and the strict validator of spec:answers, validating spec/:`,
    "",
    table(["RESULT", "OPERATION", "WHERE", "DETAIL"], rows, [undefined, undefined, 90, 100]),
    "",
    `${results.length} call(s): ${results.length - bad - failed} conform, ${bad} not conforming to spec/, ${failed} not checked.`,
  ].join("\n");
}
