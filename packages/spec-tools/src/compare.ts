// Compares the facts of two descriptions ("a" and "b") and lists every difference as a change record.
// spec:check-upstream shows them as a table (a = spec/, b = Peaka's published description);
// spec:diff classifies them (a = the spec at the base ref, b = the working copy).
import type { BodyFacts, FieldFact, OperationFacts, ParamFact, SpecFacts } from "./facts.js";

export type ChangeCode =
  | "operation.added"
  | "operation.removed"
  | "operation.pathParamRenamed"
  | "operation.operationId"
  | "operation.sdkName"
  | "param.added"
  | "param.removed"
  | "param.required"
  | "param.optional"
  | "param.type"
  | "param.nullable"
  | "param.notNullable"
  | "body.added"
  | "body.removed"
  | "body.required"
  | "body.optional"
  | "mediaType.added"
  | "mediaType.removed"
  | "status.added"
  | "status.removed"
  | "field.added"
  | "field.removed"
  | "field.required"
  | "field.optional"
  | "field.type"
  | "field.nullable"
  | "field.notNullable"
  | "enum.added"
  | "enum.removed"
  | "server.added"
  | "server.removed"
  | "schema.added"
  | "schema.removed";

export interface Change {
  code: ChangeCode;
  /** What the fact is about: `operation`, `parameter`, `request`, `response`, `enum`, `server`, `schema`. */
  kind: string;
  /** Where: `GET /organizations`, `GET /x · query limit`, `POST /x · request body · items[].name`. */
  where: string;
  /** The fact in a / in b, as short text ("—" when absent). */
  a: string;
  b: string;
  /** For request/response/parameter facts: which side of the exchange (`request` also covers parameters). */
  side?: "request" | "response";
  /** For fields and params: whether the new fact is required. */
  required?: boolean;
  /** For status and response facts: the status code. */
  status?: string;
}

export interface CompareOptions {
  /** Enum values compared case- and hyphen-insensitively (`FULL_REFRESH` = `full-refresh`). */
  looseEnums?: boolean;
  /** Report path parameters renamed at the same position. */
  pathParamNames?: boolean;
  /** Report nullability changes. */
  nullable?: boolean;
  /** Report operationId, tag and x-sdk-method changes (names the SDK exposes). */
  sdkNames?: boolean;
  /** Report component schemas added or removed (exported type names). */
  schemaNames?: boolean;
  /** Report media types added or removed. */
  mediaTypes?: boolean;
  /** Which response statuses to compare: all, or only 2xx. */
  statuses?: "all" | "2xx";
  /** Report requiredness of response fields. */
  responseRequired?: boolean;
}

const ABSENT = "—";

export function normalizeEnumValue(value: string): string {
  return value.toLowerCase().replace(/[-\s]/g, "_");
}

export function compareFacts(a: SpecFacts, b: SpecFacts, options: CompareOptions = {}): Change[] {
  const out: Change[] = [];
  for (const url of a.servers) {
    if (!b.servers.includes(url)) out.push({ code: "server.removed", kind: "server", where: url, a: "present", b: ABSENT });
  }
  for (const url of b.servers) {
    if (!a.servers.includes(url)) out.push({ code: "server.added", kind: "server", where: url, a: ABSENT, b: "present" });
  }
  if (options.schemaNames) {
    for (const name of a.schemas) {
      if (!b.schemas.includes(name)) out.push({ code: "schema.removed", kind: "schema", where: `components.schemas.${name}`, a: "present", b: ABSENT });
    }
    for (const name of b.schemas) {
      if (!a.schemas.includes(name)) out.push({ code: "schema.added", kind: "schema", where: `components.schemas.${name}`, a: ABSENT, b: "present" });
    }
  }
  const keys = [...new Set([...a.operations.keys(), ...b.operations.keys()])].sort(byPath);
  for (const key of keys) {
    const opA = a.operations.get(key);
    const opB = b.operations.get(key);
    if (!opA && opB) {
      out.push({ code: "operation.added", kind: "operation", where: label(opB), a: ABSENT, b: "present" });
    } else if (opA && !opB) {
      out.push({ code: "operation.removed", kind: "operation", where: label(opA), a: "present", b: ABSENT });
    } else if (opA && opB) {
      compareOperation(opA, opB, options, out);
    }
  }
  return out;
}

function byPath(x: string, y: string): number {
  const px = x.slice(x.indexOf(" ") + 1);
  const py = y.slice(y.indexOf(" ") + 1);
  return px === py ? x.localeCompare(y) : px.localeCompare(py);
}

