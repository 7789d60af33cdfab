// spec:diff: what changed in spec/ between a git ref and the working copy, each change classified as
// breaking, additive or patch, and the version bump that implies. Semver as for 1.0+: breaking means
// major even while the packages are 0.x (the pre-1.0 "minor for breaking" convention is not applied).
import { table, compareFacts, type Change, type ChangeCode } from "./compare.js";
import { extractFacts } from "./facts.js";
import { diskReader, gitReader, loadMultiFile, type Doc, type FileReader } from "./load.js";

export type Level = "breaking" | "additive" | "patch";
export type Bump = "major" | "minor" | "patch" | "none";

export interface ClassifiedChange {
  level: Level;
  kind: string;
  where: string;
  /** What happened, in words. */
  what: string;
  before: string;
  after: string;
}

export interface SpecDiff {
  changes: ClassifiedChange[];
  bump: Bump;
}

export const BUMP_ORDER: Bump[] = ["none", "patch", "minor", "major"];

export function maxBump(...bumps: Bump[]): Bump {
  return bumps.reduce<Bump>((m, b) => (BUMP_ORDER.indexOf(b) > BUMP_ORDER.indexOf(m) ? b : m), "none");
}

export function bumpFor(changes: Array<{ level: Level }>): Bump {
  if (changes.some((c) => c.level === "breaking")) return "major";
  if (changes.some((c) => c.level === "additive")) return "minor";
  if (changes.length) return "patch";
  return "none";
}

/** Options for comparing two versions of our own spec: every fact, enums exact. */
export const SELF_COMPARE = {
  looseEnums: false,
  pathParamNames: true,
  nullable: true,
  sdkNames: true,
  schemaNames: true,
  mediaTypes: true,
  statuses: "all",
  responseRequired: true,
} as const;

function classify(c: Change): { level: Level; what: string } {
  const response = c.side === "response";
  const success = c.status ? /^2/.test(c.status) : false;
  const table: Record<ChangeCode, [Level, string]> = {
    "operation.added": ["additive", "new operation"],
    "operation.removed": ["breaking", "operation removed (or its path renamed)"],
    "operation.pathParamRenamed": ["breaking", "path parameter renamed"],
    "operation.operationId": ["breaking", "operationId changed (exported operation type renamed)"],
    "operation.sdkName": ["breaking", "client method renamed (tag or x-sdk-method)"],
    "param.added": c.required ? ["breaking", "new required parameter"] : ["additive", "new optional parameter"],
    "param.removed": ["breaking", "parameter removed"],
    "param.required": ["breaking", "parameter newly required"],
    "param.optional": ["additive", "parameter now optional"],
    "param.type": ["breaking", "parameter type changed"],
    "param.nullable": ["additive", "parameter now accepts null"],
    "param.notNullable": ["breaking", "parameter no longer accepts null"],
    "body.added": c.required ? ["breaking", "new required request body"] : ["additive", "new optional request body"],
    "body.removed": ["breaking", "request body removed"],
    "body.required": ["breaking", "request body newly required"],
    "body.optional": ["additive", "request body now optional"],
    "mediaType.added": ["additive", `new ${response ? "response" : "request"} media type`],
    "mediaType.removed": ["breaking", `${response ? "response" : "request"} media type removed`],
    "status.added": ["additive", "new response status"],
    "status.removed": success ? ["breaking", "success response removed"] : ["additive", "error response no longer documented"],
    "field.added": response
      ? ["additive", "new response field"]
      : c.required
        ? ["breaking", "new required request field"]
        : ["additive", "new optional request field"],
    "field.removed": [
      "breaking",
      response ? "response field removed" : "request field removed",
    ],
    "field.required": response ? ["additive", "response field now always present"] : ["breaking", "request field newly required"],
    "field.optional": response ? ["breaking", "response field now optional"] : ["additive", "request field now optional"],
    "field.type": ["breaking", `${response ? "response" : "request"} field type changed`],
    "field.nullable": response ? ["breaking", "response field may now be null"] : ["additive", "request field now accepts null"],
    "field.notNullable": response ? ["additive", "response field no longer null"] : ["breaking", "request field no longer accepts null"],
    "enum.added": ["additive", "new enum value"],
    "enum.removed": ["breaking", "enum value removed"],
    "server.added": ["additive", "new server"],
    "server.removed": ["breaking", "server removed"],
    "schema.added": ["additive", "new schema (exported type)"],
    "schema.removed": ["breaking", "schema removed (exported type)"],
  };
  const [level, what] = table[c.code];
  return { level, what };
}

