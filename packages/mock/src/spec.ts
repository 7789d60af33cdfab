// Reads the multi-file spec into one document. Used by the generators and the contract tests, which must
// enumerate operations from the spec itself.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { SPEC_PATH } from "./index.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

export interface SpecOperation {
  method: (typeof HTTP_METHODS)[number];
  path: string;
  operationId: string;
  /** The operation object (internal references to components left as they are). */
  operation: Record<string, any>;
  /** Parameters of the path item and the operation, references resolved. */
  parameters: Array<Record<string, any>>;
  tag: string;
}

/**
 * Reads the spec into one document: references to the root's own components stay as internal
 * references (`#/components/schemas/Name`, so recursive schemas stay finite); every other reference
 * (path files, schema files) is inlined. `deref` resolves the internal ones.
 */
export function loadSpec(path: string = SPEC_PATH): Record<string, any> {
  const root = resolve(path);
  const files = new Map<string, unknown>();
  const read = (file: string) => {
    if (!files.has(file)) files.set(file, parse(readFileSync(file, "utf8")));
    return files.get(file);
  };
  const walk = (node: unknown, file: string, seen: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, file, seen));
    if (!node || typeof node !== "object") return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string") {
      const [filePart, fragment = ""] = ref.split("#");
      const target = filePart ? resolve(dirname(file), filePart) : file;
      if (target === root && fragment.startsWith("/components/")) return { $ref: `#${fragment}` };
      const key = `${target}#${fragment}`;
      if (seen.includes(key)) throw new Error(`circular $ref outside components: ${key}`);
      return walk(pointer(read(target), fragment, key), target, [...seen, key]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, file, seen);
    return out;
  };
  const doc = read(root) as Record<string, any>;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc)) {
    // the root's components are themselves references into the domain files: inline them here
    out[k] = k === "components" ? walkComponents(v, (n) => walk(n, root, [])) : walk(v, root, []);
  }
  return out;
}

function walkComponents(components: Record<string, any>, walk: (node: unknown) => unknown) {
  const out: Record<string, any> = {};
  for (const [kind, entries] of Object.entries(components ?? {})) {
    out[kind] = {};
    for (const [name, value] of Object.entries<any>(entries ?? {})) {
      const ref = value?.$ref;
      out[kind][name] = typeof ref === "string" && !ref.startsWith("#") ? walk(value) : walk({ ...value });
    }
  }
  return out;
}

function pointer(doc: unknown, fragment: string, label: string): unknown {
  let node: any = doc;
  for (const raw of fragment.split("/").filter(Boolean)) {
    const token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = node?.[token];
    if (node === undefined) throw new Error(`unresolvable $ref ${label}`);
  }
  return node;
}

/** Resolves internal references (`#/components/...`) until a non-reference node is reached. */
export function deref<T = any>(spec: Record<string, any>, node: any): T {
  let current = node;
  for (let i = 0; current && typeof current === "object" && typeof current.$ref === "string"; i++) {
    if (i > 20) throw new Error(`reference chain too long at ${current.$ref}`);
    current = pointer(spec, current.$ref.slice(1), current.$ref);
  }
  return current as T;
}

/** Every operation of the spec, in document order. */
export function listOperations(spec: Record<string, any> = loadSpec()): SpecOperation[] {
  const out: SpecOperation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(spec["paths"] ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const shared: Array<Record<string, any>> = (item["parameters"] ?? []).map((p: unknown) => deref(spec, p));
      const own: Array<Record<string, any>> = (operation.parameters ?? []).map((p: unknown) => deref(spec, p));
      const parameters = [
        ...shared.filter((p) => !own.some((o) => o["name"] === p["name"] && o["in"] === p["in"])),
        ...own,
      ];
      out.push({ method, path, operationId: operation.operationId, operation, parameters, tag: operation.tags?.[0] });
    }
  }
  return out;
}