function label(op: OperationFacts): string {
  return `${op.method} ${op.path}`;
}

function compareOperation(a: OperationFacts, b: OperationFacts, o: CompareOptions, out: Change[]): void {
  const where = label(a); // the first document names it (spec/ for check-upstream, the base for diff)
  if (o.pathParamNames && a.pathParamNames.join(",") !== b.pathParamNames.join(",")) {
    out.push({ code: "operation.pathParamRenamed", kind: "operation", where, a: a.path, b: b.path });
  }
  if (o.sdkNames) {
    if ((a.operationId ?? "") !== (b.operationId ?? "")) {
      out.push({ code: "operation.operationId", kind: "operation", where: `${where} · operationId`, a: a.operationId ?? ABSENT, b: b.operationId ?? ABSENT });
    }
    const nameA = `${a.sdk.tag ?? ""} / ${a.sdk.method ?? ""}`;
    const nameB = `${b.sdk.tag ?? ""} / ${b.sdk.method ?? ""}`;
    if (nameA !== nameB) {
      out.push({ code: "operation.sdkName", kind: "operation", where: `${where} · tag / x-sdk-method`, a: nameA, b: nameB });
    }
  }

  // Parameters
  const paramKeys = [...new Set([...a.params.keys(), ...b.params.keys()])].sort();
  for (const key of paramKeys) {
    const pa = a.params.get(key);
    const pb = b.params.get(key);
    const at = `${where} · ${pb ? paramLabel(pb) : paramLabel(pa!)}`;
    if (!pa && pb) {
      out.push({ code: "param.added", kind: "parameter", where: at, a: ABSENT, b: paramText(pb), side: "request", required: pb.required });
    } else if (pa && !pb) {
      out.push({ code: "param.removed", kind: "parameter", where: at, a: paramText(pa), b: ABSENT, side: "request", required: pa.required });
    } else if (pa && pb) {
      compareField(pa, pb, at, "parameter", "param", "request", o, out);
    }
  }

  // Request body
  if (!a.request && b.request) {
    out.push({ code: "body.added", kind: "request", where: `${where} · request body`, a: ABSENT, b: b.request.required ? "required" : "optional", side: "request", required: b.request.required });
  } else if (a.request && !b.request) {
    out.push({ code: "body.removed", kind: "request", where: `${where} · request body`, a: a.request.required ? "required" : "optional", b: ABSENT, side: "request" });
  } else if (a.request && b.request) {
    if (a.request.required !== b.request.required) {
      out.push({
        code: b.request.required ? "body.required" : "body.optional",
        kind: "request",
        where: `${where} · request body`,
        a: a.request.required ? "required" : "optional",
        b: b.request.required ? "required" : "optional",
        side: "request",
      });
    }
    compareBody(a.request, b.request, `${where} · request body`, "request", o, out);
  }

  // Responses
  const statusesOf = (op: OperationFacts) =>
    [...op.responses.keys()].filter((s) => o.statuses !== "2xx" || /^2/.test(s));
  const statuses = [...new Set([...statusesOf(a), ...statusesOf(b)])].sort();
  for (const status of statuses) {
    const ra = a.responses.get(status);
    const rb = b.responses.get(status);
    const at = `${where} · response ${status}`;
    if (!ra && rb) out.push({ code: "status.added", kind: "response", where: at, a: ABSENT, b: "present", side: "response", status });
    else if (ra && !rb) out.push({ code: "status.removed", kind: "response", where: at, a: "present", b: ABSENT, side: "response", status });
    else if (ra && rb) compareBody(ra, rb, at, "response", o, out, status);
  }
}

function paramLabel(p: ParamFact): string {
  return `${p.in} ${p.name}`;
}

function paramText(p: ParamFact): string {
  return `${p.type}${p.required ? ", required" : ""}${p.enum ? ` [${p.enum.join(", ")}]` : ""}`;
}

function fieldText(f: FieldFact, withRequired: boolean): string {
  return `${f.type}${withRequired && f.required ? ", required" : ""}${f.enum ? ` [${f.enum.join(", ")}]` : ""}`;
}

