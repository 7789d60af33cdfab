// Without the SQL engine: the missing package (or one that does not load) is simulated by replacing
// the module loader, so the SQL operations answer 501 saying why, and everything else still works.
// `sim.ready()` loads the engine up front and says whether SQL runs.
import { PeakaServerError } from "@peaka/api";
import { runSql } from "@peaka/api/sql";
import { afterEach, describe, expect, it } from "vitest";
import { moduleLoader, resetSqlModules } from "../src/internal/engine.js";
import { clientOf, simulator } from "./support.js";

const realImport = moduleLoader.importModule;

/** Makes `import(name)` fail as Node fails for a package that is not installed. */
function withoutPackage(name: string): void {
  moduleLoader.importModule = (specifier) => {
    if (specifier !== name) return realImport(specifier);
    const error = Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/@peaka/simulator/dist/index.js`), { code: "ERR_MODULE_NOT_FOUND" });
    return Promise.reject(error);
  };
  resetSqlModules();
}

afterEach(() => {
  moduleLoader.importModule = realImport;
  resetSqlModules();
});

describe("without @duckdb/node-api", () => {
  it("answers 501 to executeQuery and exportQuery, saying to install it; the rest of the simulator works", async () => {
    withoutPackage("@duckdb/node-api");
    const sim = simulator();
    const peaka = clientOf(sim);
    const { projectId, queryId } = sim.seeded;
    const error = await runSql(peaka, projectId, "SELECT 1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeakaServerError);
    expect(error).toMatchObject({ status: 501, errorCode: "SQL_ENGINE_UNAVAILABLE", message: expect.stringContaining("install it") });
    expect((error as PeakaServerError).message).toContain("@duckdb/node-api");
    expect(sim.requests.at(-1)).toMatchObject({ operationId: "executeQuery", status: 501, simulated: "no-sql-engine" });
    await expect(peaka.exports.exportQuery({ projectId, queryId, body: {} })).rejects.toMatchObject({ status: 501, message: expect.stringContaining("@duckdb/node-api") });
    expect(await peaka.exports.list({ projectId })).toEqual([]); // nothing was started
    // State and the lexer-only transpile still answer.
    expect((await peaka.catalogs.list({ projectId })).map((c) => c.name)).toContain("shop");
    expect(await peaka.sql.transpile({ dialect: "mysql", body: { query: 'SELECT "a"' } })).toEqual({ query: "SELECT `a`" });
    expect(await sim.ready()).toEqual({ sql: false, reason: expect.stringContaining("npm install --save-dev @duckdb/node-api@1.5.6-r.1") });
  });

  it("says why when the package is there but does not load in this runtime", async () => {
    moduleLoader.importModule = (specifier) => (specifier === "@duckdb/node-api" ? Promise.reject(new Error("NODE_MODULE_VERSION mismatch")) : realImport(specifier));
    resetSqlModules();
    const sim = simulator();
    const error = await clientOf(sim).queries.execute({ projectId: sim.seeded.projectId, body: { statement: "SELECT 1" } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 501, message: expect.stringMatching(/could not be loaded in Node [\d.]+: NODE_MODULE_VERSION mismatch/) });
  });
});

describe("loading", () => {
  it("loads nothing of the engine until the first SQL request", async () => {
    const imported: string[] = [];
    moduleLoader.importModule = (specifier) => {
      imported.push(specifier);
      return realImport(specifier);
    };
    resetSqlModules();
    const sim = simulator();
    const peaka = clientOf(sim);
    await peaka.catalogs.listTables({ projectId: sim.seeded.projectId, catalogId: sim.seeded.catalogId, schemaName: "public" });
    await peaka.queries.list({ projectId: sim.seeded.projectId });
    expect(imported).toEqual([]);
    await runSql(peaka, sim.seeded.projectId, "SELECT 1");
    expect(imported).toContain("@duckdb/node-api");
  });
});

describe("sim.ready()", () => {
  it("loads the engine and the seeded tables up front, then SQL answers", async () => {
    const sim = simulator();
    expect(await sim.ready()).toEqual({ sql: true });
    const { rows } = await runSql(clientOf(sim), sim.seeded.projectId, "SELECT count(*) AS n FROM shop.public.customers");
    expect(rows).toEqual([{ n: sim.world.projects.get(sim.seeded.projectId)!.catalogs.get(sim.seeded.catalogId)!.schemas.get("public")!.get("customers")!.rowCount }]);
  });

  it("after sim.close() SQL answers 501; sim.reset() gives a fresh engine", async () => {
    const sim = simulator();
    const peaka = clientOf(sim);
    await sim.ready();
    sim.close();
    await expect(runSql(peaka, sim.seeded.projectId, "SELECT 1")).rejects.toMatchObject({ status: 501, message: expect.stringContaining("closed") });
    sim.reset();
    expect((await runSql(peaka, sim.seeded.projectId, "SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });
});
