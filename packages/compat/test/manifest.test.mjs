// The rehearsal's manifest checks (scripts/manifest.ts) against a small fake registry on a loopback
// port: a good pair of packages passes, and each broken manifest or tarball fails with a message that
// names the problem.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { checkPublished } from "../scripts/manifest.ts";
import { OLD_NAMES } from "../scripts/check-names.mjs";
import { expectedFields } from "../scripts/metadata.mjs";

const meta = { repository: "https://example.invalid/peaka/sdk", placeholder: true };
const work = mkdtempSync(join(tmpdir(), "peaka-manifest-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

const workspace = [
  { name: "@peaka/api-types", version: "1.0.0", directory: "packages/types", private: false },
  { name: "@peaka/api", version: "1.0.0", directory: "packages/client", private: false },
  { name: "@peaka/mock", version: "0.0.0", directory: "packages/mock", private: true },
];
const fixed = [["@peaka/api-types", "@peaka/api"]];

function goodPackage(name, directory, extra = {}) {
  return {
    manifest: {
      name,
      version: "1.0.0",
      license: "MIT",
      ...expectedFields(meta, directory),
      type: "module",
      sideEffects: false,
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
      types: "./dist/index.d.ts",
      engines: { node: ">=20.19" },
      publishConfig: { access: "public", provenance: true },
      ...extra,
    },
    files: {
      "README.md": `# ${name}\n`,
      LICENSE: "MIT\n",
      "CHANGELOG.md": "# Changes\n",
      "dist/index.js": "export {};\n",
      "dist/index.d.ts": "export {};\n",
    },
  };
}

function goodPair() {
  return {
    "@peaka/api-types": goodPackage("@peaka/api-types", "packages/types"),
    "@peaka/api": goodPackage("@peaka/api", "packages/client", { dependencies: { "@peaka/api-types": "^1.0.0", "openapi-fetch": "0.17.0" } }),
  };
}

let n = 0;
/** Serves the packages (after `mutate`) as a registry would and runs the checks on them. */
async function check(mutate = () => {}, ws = workspace) {
  const pkgs = goodPair();
  mutate(pkgs);
  const dir = join(work, String(++n));
  const tarballs = new Map();
  const server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? "");
    const tgz = tarballs.get(url);
    if (tgz) return res.writeHead(200, { "content-type": "application/octet-stream" }).end(tgz);
    const pkg = pkgs[url.slice(1)];
    if (!pkg) return res.writeHead(404).end("{}");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(pkg.packument));
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const registry = `http://127.0.0.1:${server.address().port}/`;
  for (const [name, pkg] of Object.entries(pkgs)) {
    const root = join(dir, name.replace("/", "__"), "package");
    const files = { "package.json": `${JSON.stringify(pkg.manifest, null, 2)}\n`, ...pkg.files };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), text);
    }
    const file = join(dir, `${name.replace("/", "__")}.tgz`);
    execFileSync("tar", ["-czf", file, "-C", dirname(root), "package"]);
    const bytes = readFileSync(file);
    const path = `/tarballs/${name}.tgz`;
    tarballs.set(path, bytes);
    const version = pkg.manifest.version;
    const integrity = pkg.integrity ?? `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
    pkg.packument = {
      name,
      "dist-tags": { latest: version },
      versions: { [version]: { ...pkg.manifest, ...pkg.registryOnly, dist: { tarball: `${registry}tarballs/${name}.tgz`, integrity } } },
    };
  }
  const scratch = join(dir, "scratch");
  mkdirSync(scratch, { recursive: true });
  try {
    return await checkPublished({ registry, workspace: ws, fixed, meta, scratch });
  } finally {
    server.close();
  }
}

const failuresOf = async (mutate, ws) => (await check(mutate, ws)).failures.join("\n");

test("a well-formed pair passes every check and names the metadata placeholder", async () => {
  const r = await check();
  assert.deepEqual(r.failures, []);
  assert.ok(r.lines.some((l) => l.includes("PLACEHOLDER") && l.includes(meta.repository)));
  assert.ok(r.lines.some((l) => l.startsWith("ok   @peaka/api@1.0.0: dependencies (@peaka/api-types ^1.0.0)")));
});

test("a workspace: or catalog: protocol left in fails", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].manifest.dependencies["@peaka/api-types"] = "workspace:^")), /workspace protocol left in/);
  assert.match(await failuresOf((p) => (p["@peaka/api"].manifest.dependencies["openapi-fetch"] = "catalog:")), /openapi-fetch is "catalog:"/);
});

test("an exact version or a range on another version of the types fails", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].manifest.dependencies["@peaka/api-types"] = "1.0.0")), /expected a caret or tilde range/);
  assert.match(await failuresOf((p) => (p["@peaka/api"].manifest.dependencies["@peaka/api-types"] = "^0.9.0")), /published as 1\.0\.0/);
});

test("a private workspace package in any dependency field fails", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].manifest.devDependencies = { "@peaka/mock": "0.0.0" })), /devDependencies\.@peaka\/mock: a private workspace package/);
});

test("the fixed group must share one version", async () => {
  const ws = workspace.map((w) => (w.name === "@peaka/api-types" ? { ...w, version: "1.0.1" } : w));
  const f = await failuresOf((p) => {
    p["@peaka/api-types"].manifest.version = "1.0.1";
    p["@peaka/api"].manifest.dependencies["@peaka/api-types"] = "^1.0.1";
  }, ws);
  assert.match(f, /fixed group at one version: @peaka\/api-types@1\.0\.1, @peaka\/api@1\.0\.0/);
});

test("tarball contents: only README.md, LICENSE, CHANGELOG.md, dist/ and all of the first three", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].files["src/index.ts"] = "x")), /files outside README\.md, LICENSE, CHANGELOG\.md, dist\/: src\/index\.ts/);
  assert.match(await failuresOf((p) => delete p["@peaka/api-types"].files["CHANGELOG.md"]), /CHANGELOG\.md is missing/);
  assert.match(await failuresOf((p) => delete p["@peaka/api"].files["README.md"]), /README\.md is missing/);
  assert.match(await failuresOf((p) => delete p["@peaka/api"].files["dist/index.d.ts"]), /points to dist\/index\.d\.ts, which is not in the tarball/);
});

test("sideEffects, engines, exports and types must be present", async () => {
  const f = await failuresOf((p) => {
    delete p["@peaka/api"].manifest.sideEffects;
    delete p["@peaka/api"].manifest.engines;
    delete p["@peaka/api"].manifest.types;
  });
  assert.match(f, /sideEffects is missing; engines\.node is missing; types is missing/);
});

test("engines.node must say what the README says (>=20.19)", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].manifest.engines = { node: ">=20" })), /engines\.node is ">=20", not ">=20\.19" \(what the README says\)/);
});

test("repository, homepage and bugs must be the ones release/metadata.json gives", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].manifest.homepage = "https://example.invalid/other")), /homepage is "https:\/\/example\.invalid\/other", expected/);
  assert.match(await failuresOf((p) => delete p["@peaka/api-types"].manifest.bugs), /bugs is undefined/);
});

test("a tarball that does not match dist.integrity fails", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].integrity = "sha512-AAAA")), /differs from dist\.integrity sha512-AAAA/);
});

test("an old package name in a published file fails", async () => {
  assert.match(await failuresOf((p) => (p["@peaka/api"].files["README.md"] = `Peaka's SQL driver is ${OLD_NAMES[0]}.\n`)), /README\.md:1 names @peaka\/client/);
});

test("a package missing from the registry fails", async () => {
  assert.match(await failuresOf((p) => delete p["@peaka/api-types"]), /@peaka\/api-types@1\.0\.0: on the registry/);
});
