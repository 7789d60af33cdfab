// Fragments built by one copy of @peaka/api nest in statements of another: the real pair, the
// CommonJS build next to the ESM build, built here from src/ with the package's own tsup config (no
// type declarations, so it takes seconds) into a temp node_modules/@peaka/api laid out as published, and
// loaded side by side by a plain Node process (require and import).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Options } from "tsup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import configs from "../../tsup.config.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "peaka-copies-"));
  const pkgDir = join(tmp, "node_modules", "@peaka", "api");
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  for (const config of configs as unknown as Options[]) {
    const entry = Object.fromEntries(Object.entries(config.entry as Record<string, string>).map(([name, file]) => [name, join(root, file)]));
    await build({ ...config, entry, dts: false, sourcemap: false, silent: true, config: false, outDir: join(pkgDir, "dist") });
  }
  writeFileSync(join(pkgDir, "package.json"), JSON.stringify({ name: "@peaka/api", type: "module", exports: manifest.publishConfig.exports }));
  for (const dep of Object.keys(manifest.dependencies)) {
    const target = join(tmp, "node_modules", dep);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(join(root, "node_modules", dep)), target, "dir");
  }
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs `code` (an ES module with `cjs` = require("@peaka/api/sql") and `esm` = import(...)) in Node; returns what it prints as JSON. */
function run(code: string): any {
  const file = join(tmp, `check-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `import { createRequire } from "node:module";\nconst cjs = createRequire(import.meta.url)("@peaka/api/sql");\nconst esm = await import("@peaka/api/sql");\n` +
      `const show = (q) => ({ statement: q.statement, bindings: q.bindings });\nconst out = {};\n${code}\nconsole.log(JSON.stringify(out));\n`,
  );
  const result = spawnSync(process.execPath, [file], { cwd: tmp, encoding: "utf8" });
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout);
}

describe("sql fragments across the CommonJS and the ESM build", () => {
  it("the two builds really are two copies (different classes, the same registered key)", () => {
    const out = run(`out.sameTag = cjs.sql === esm.sql; out.sameClass = cjs.SqlStatement === esm.SqlStatement; out.sameKey = cjs.SQL_FRAGMENT === esm.SQL_FRAGMENT;`);
    expect(out).toEqual({ sameTag: false, sameClass: false, sameKey: true });
  });

  it("a filter and a name from the CommonJS copy keep their text and bindings in an ESM statement, and back", () => {
    const out = run(`
      const filter = cjs.sql\`AND status = \${"open"} AND total > \${100}\`;
      out.esm = show(esm.sql\`SELECT * FROM \${cjs.sql.id("shop", "orders")} WHERE 1=1 \${filter}\`);
      out.cjs = show(cjs.sql\`SELECT \${esm.sql.join([1, esm.sql\`x\`, esm.sql.literal(-1)])} FROM t WHERE a -\${esm.sql.literal(-2)}\`);
      out.joined = show(esm.sql.join([cjs.sql\`a = \${1}\`, cjs.sql\`b = \${2}\`], cjs.sql\` OR \`));
      out.toStatement = esm.toStatement(filter);
      out.is = [esm.isSqlStatement(filter), cjs.isSqlStatement(esm.sql.empty)];
    `);
    expect(out.esm).toEqual({ statement: 'SELECT * FROM "shop"."orders" WHERE 1=1 AND status = ? AND total > CAST(? AS BIGINT)', bindings: ["open", "100"] });
    expect(out.cjs).toEqual({ statement: "SELECT CAST(? AS BIGINT), x, -1 FROM t WHERE a - -2", bindings: ["1"] });
    expect(out.joined).toEqual({ statement: "a = CAST(? AS BIGINT) OR b = CAST(? AS BIGINT)", bindings: ["1", "2"] });
    expect(out.toStatement).toEqual({ statement: "AND status = ? AND total > CAST(? AS BIGINT)", bindings: ["open", "100"] });
    expect(out.is).toEqual([true, true]);
  });

  it("runSql of one copy sends a statement built by the other with its bindings", () => {
    const out = run(`
      const sent = [];
      const fetch = async (url, init) => { sent.push(JSON.parse(init.body)); return Response.json({ columns: [], data: [] }); };
      const { createPeakaClient } = await import("@peaka/api");
      const peaka = createPeakaClient({ apiKey: "copies-test-key", baseUrl: "http://127.0.0.1:9/api/v1", fetch, maxRetries: 0 });
      await esm.runSql(peaka, "p", cjs.sql\`SELECT * FROM t WHERE id = \${7}\`);
      out.sent = sent;
    `);
    expect(out.sent).toEqual([{ statement: "SELECT * FROM t WHERE id = CAST(? AS BIGINT)", bindings: ["7"] }]);
  });
});
