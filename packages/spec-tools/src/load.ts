// Loading OpenAPI descriptions: the multi-file spec/ (from disk or from a git ref) and single documents
// (Peaka's published JSON). Every reference between files is inlined; references to the root document's
// own components stay internal (`#/components/...`) so recursive schemas stay finite.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { posix, resolve } from "node:path";
import { parse } from "yaml";

export type Doc = Record<string, any>;

/** Reads a file by its path relative to some root (POSIX separators). Throws if it does not exist. */
export type FileReader = (path: string) => string;

/** A reader for files on disk under `root`. */
export function diskReader(root: string): FileReader {
  return (path) => readFileSync(resolve(root, path), "utf8");
}

/** A reader for files as committed at `ref` in the git repository at `repo` (`git show ref:path`). */
export function gitReader(repo: string, ref: string): FileReader {
  return (path) =>
    execFileSync("git", ["show", `${ref}:${path}`], {
      cwd: repo,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
}

/** Parses JSON or YAML text. */
export function parseDocument(text: string): Doc {
  const trimmed = text.trimStart();
  const doc = trimmed.startsWith("{") ? JSON.parse(text) : parse(text);
  if (!doc || typeof doc !== "object") throw new Error("not an OpenAPI document (expected an object)");
  return doc as Doc;
}

/**
 * Loads the document at `rootPath` (relative to the reader's root) with every file reference inlined.
 * Also returns the list of files read, relative to the reader's root.
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
    // Components of the root are often references into other files: inline them (one level), keeping
    // a component that merely points at another root component as it is.
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

export function pointer(doc: unknown, fragment: string, label = fragment): unknown {
  let node: any = doc;
  for (const raw of fragment.split("/").filter(Boolean)) {
    const token = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = node?.[token];
    if (node === undefined) throw new Error(`unresolvable $ref ${label}`);
  }
  return node;
}

/** Resolves internal references until a non-reference node is reached. */
export function deref<T = any>(doc: Doc, node: any): T {
  let current = node;
  for (let i = 0; current && typeof current === "object" && typeof current.$ref === "string"; i++) {
    if (i > 30) throw new Error(`reference chain too long at ${current.$ref}`);
    if (!current.$ref.startsWith("#")) throw new Error(`unexpected external $ref ${current.$ref}`);
    current = pointer(doc, current.$ref.slice(1), current.$ref);
  }
  return current as T;
}
