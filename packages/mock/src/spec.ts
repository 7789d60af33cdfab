// Reads the multi-file spec into one document. Used by the generators and the contract tests, which must
// enumerate operations from the spec itself.
import { readFileSync } from "node:fs";
import { basename, dirname, posix, resolve } from "node:path";
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

/** A JSON or YAML document. */
export type Doc = Record<string, any>;

/** Reads a file by its path relative to some root (POSIX separators). Throws if it does not exist. */
export type FileReader = (path: string) => string;

/** A reader for files on disk under `root`. */
export function diskReader(root: string): FileReader {
  return (path) => readFileSync(resolve(root, path), "utf8");
}

/** Parses JSON or YAML text. */
export function parseDocument(text: string): Doc {
  const doc = text.trimStart().startsWith("{") ? JSON.parse(text) : parse(text);
  if (!doc || typeof doc !== "object") throw new Error("not an OpenAPI document (expected an object)");
  return doc as Doc;
}

/**
 * Loads the document at `rootPath` (relative to the reader's root) as one document: references to
 * the root's own components stay internal (`#/components/schemas/Name`, so recursive schemas stay
 * finite); every other reference (path files, schema files) is inlined. `deref` resolves the internal
 * ones. Also returns the files read, relative to the reader's root. The reader may read from disk or,
 * for the spec tools, from a git ref.
 */
export function loadMultiFile(rootPath: string, read: FileReader): { doc: Doc; files: string[] } {
  const root = posix.normalize(rootPath);
  const cache = new Map<string, unknown>();
  const load = (file: string) => {
    if (!cache.has(file)) cache.set(file, parseDocument(read(file)));
    return cache.get(file);
  };
  const walk = (node: unknown, file: string, seen: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, file, seen));
    if (!node || typeof node !== "object") return node;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string") {
      const [filePart = "", fragment = ""] = ref.split("#");
      const target = filePart ? posix.normalize(posix.join(posix.dirname(file), filePart)) : file;
      if (target === root && fragment.startsWith("/components/")) return { $ref: `#${fragment}` };
      const key = `${target}#${fragment}`;
      if (seen.includes(key)) throw new Error(`circular $ref outside components: ${key}`);
      return walk(pointer(load(target), fragment, key), target, [...seen, key]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v, file, seen);
    return out;
  };
  const top = load(root) as Doc;
  const doc: Doc = {};
  for (const [key, value] of Object.entries(top)) {
    if (key !== "components" || !value || typeof value !== "object") {
      doc[key] = walk(value, root, []);
      continue;
    }
    // The root's components are themselves references into the domain files: inline them (one
    // level), keeping a component that merely points at another root component as it is.
    const components: Doc = {};
    for (const [kind, entries] of Object.entries<any>(value)) {
      components[kind] = {};
      for (const [name, entry] of Object.entries<any>(entries ?? {})) {
        const ref = entry?.$ref;
        const isFileRef = typeof ref === "string" && !ref.startsWith("#");
        components[kind][name] = isFileRef ? walk(entry, root, []) : walk({ ...entry }, root, []);
      }
    }
    doc[key] = components;
  }
  return { doc, files: [...cache.keys()].sort() };
}

/** Reads the spec (default: spec/peaka.yaml of this repository) into one document; see loadMultiFile. */
export function loadSpec(path: string = SPEC_PATH): Doc {
  const full = resolve(path);
  return loadMultiFile(basename(full), diskReader(dirname(full))).doc;
}

/** Follows a JSON pointer fragment (`/components/schemas/X`) into a document. */
export function pointer(doc: unknown, fragment: string, label = fragment): unknown {
  let node: any = doc;
  for (const raw of fragment.split("/").filter(Boolean)) {
    const token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = node?.[token];
    if (node === undefined) throw new Error(`unresolvable $ref ${label}`);
  }
  return node;
}

/** Resolves internal references (`#/components/...`) until a non-reference node is reached. */
export function deref<T = any>(spec: Doc, node: any): T {
  let current = node;
  for (let i = 0; current && typeof current === "object" && typeof current.$ref === "string"; i++) {
    if (i > 30) throw new Error(`reference chain too long at ${current.$ref}`);
    if (!current.$ref.startsWith("#")) throw new Error(`unexpected external $ref ${current.$ref}`);
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
