// test:live's shape comparison: the same read-only calls against @peaka/simulator and against Peaka,
// and where their answers differ in shape — status, keys, JSON types, nullability — never in values.
//
// A shape is what a JSON value looks like with its values left out: the JSON types it was seen with
// (null counts as one), an object's keys with the shape of each, an array's items merged into one
// shape. Two answers are compared shape against shape, so that the simulator's sample shop and a real
// project of other data can still be compared: a key only one side sends, a string on one side and a
// number on the other, a null on one side only. What one side cannot show (an empty list, a key that
// is null on one side so its object cannot be looked into) is not compared, and is not a difference.
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { table } from "./compare.js";
import { defaultCalls } from "./live.js";

export type JsonType = "null" | "string" | "number" | "boolean" | "array" | "object";

export interface Shape {
  types: Set<JsonType>;
  /** Keys of the objects seen, with whether every object had it. */
  keys?: Map<string, { shape: Shape; always: boolean }>;
  /** The items of the arrays seen, merged; undefined when every array was empty. */
  items?: Shape;
}

function typeOf(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const t = typeof value;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}

/** The shape of one JSON value. */
export function shapeOf(value: unknown): Shape {
  const type = typeOf(value);
  const shape: Shape = { types: new Set([type]) };
  if (type === "object") {
    shape.keys = new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, { shape: shapeOf(v), always: true }]));
  } else if (type === "array") {
    const items = (value as unknown[]).map(shapeOf);
    if (items.length) shape.items = items.reduce(mergeShapes);
  }
  return shape;
}

/** One shape for values seen with shape `a` or `b` (the items of one array). */
export function mergeShapes(a: Shape, b: Shape): Shape {
  const out: Shape = { types: new Set([...a.types, ...b.types]) };
  if (a.keys || b.keys) {
    const keys = new Map<string, { shape: Shape; always: boolean }>();
    for (const name of new Set([...(a.keys?.keys() ?? []), ...(b.keys?.keys() ?? [])])) {
      const x = a.keys?.get(name);
      const y = b.keys?.get(name);
      if (x && y) keys.set(name, { shape: mergeShapes(x.shape, y.shape), always: x.always && y.always });
      else keys.set(name, { shape: (x ?? y)!.shape, always: false });
    }
    out.keys = keys;
  }
  if (a.items && b.items) out.items = mergeShapes(a.items, b.items);
  else if (a.items ?? b.items) out.items = a.items ?? b.items;
  return out;
}

export type ShapeDifferenceKind = "status" | "type" | "nullability" | "only in the simulator" | "only in Peaka";

export interface ShapeDifference {
  /** Where in the answer: `$` for the body itself, `$.status`, `$[].id`, ... */
  at: string;
  kind: ShapeDifferenceKind;
  simulator: string;
  peaka: string;
}

const typesText = (types: Iterable<JsonType>) => [...types].sort().join(" | ") || "nothing";

/** Every difference in shape between the simulator's answer (`sim`) and Peaka's (`peaka`). */
export function compareShapes(sim: Shape, peaka: Shape, at = "$"): ShapeDifference[] {
  const out: ShapeDifference[] = [];
  const simTypes = [...sim.types].filter((t) => t !== "null");
  const peakaTypes = [...peaka.types].filter((t) => t !== "null");
  const bothValues = simTypes.length > 0 && peakaTypes.length > 0;
  // A side seen only as null says nothing about the type of its values: only nullability is compared.
  if (bothValues && typesText(simTypes) !== typesText(peakaTypes)) {
    out.push({ at, kind: "type", simulator: typesText(sim.types), peaka: typesText(peaka.types) });
  }
  if (sim.types.has("null") !== peaka.types.has("null")) {
    out.push({ at, kind: "nullability", simulator: sim.types.has("null") ? `${typesText(sim.types)} (null seen)` : `${typesText(sim.types)} (never null)`, peaka: peaka.types.has("null") ? `${typesText(peaka.types)} (null seen)` : `${typesText(peaka.types)} (never null)` });
  }
  if (sim.keys && peaka.keys) {
    for (const [name, s] of sim.keys) {
      const p = peaka.keys.get(name);
      const where = `${at}.${name}`;
      if (!p) out.push({ at: where, kind: "only in the simulator", simulator: typesText(s.shape.types), peaka: "absent" });
      else out.push(...compareShapes(s.shape, p.shape, where));
    }
    for (const [name, p] of peaka.keys) {
      if (!sim.keys.has(name)) out.push({ at: `${at}.${name}`, kind: "only in Peaka", simulator: "absent", peaka: typesText(p.shape.types) });
    }
  }
  if (sim.items && peaka.items) out.push(...compareShapes(sim.items, peaka.items, `${at}[]`));
  return out;
}

/** A read-only call: a GET of the spec, with the path parameters it needs. */
export interface ShapeCall {
  operationId: string;
  path: string;
  params: Record<string, string>;
}

