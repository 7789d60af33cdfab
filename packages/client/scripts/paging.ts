// The paging part of the resource generator: reads `x-peaka-paging` of an operation (see spec/README.md)
// and gives what generate-resources.ts writes for it: the runtime description (src/internal/paging.ts
// `Paging`), the item type, and the page limits of its `limit` parameter or body field.
import { deref, type SpecOperation } from "@peaka/mock/spec";

/** The styles of `x-peaka-paging`, and the function of src/internal/paging.ts that pages each way. */
const STYLES: Record<string, string> = { offset: "byOffset", cursor: "byCursor", "next-offset": "byNextOffset" };
const KEYS = new Set(["style", "items", "kinds", "id", "cursor", "at", "next", "needs", "pageSize"]);

export interface PagingOut {
  /** The `Paging` object literal, as source text. */
  runtime: string;
  /** The item type, from the result type's source text. */
  item(result: string): string;
  /** `limit`'s bounds: `{ min, max? }` as source text. */
  limits: string;
  /** The style's function, to import from src/internal/paging.ts. */
  style: string;
}

/** The schema of the `limit` that sets an operation's page size: a query parameter, or a field of the JSON body. */
function limitOf(spec: Record<string, any>, op: SpecOperation): { in: "query" | "body"; schema: Record<string, any> } | undefined {
  const param = op.parameters.find((p) => p["name"] === "limit" && p["in"] === "query");
  if (param) return { in: "query", schema: deref(spec, param["schema"]) };
  const body = deref(spec, op.operation.requestBody);
  const schema = deref(spec, body?.content?.["application/json"]?.schema);
  const variants = [schema, ...(schema?.oneOf ?? schema?.anyOf ?? []).map((s: unknown) => deref(spec, s))];
  const withLimit = variants.find((s) => s?.properties?.limit);
  return withLimit ? { in: "body", schema: deref(spec, withLimit.properties.limit) } : undefined;
}

export function pagingOf(spec: Record<string, any>, op: SpecOperation, problems: string[]): PagingOut | undefined {
  const x = op.operation["x-peaka-paging"];
  if (x === undefined) return undefined;
  const id = op.operationId;
  const fail = (why: string) => (problems.push(`${id}: x-peaka-paging ${why}`), undefined);
  if (typeof x !== "object" || x === null) return fail("must be an object");
  for (const key of Object.keys(x)) if (!KEYS.has(key)) return fail(`has an unknown field "${key}"`);
  if (typeof x.style !== "string" || !Object.hasOwn(STYLES, x.style)) return fail(`style must be one of ${Object.keys(STYLES).join(", ")}`);
  const style = STYLES[x.style] as string;
  const limit = limitOf(spec, op);
  if (!limit) return fail("needs a `limit` query parameter or body field");
  if (limit.schema["type"] !== "integer") return fail("needs an integer `limit`");
  const min: number = limit.schema["minimum"] ?? 1;
  const max: number | undefined = limit.schema["maximum"];
  const pageSize = x.pageSize as number | undefined;
  if (pageSize !== undefined && !(Number.isSafeInteger(pageSize) && pageSize >= Math.max(min, 1) && (max === undefined || pageSize <= max))) {
    return fail("pageSize is not within the limits of `limit`");
  }
  if (x.style === "cursor") {
    if (limit.in !== "query") return fail("style cursor needs `limit` in the query");
    if (!op.parameters.some((p) => p["name"] === x.cursor && p["in"] === "query")) return fail("cursor must name a query parameter");
    if (typeof x.at !== "string" || typeof x.id !== "string" || pageSize === undefined) return fail("style cursor needs `at`, `id` and `pageSize`");
  } else if (!(limit.in === "query" ? op.parameters.some((p) => p["name"] === "offset" && p["in"] === "query") : true)) {
    return fail("needs an `offset` query parameter beside `limit`");
  }
  if (x.style === "next-offset" && typeof x.next !== "string") return fail("style next-offset needs `next`");
  if (x.kinds !== undefined && (x.items !== undefined || typeof x.kinds !== "object")) return fail("takes `items` or `kinds`, not both");
  if (x.needs !== undefined && limit.in !== "body") return fail("needs applies to a body only");

  const q = JSON.stringify;
  const fields = [`id: ${q(id)}`, `style: ${style}`, `in: ${q(limit.in)}`];
  if (x.items !== undefined) fields.push(`items: ${q(x.items)}`);
  if (x.kinds !== undefined) fields.push(`kinds: { ${Object.entries(x.kinds).map(([k, v]) => `${k}: ${q(v)}`).join(", ")} }`);
  if (x.id !== undefined) fields.push(`key: ${q(x.id)}`);
  if (x.cursor !== undefined) fields.push(`cursor: ${q(x.cursor)}`);
  if (x.at !== undefined) fields.push(`at: ${q(x.at)}`);
  if (x.next !== undefined) fields.push(`next: ${q(x.next)}`);
  if (x.needs !== undefined) fields.push(`needs: ${q(x.needs)}`);
  if (pageSize !== undefined) fields.push(`size: ${pageSize}`);
  fields.push(`min: ${min}`);
  if (max !== undefined) fields.push(`max: ${max}`);
  const limits = max === undefined ? `{ min: ${min} }` : `{ min: ${min}, max: ${max} }`;

  const item = (result: string) => {
    const list = (path: string) => `NonNullable<${path.split(".").reduce((t, k) => `NonNullable<${t}>[${q(k)}]`, result)}>[number]`;
    if (x.kinds) return Object.entries<string>(x.kinds).map(([kind, path]) => `{ kind: ${q(kind)}; match: ${list(path)} }`).join(" | ");
    return x.items ? list(x.items) : `NonNullable<${result}>[number]`;
  };
  return { runtime: `{ ${fields.join(", ")} }`, item, limits, style };
}
