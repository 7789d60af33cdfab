// Path and query parameters checked against the spec's parameter schemas (all of them are strings,
// integers or booleans with enum, minimum, maximum or date-time format), converted to their types.
import { badRequest } from "./http.js";
import type { Route } from "./spec.js";

/** The query of a request as its parameters' types; a 400 naming the parameter when one does not fit. */
export function readQuery(route: Route, search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of route.parameters) {
    if (p.in !== "query") continue;
    const raw = search.get(p.name);
    const schema = p.schema ?? {};
    if (raw === null) {
      if (p.required) throw badRequest(`Required request parameter '${p.name}' is not present`);
      if (schema["default"] !== undefined) out[p.name] = schema["default"];
      continue;
    }
    out[p.name] = convert(p.name, raw, schema);
  }
  return out;
}

function convert(name: string, raw: string, schema: Record<string, any>): unknown {
  const bad = (why: string) => badRequest(`Parameter '${name}' ${why}; got ${JSON.stringify(raw)}`);
  let value: unknown = raw;
  if (schema["type"] === "integer" || schema["type"] === "number") {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || (schema["type"] === "integer" && !Number.isInteger(n))) throw bad(`must be ${schema["type"] === "integer" ? "an integer" : "a number"}`);
    if (typeof schema["minimum"] === "number" && n < schema["minimum"]) throw bad(`must be >= ${schema["minimum"]}`);
    // Peaka clamps a page size above its maximum (listExports: 1 to 200) rather than refusing it.
    value = typeof schema["maximum"] === "number" ? Math.min(n, schema["maximum"]) : n;
  } else if (schema["type"] === "boolean") {
    if (raw !== "true" && raw !== "false") throw bad("must be true or false");
    value = raw === "true";
  } else if (schema["format"] === "date-time" && !Number.isFinite(Date.parse(raw))) {
    throw bad("must be an ISO 8601 date-time");
  }
  if (Array.isArray(schema["enum"]) && !schema["enum"].includes(value)) throw bad(`must be one of ${schema["enum"].join(", ")}`);
  return value;
}