/** One side of the comparison: where to send requests and with which key. */
export interface ShapeSide {
  /** Base URL including `/api/v1`. */
  baseUrl: string;
  apiKey: string;
  /** The project to read. */
  projectId: string;
  /** Default: `globalThis.fetch`. The simulator's in-process `sim.fetch` fits. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

export interface Answer {
  status: number;
  /** The parsed JSON body; undefined when there was none or it was not JSON. */
  body: unknown;
  /** Set when there was no answer (network error, timeout). */
  failure?: string;
}

export interface ShapeResult {
  operationId: string;
  /** The call as made on each side (paths hold each side's own ids). */
  simulatorPath: string;
  peakaPath: string;
  simulator: Answer;
  peaka: Answer;
  differences: ShapeDifference[];
}

/**
 * A call whose parameters come from another call's answer, on each side its own: the items of a list,
 * tried in order (at most five) until one gives a 200 answer that is not an empty list.
 */
export interface DerivedCall {
  operationId: string;
  /** The call whose answer gives the parameters. */
  from: string;
  /** The parameters each item of that answer gives (items that give none are left out). */
  params: (item: Record<string, unknown>) => Record<string, string> | undefined;
}

/** Every GET of the spec that answers JSON and needs at most `projectId` (test:live's contract calls). */
export function projectCalls(specPath?: string): ShapeCall[] {
  return defaultCalls("{projectId}", specPath).map((c) => ({ operationId: c.operationId, path: c.path, params: {} }));
}

const str = (value: unknown) => (typeof value === "string" && value ? value : undefined);
/** The named string fields of an item, or undefined when one is missing. */
const pick =
  (...names: string[]) =>
  (item: Record<string, unknown>): Record<string, string> | undefined => {
    const out: Record<string, string> = {};
    for (const name of names) {
      const value = str(item[name]);
      if (!value) return undefined;
      out[name] = value;
    }
    return out;
  };
const byId = (param: string) => (item: Record<string, unknown>) => (str(item["id"]) ? { [param]: str(item["id"])! } : undefined);

/**
 * Calls that go one level down from a list: a catalog, its schemas and tables and columns, a cache's
 * status, a saved query, an export.
 */
export const DERIVED_CALLS: DerivedCall[] = [
  { operationId: "getCatalog", from: "listCatalogs", params: byId("catalogId") },
  { operationId: "listCatalogSchemas", from: "listCatalogs", params: byId("catalogId") },
  { operationId: "listCatalogTables", from: "listCatalogSchemas", params: pick("catalogId", "schemaName") },
  { operationId: "listCatalogColumns", from: "listCatalogTables", params: pick("catalogId", "schemaName", "tableName") },
  { operationId: "getCacheStatus", from: "listCacheStatusesByProject", params: byId("cacheId") },
  { operationId: "getQuery", from: "listQueries", params: byId("queryId") },
  { operationId: "getExport", from: "listExports", params: byId("exportId") },
];

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}