function compareBody(
  a: BodyFacts,
  b: BodyFacts,
  where: string,
  side: "request" | "response",
  o: CompareOptions,
  out: Change[],
  status?: string,
): void {
  const extra = status ? { status } : {};
  if (o.mediaTypes) {
    for (const m of a.mediaTypes) {
      if (!b.mediaTypes.includes(m)) out.push({ code: "mediaType.removed", kind: side, where: `${where} · ${m}`, a: "present", b: ABSENT, side, ...extra });
    }
    for (const m of b.mediaTypes) {
      if (!a.mediaTypes.includes(m)) out.push({ code: "mediaType.added", kind: side, where: `${where} · ${m}`, a: ABSENT, b: "present", side, ...extra });
    }
  }
  const withRequired = side === "request" || o.responseRequired !== false;
  const onlyA = [...a.fields.keys()].filter((k) => !b.fields.has(k));
  const onlyB = [...b.fields.keys()].filter((k) => !a.fields.has(k));
  // A field under an added/removed parent is part of that change: report the parent only.
  const underOneOf = (key: string, set: string[]) => set.some((p) => p !== key && isAncestor(p, key));
  const keys = [...new Set([...a.fields.keys(), ...b.fields.keys()])].sort();
  for (const key of keys) {
    const fa = a.fields.get(key);
    const fb = b.fields.get(key);
    const at = `${where} · ${key}`;
    if (!fa && fb) {
      if (underOneOf(key, onlyB)) continue;
      out.push({ code: "field.added", kind: side, where: at, a: ABSENT, b: fieldText(fb, withRequired), side, required: fb.required && withRequired, ...extra });
    } else if (fa && !fb) {
      if (underOneOf(key, onlyA)) continue;
      out.push({ code: "field.removed", kind: side, where: at, a: fieldText(fa, withRequired), b: ABSENT, side, ...extra });
    } else if (fa && fb) {
      compareField(fa, fb, at, side, "field", side, { ...o, responseRequired: withRequired }, out, extra);
    }
  }
}

function isAncestor(parent: string, key: string): boolean {
  if (parent === "(body)") return true;
  return key.startsWith(`${parent}.`) || key.startsWith(`${parent}[]`);
}

function compareField(
  a: FieldFact,
  b: FieldFact,
  where: string,
  kind: string,
  prefix: "param" | "field",
  side: "request" | "response",
  o: CompareOptions,
  out: Change[],
  extra: { status?: string } = {},
): void {
  const checkRequired = prefix === "param" || side === "request" || o.responseRequired !== false;
  if (checkRequired && a.required !== b.required) {
    out.push({
      code: `${prefix}.${b.required ? "required" : "optional"}` as ChangeCode,
      kind,
      where,
      a: a.required ? "required" : "optional",
      b: b.required ? "required" : "optional",
      side,
      required: b.required,
      ...extra,
    });
  }
  if (a.type !== b.type) {
    out.push({ code: `${prefix}.type` as ChangeCode, kind, where, a: a.type, b: b.type, side, ...extra });
  }
  if (o.nullable && a.nullable !== b.nullable) {
    out.push({
      code: `${prefix}.${b.nullable ? "nullable" : "notNullable"}` as ChangeCode,
      kind,
      where,
      a: a.nullable ? "nullable" : "not nullable",
      b: b.nullable ? "nullable" : "not nullable",
      side,
      ...extra,
    });
  }
  const ea = a.enum ?? [];
  const eb = b.enum ?? [];
  if (ea.length || eb.length) {
    const norm = o.looseEnums ? normalizeEnumValue : (v: string) => v;
    const setA = new Set(ea.map(norm));
    const setB = new Set(eb.map(norm));
    // An enum appearing or disappearing altogether is a type change (restricted ↔ open string).
    if (ea.length && !eb.length) {
      out.push({ code: "enum.removed", kind: "enum", where, a: `[${ea.join(", ")}]`, b: "any value", side, ...extra });
      return;
    }
    if (!ea.length && eb.length) {
      out.push({ code: `${prefix}.type` as ChangeCode, kind: "enum", where, a: "any value", b: `[${eb.join(", ")}]`, side, ...extra });
      return;
    }
    const removed = [...new Set(ea.filter((v) => !setB.has(norm(v))))];
    const added = [...new Set(eb.filter((v) => !setA.has(norm(v))))];
    if (removed.length) out.push({ code: "enum.removed", kind: "enum", where, a: removed.join(", "), b: ABSENT, side, ...extra });
    if (added.length) out.push({ code: "enum.added", kind: "enum", where, a: ABSENT, b: added.join(", "), side, ...extra });
  }
}

/** Renders rows as a fixed-width text table. */
export function table(headers: string[], rows: string[][], maxWidths: Array<number | undefined> = []): string {
  const cut = (s: string, i: number) => {
    const max = maxWidths[i];
    return max !== undefined && s.length > max ? `${s.slice(0, max - 1)}…` : s;
  };
  const cells = [headers, ...rows].map((r) => r.map(cut));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
