// Manifest checks on what a registry serves (used by release-rehearse.ts after `changeset publish`):
// everything is read back from the registry — the packument, each version's manifest and the tarball —
// never from the workspace.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
// @ts-expect-error plain ESM script without declarations
import { scanDir } from "./check-names.mjs";
// @ts-expect-error plain ESM script without declarations
import { compareFields, describeMetadata, expectedFields } from "./metadata.mjs";

/** The Node.js versions the published packages support, as the README says. */
export const NODE_ENGINES = ">=20.19";

type Json = Record<string, unknown>;
export interface WorkspacePackage {
  name: string;
  version: string;
  /** Folder relative to the repository root, with `/`. */
  directory: string;
  private: boolean;
}
export interface Metadata {
  repository: string;
  placeholder: boolean;
}

const DEP_FIELDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] as const;
/** What a tarball may hold: package.json, README.md, LICENSE, CHANGELOG.md and dist/. */
const ALLOWED = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+)$/;
const REQUIRED = ["README.md", "LICENSE", "CHANGELOG.md", "package.json"];

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as Json;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every string leaf of an `exports` map (or a plain string). */
function targets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(targets);
  return [];
}

/** The problems of one manifest's dependency fields. */
function dependencyProblems(m: Json, privateNames: Set<string>, published: Map<string, string>, where: string): string[] {
  const problems: string[] = [];
  for (const field of DEP_FIELDS) {
    const deps = (m[field] ?? {}) as Record<string, string>;
    for (const [dep, spec] of Object.entries(deps)) {
      if (/^(workspace|catalog|link|file):/.test(spec)) problems.push(`${where} ${field}.${dep} is "${spec}" (a workspace protocol left in)`);
      if (privateNames.has(dep)) problems.push(`${where} ${field}.${dep}: a private workspace package`);
      const own = published.get(dep);
      if (own !== undefined && field !== "devDependencies") {
        const range = /^[\^~](\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(spec);
        if (!range) problems.push(`${where} ${field}.${dep} is "${spec}": expected a caret or tilde range on ${own}`);
        else if (range[1] !== own) problems.push(`${where} ${field}.${dep} is "${spec}" but ${dep} was published as ${own}`);
      }
    }
  }
  return problems;
}

export interface ManifestReport {
  /** One line per check, prefixed "ok  " or "FAIL". */
  lines: string[];
  failures: string[];
  /** Unpacked tarballs, by package name (for the caller to look at). */
  unpacked: Map<string, string>;
}

/**
 * Checks every public package of `workspace` as the registry serves it.
 * @param registry base URL ending in `/`
 * @param fixed the `fixed` groups of .changeset/config.json
 * @param scratch an empty folder for tarballs
 */
export async function checkPublished(opts: {
  registry: string;
  workspace: WorkspacePackage[];
  fixed: string[][];
  meta: Metadata;
  scratch: string;
}): Promise<ManifestReport> {
  const { registry, workspace, fixed, meta, scratch } = opts;
  const lines: string[] = [];
  const failures: string[] = [];
  const unpacked = new Map<string, string>();
  const report = (ok: boolean, what: string, problems: string[] = []) => {
    lines.push(`${ok ? "ok  " : "FAIL"} ${what}`);
    for (const p of problems) lines.push(`       ${p}`);
    if (!ok) failures.push(`${what}: ${problems.join("; ")}`);
  };
  const publicPackages = workspace.filter((p) => !p.private);
  const privateNames = new Set(workspace.filter((p) => p.private).map((p) => p.name));
  const published = new Map<string, string>();
  const manifests = new Map<string, Json>();
  lines.push(`metadata: ${describeMetadata(meta)}`);

  for (const pkg of publicPackages) {
    const label = `${pkg.name}@${pkg.version}`;
    let packument: Json;
    try {
      packument = await getJson(`${registry}${pkg.name.replace("/", "%2f")}`);
    } catch (error) {
      report(false, `${label}: on the registry`, [String(error)]);
      continue;
    }
    const versions = (packument["versions"] ?? {}) as Record<string, Json>;
    const latest = ((packument["dist-tags"] ?? {}) as Record<string, string>)["latest"];
    const m = versions[pkg.version];
    report(m !== undefined && latest === pkg.version, `${label}: published, dist-tag latest = ${latest}`, m ? [] : [`versions on the registry: ${Object.keys(versions).join(", ") || "none"}`]);
    if (!m) continue;
    published.set(pkg.name, pkg.version);
    manifests.set(pkg.name, m);
  }

  for (const group of fixed) {
    const versions = group.map((name) => `${name}@${published.get(name) ?? "(not published)"}`);
    report(new Set(group.map((n) => published.get(n))).size === 1 && group.every((n) => published.has(n)), `fixed group at one version: ${versions.join(", ")}`);
  }

  for (const pkg of publicPackages) {
    const m = manifests.get(pkg.name);
    if (!m) continue;
    const label = `${pkg.name}@${pkg.version}`;
    const internal = Object.entries((m["dependencies"] ?? {}) as Record<string, string>).filter(([d]) => published.has(d));
    const deps = dependencyProblems(m, privateNames, published, "manifest");
    report(deps.length === 0, `${label}: dependencies${internal.length ? ` (${internal.map(([d, s]) => `${d} ${s}`).join(", ")})` : ""}: no workspace:/catalog:, no private package, own packages by range`, deps);

    const fields: string[] = [];
    if (m["sideEffects"] === undefined) fields.push("sideEffects is missing");
    const node = (m["engines"] as Json | undefined)?.["node"];
    if (!node) fields.push("engines.node is missing");
    // The README's promise ("Node.js 20.19 or newer"): require(esm) and the APIs the client uses.
    else if (node !== NODE_ENGINES) fields.push(`engines.node is ${JSON.stringify(node)}, not ${JSON.stringify(NODE_ENGINES)} (what the README says)`);
    if (!m["exports"]) fields.push("exports is missing");
    if (!m["types"]) fields.push("types is missing");
    if ((m["publishConfig"] as Json | undefined)?.["access"] !== "public") fields.push("publishConfig.access is not public");
    report(fields.length === 0, `${label}: sideEffects ${JSON.stringify(m["sideEffects"])}, engines ${JSON.stringify(m["engines"])}, exports, types ${JSON.stringify(m["types"])}`, fields);

    const metaProblems = compareFields(m, expectedFields(meta, pkg.directory)) as string[];
    report(metaProblems.length === 0, `${label}: repository, homepage, bugs = release/metadata.json (${m["homepage"]})`, metaProblems);

    // The tarball, as a user's package manager downloads it.
    const dist = (m["dist"] ?? {}) as Json;
    const tarballProblems: string[] = [];
    const dir = join(scratch, pkg.name.replace("/", "__"));
    mkdirSync(dir, { recursive: true });
    try {
      const res = await fetch(String(dist["tarball"]));
      if (!res.ok) throw new Error(`GET ${dist["tarball"]}: ${res.status}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const integrity = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
      if (integrity !== dist["integrity"]) tarballProblems.push(`integrity ${integrity} differs from dist.integrity ${dist["integrity"]}`);
      const file = join(dir, "package.tgz");
      writeFileSync(file, bytes);
      execFileSync("tar", ["-xzf", file, "-C", dir]);
    } catch (error) {
      report(false, `${label}: tarball`, [String(error)]);
      continue;
    }
    const root = join(dir, "package");
    unpacked.set(pkg.name, root);
    const files = walk(root).map((f) => relative(root, f).split("\\").join("/")).sort();
    const stray = files.filter((f) => !ALLOWED.test(f));
    if (stray.length) tarballProblems.push(`files outside README.md, LICENSE, CHANGELOG.md, dist/: ${stray.join(", ")}`);
    for (const f of REQUIRED) if (!files.includes(f)) tarballProblems.push(`${f} is missing`);
    if (!files.some((f) => f.startsWith("dist/"))) tarballProblems.push("dist/ is missing");
    const packed = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Json;
    tarballProblems.push(...dependencyProblems(packed, privateNames, published, "tarball package.json"));
    const pointers = [
      ...targets(packed["exports"]),
      ...targets(packed["bin"]),
      ...(["main", "module", "types"] as const).flatMap((k) => targets(packed[k])),
    ].map((t) => t.replace(/^\.\//, ""));
    for (const t of new Set(pointers)) if (t !== "package.json" && !files.includes(t)) tarballProblems.push(`points to ${t}, which is not in the tarball`);
    const oldNames = scanDir(root, `${pkg.name} tarball`) as { path: string; line: number; name: string }[];
    for (const o of oldNames) tarballProblems.push(`${o.path}:${o.line} names ${o.name}`);
    const dirs = [...new Set(files.map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f)))];
    report(tarballProblems.length === 0, `${label}: tarball (${files.length} files: ${dirs.join(", ")}), integrity, exports/types/bin targets present, no old names`, tarballProblems);
  }
  return { lines, failures, unpacked };
}
