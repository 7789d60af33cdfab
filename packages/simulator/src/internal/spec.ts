// What the simulator knows of Peaka's API comes from spec/peaka.yaml, read once per process: the route
// table (method, path template, operationId, parameters, key scope, success answer) and the strict Ajv
// validator of @peaka/spec-tools, which checks request bodies here and every answer in the tests.
import { deref, listOperations, loadSpec, type Doc } from "@peaka/mock/spec";
import { createResponseValidator, type ResponseValidator } from "@peaka/spec-tools/src/answers";

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
  spec: Doc;
  routes: Route[];
  byId: Map<string, Route>;
  validator: ResponseValidator;
}

let model: SpecModel | undefined;

/** Routes ordered so that a literal segment wins over a parameter at the same place (`/queries/execute` before `/queries/{queryId}`). */
function routeOrder(a: Route, b: Route): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const pa = a.segments[i]!.startsWith("{") ? 1 : 0;
    const pb = b.segments[i]!.startsWith("{") ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}

export function specModel(): SpecModel {
  if (model) return model;
  const validator = createResponseValidator();
  const spec = validator.spec;
  const routes: Route[] = listOperations(spec).map((op) => {
    const responses = op.operation["responses"] ?? {};
    const success = Object.keys(responses).filter((c) => /^2\d\d$/.test(c)).sort()[0] ?? "200";
    const content = deref(spec, responses[success] ?? {}).content ?? {};
    const body = op.operation["requestBody"] ? deref(spec, op.operation["requestBody"]) : undefined;
    return {
      operationId: op.operationId,
      method: op.method.toUpperCase(),
      path: op.path,
      segments: op.path.split("/").filter(Boolean),
      parameters: op.parameters.map((p) => ({ ...p, schema: p["schema"] ? deref(spec, p["schema"]) : undefined })) as Route["parameters"],
      partnerOnly: JSON.stringify(op.operation["x-peaka-key-types"] ?? []) === JSON.stringify(["partner"]),
      bodyTypes: Object.keys(body?.content ?? {}),
      bodyRequired: body?.required === true,
      successStatus: Number(success),
      successMedia: Object.keys(content)[0],
    };
  });
  routes.sort(routeOrder);
  model = { spec, routes, byId: new Map(routes.map((r) => [r.operationId, r])), validator };
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