const PROSE_KEYS = new Set(["description", "summary", "title", "example", "examples", "externalDocs", "contact", "license", "termsOfService"]);
const FACT_EXTENSIONS = new Set(["x-sdk-method", "x-sdk-resource"]);

/** Differences the facts do not cover: prose (patch) and anything else (reported as patch, "other"). */
function leftovers(a: unknown, b: unknown, path: string[], out: Array<{ path: string[]; prose: boolean }>): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const last = path[path.length - 1] ?? "";
  const parent = path[path.length - 2] ?? "";
  // Property names of a schema are facts, even when a property is called "description".
  const isPropertyName = parent === "properties";
  if (!isPropertyName && (PROSE_KEYS.has(last) || (last.startsWith("x-") && !FACT_EXTENSIONS.has(last)))) {
    out.push({ path, prose: true });
    return;
  }
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) leftovers((a as any)[k], (b as any)[k], [...path, k], out);
    return;
  }
  out.push({ path, prose: false });
}

function tagResources(doc: Doc): Map<string, string> {
  const map = new Map<string, string>();
  for (const tag of (doc["tags"] ?? []) as any[]) {
    if (tag?.name && tag["x-sdk-resource"]) map.set(String(tag.name), String(tag["x-sdk-resource"]));
  }
  return map;
}

/** Compares two loaded documents. */
export function diffDocuments(before: Doc, after: Doc): SpecDiff {
  const changes: ClassifiedChange[] = [];
  for (const c of compareFacts(extractFacts(before), extractFacts(after), SELF_COMPARE)) {
    const { level, what } = classify(c);
    changes.push({ level, kind: c.kind, where: c.where, what, before: c.a, after: c.b });
  }
  const resA = tagResources(before);
  const resB = tagResources(after);
  for (const [tag, resource] of resA) {
    if (resB.has(tag) && resB.get(tag) !== resource) {
      changes.push({ level: "breaking", kind: "operation", where: `tag ${tag} · x-sdk-resource`, what: "client resource renamed", before: resource, after: resB.get(tag)! });
    }
  }
  const rest: Array<{ path: string[]; prose: boolean }> = [];
  leftovers(before, after, [], rest);
  const pointer = (p: string[]) => "#/" + p.map((s) => s.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
  const text = (v: unknown) => (v === undefined ? "—" : JSON.stringify(v));
  const at = (doc: unknown, p: string[]) => p.reduce<any>((n, k) => (n == null ? undefined : n[k]), doc);
  for (const r of rest.filter((r) => r.prose)) {
    changes.push({ level: "patch", kind: "prose", where: pointer(r.path), what: "prose or example changed", before: text(at(before, r.path)), after: text(at(after, r.path)) });
  }
  // Anything else that changed without changing a fact (formats, patterns, limits, defaults...).
  if (!changes.some((c) => c.level !== "patch")) {
    for (const r of rest.filter((r) => !r.prose)) {
      changes.push({ level: "patch", kind: "other", where: pointer(r.path), what: "changed without changing a compared fact", before: text(at(before, r.path)), after: text(at(after, r.path)) });
    }
  }
  return { changes, bump: bumpFor(changes) };
}

/** Compares the spec read through two readers (e.g. a git ref and the working copy). */
export function diffSpecs(rootPath: string, before: FileReader, after: FileReader): SpecDiff {
  return diffDocuments(loadMultiFile(rootPath, before).doc, loadMultiFile(rootPath, after).doc);
}

/** Compares `rootPath` as committed at `ref` in `repo` with the working copy of `repo`. */
export function diffAgainstRef(repo: string, ref: string, rootPath: string): SpecDiff {
  return diffSpecs(rootPath, gitReader(repo, ref), diskReader(repo));
}

export function formatDiff(diff: SpecDiff, baseLabel: string): string {
  if (diff.changes.length === 0) return `spec/ has no changes since ${baseLabel}. Implied bump: none.`;
  const order: Level[] = ["breaking", "additive", "patch"];
  const sorted = [...diff.changes].sort((x, y) => order.indexOf(x.level) - order.indexOf(y.level));
  const rows = sorted.map((c) => [c.level, c.what, c.where, c.before, c.after]);
  const count = (l: Level) => diff.changes.filter((c) => c.level === l).length;
  return [
    `Changes to spec/ since ${baseLabel}:`,
    "",
    table(["CLASS", "CHANGE", "WHERE", "BEFORE", "AFTER"], rows, [undefined, undefined, 90, 40, 40]),
    "",
    `${count("breaking")} breaking, ${count("additive")} additive, ${count("patch")} patch.`,
    `Implied bump of @peaka/api-types and @peaka/api: ${diff.bump}.`,
  ].join("\n");
}