async function get(side: ShapeSide, path: string, timeoutMs: number): Promise<Answer> {
  const send = side.fetch ?? globalThis.fetch;
  try {
    const response = await send(`${side.baseUrl.replace(/\/+$/, "")}${path}`, {
      headers: { authorization: `Bearer ${side.apiKey}`, accept: "application/json" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: undefined, failure: error instanceof Error ? error.message : String(error) };
  }
}

/** The differences of two answers to the same call: their status class, then their bodies' shapes. */
export function compareAnswers(sim: Answer, peaka: Answer): ShapeDifference[] {
  if (sim.failure || peaka.failure) return [];
  const out: ShapeDifference[] = [];
  if (Math.floor(sim.status / 100) !== Math.floor(peaka.status / 100) || (sim.status >= 400 && sim.status !== peaka.status)) {
    out.push({ at: "(status)", kind: "status", simulator: String(sim.status), peaka: String(peaka.status) });
  }
  if (sim.body !== undefined && peaka.body !== undefined && out.length === 0) out.push(...compareShapes(shapeOf(sim.body), shapeOf(peaka.body)));
  return out;
}

export interface ShapeCheckOptions {
  simulator: ShapeSide;
  peaka: ShapeSide;
  /** Default: every GET that needs at most projectId (`projectCalls()`), then DERIVED_CALLS. */
  calls?: ShapeCall[];
  derived?: DerivedCall[];
  /** Time limit of one request, ms. Default 30000. */
  timeoutMs?: number;
}

/** Errors the simulator answers for what it does not simulate: there is nothing to compare. */
const NOT_SIMULATED = new Set(["NOT_SIMULATED", "SQL_ENGINE_UNAVAILABLE"]);

function notSimulated(answer: Answer): string | undefined {
  const code = (answer.body as { errorCode?: unknown } | undefined)?.errorCode;
  return answer.status === 501 && typeof code === "string" && NOT_SIMULATED.has(code) ? `the simulator answers 501 ${code}` : undefined;
}

/** Makes each call on both sides, one after the other, and compares the answers' shapes. */
export async function compareLiveShapes(options: ShapeCheckOptions): Promise<ShapeResult[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const results: ShapeResult[] = [];
  /** Each side's answers so far, by operation: the items of the chosen answer feed the derived calls. */
  const seen = { simulator: new Map<string, Answer>(), peaka: new Map<string, Answer>() };
  const result = (operationId: string, simulatorPath: string, peakaPath: string, sim: Answer, peaka: Answer): ShapeResult => {
    const skip = notSimulated(sim);
    if (skip) sim = { ...sim, failure: `not compared: ${skip}` };
    return { operationId, simulatorPath, peakaPath, simulator: sim, peaka, differences: compareAnswers(sim, peaka) };
  };
  const calls = options.calls ?? projectCalls();
  for (const call of calls) {
    const simulatorPath = fill(call.path, { projectId: options.simulator.projectId, ...call.params });
    const peakaPath = fill(call.path, { projectId: options.peaka.projectId, ...call.params });
    const sim = await get(options.simulator, simulatorPath, timeoutMs);
    const peaka = await get(options.peaka, peakaPath, timeoutMs);
    seen.simulator.set(call.operationId, sim);
    seen.peaka.set(call.operationId, peaka);
    results.push(result(call.operationId, simulatorPath, peakaPath, sim, peaka));
  }
  const pathOf = new Map(projectPaths().map((p) => [p.operationId, p.path]));
  /** On one side: the derived call made with each candidate in turn until one answers with data. */
  const derive = async (side: "simulator" | "peaka", d: DerivedCall, path: string) => {
    const from = seen[side].get(d.from);
    const items = from?.status === 200 && Array.isArray(from.body) ? (from.body as unknown[]) : [];
    const candidates = items
      .filter((i): i is Record<string, unknown> => typeof i === "object" && i !== null)
      .map(d.params)
      .filter((p): p is Record<string, string> => p !== undefined)
      .slice(0, 5);
    let made: { path: string; answer: Answer } | undefined;
    for (const params of candidates) {
      const filled = fill(path, { projectId: options[side].projectId, ...params });
      made = { path: filled, answer: await get(options[side], filled, timeoutMs) };
      if (made.answer.status === 200 && !(Array.isArray(made.answer.body) && made.answer.body.length === 0)) break;
    }
    if (made) seen[side].set(d.operationId, made.answer);
    return made;
  };
  for (const d of options.derived ?? DERIVED_CALLS) {
    const path = pathOf.get(d.operationId);
    if (!path) continue;
    const sim = await derive("simulator", d, path);
    const peaka = await derive("peaka", d, path);
    if (!sim || !peaka) {
      const none = !sim && !peaka ? "either side" : !sim ? "the simulator" : "Peaka";
      const failure = `not compared: ${d.from} gave ${none} nothing to call it with`;
      results.push({ operationId: d.operationId, simulatorPath: sim?.path ?? "", peakaPath: peaka?.path ?? "", simulator: sim?.answer ?? { status: 0, body: undefined, failure }, peaka: peaka?.answer ?? { status: 0, body: undefined, failure }, differences: [] });
      continue;
    }
    results.push(result(d.operationId, sim.path, peaka.path, sim.answer, peaka.answer));
  }
  return results;
}

let paths: Array<{ operationId: string; path: string }> | undefined;
function projectPaths() {
  paths ??= listOperations(loadSpec()).map((op) => ({ operationId: op.operationId, path: op.path }));
  return paths;
}

/** True when the comparison found a difference. */
export const differs = (results: ShapeResult[]) => results.some((r) => r.differences.length > 0);

export function formatShapeReport(results: ShapeResult[], peakaUrl: string): string {
  const rows: string[][] = [];
  let same = 0;
  let skipped = 0;
  for (const r of results) {
    if (r.simulator.failure || r.peaka.failure) {
      skipped++;
      rows.push(["NOT COMPARED", r.operationId, "", r.simulator.failure ?? r.peaka.failure ?? "", ""]);
      continue;
    }
    if (!r.differences.length) {
      same++;
      rows.push(["same shape", r.operationId, "", String(r.simulator.status), String(r.peaka.status)]);
    }
    for (const d of r.differences) rows.push([d.kind.toUpperCase(), r.operationId, d.at, d.simulator, d.peaka]);
  }
  const different = results.length - same - skipped;
  return [
    `Shapes of the same read-only calls on @peaka/simulator and on ${peakaUrl} (keys, JSON types, nullability; not values):`,
    "",
    table(["RESULT", "OPERATION", "WHERE", "SIMULATOR", "PEAKA"], rows, [undefined, undefined, 60, 40, 40]),
    "",
    `${results.length} call(s): ${same} of the same shape, ${different} different, ${skipped} not compared.`,
  ].join("\n");
}
