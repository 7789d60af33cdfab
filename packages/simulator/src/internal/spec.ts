// What the simulator knows of Peaka's API comes from spec/peaka.yaml, compiled at build time into
// src/generated/spec-model.ts (scripts/generate-spec-model.ts): the route table (method, path template,
// operationId, parameters, key scope, success answer), the request body and component schemas, checked here
// with Ajv (strict, OpenAPI 3.0 nullable, as the answer fixtures are). Nothing reads YAML at run time.
import { SPEC_MODEL_JSON } from "../generated/spec-model.js";
import { createBodyValidator } from "./validate.js";

export interface Route {
  operationId: string;
  method: string;
  /** The path template, `/data/projects/{projectId}/cache/{cacheId}`. */
  path: string;
  segments: string[];
  /** Path and query parameters, references resolved. */
  parameters: Array<{ name: string; in: string; required?: boolean; schema?: Record<string, any> }>;
  /** True when only a partner key may call it (`x-peaka-key-types: [partner]`). */
  partnerOnly: boolean;
  /** The media types of the request body, if it takes one; `bodyRequired` when the spec says so. */
  bodyTypes: string[];
  bodyRequired: boolean;
  /** The success status the spec declares (the lowest 2xx) and whether it carries a body. */
  successStatus: number;
  successMedia: string | undefined;
}

export interface SpecModel {
  /** Every operation's route, a literal segment ordered before a parameter at the same place. */
  routes: Route[];
  byId: Map<string, Route>;
  validator: ReturnType<typeof createBodyValidator>;
}

interface GeneratedModel {
  routes: Array<Omit<Route, "segments">>;
  bodies: Record<string, Record<string, unknown>>;
  definitions: Record<string, unknown>;
}

let model: SpecModel | undefined;

/** The spec model, parsed once per process (the validator compiles each body schema on first use). */
export function specModel(): SpecModel {
  if (model) return model;
  const generated = JSON.parse(SPEC_MODEL_JSON) as GeneratedModel;
  const routes: Route[] = generated.routes.map((r) => ({ ...r, segments: r.path.split("/").filter(Boolean) }));
  model = { routes, byId: new Map(routes.map((r) => [r.operationId, r])), validator: createBodyValidator(generated.bodies, generated.definitions) };
  return model;
}

/** The route a method and path name, with its decoded path parameters; undefined when none fits. */
export function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; params: Record<string, string> } | { pathOnly: true } | undefined {
  const parts = pathname.split("/").filter(Boolean);
  let pathOnly = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = route.segments[i]!;
      if (seg.startsWith("{")) {
        try {
          params[seg.slice(1, -1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
        }
      } else ok = seg === parts[i];
    }
    if (!ok) continue;
    if (route.method === method) return { route, params };
    pathOnly = true;
  }
  return pathOnly ? { pathOnly: true } : undefined;
}
