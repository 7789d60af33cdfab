// Code mode: the agent's TypeScript runs in a Deno sandbox (the deno npm package, a dev dependency)
// that reaches Peaka only through the server's bridge — with the server's argument checks and safety
// flags — and can read no file, no environment variable, and reach no other host. The key is never in
// the sandbox, so it can be in no output.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectStdio, FAKE_KEY, textOf, transcript, type Connected } from "./support/harness.js";

const P = "prj4Xq9Z";
let server: Connected;
beforeAll(async () => {
  server = await connectStdio(inject("prismUrl"), ["--code-mode"]);
});
afterAll(() => server?.close());

describe("run_code", () => {
  it("is listed only with --code-mode", async () => {
    const names = (await server.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("run_code");
    const plain = await connectStdio(inject("prismUrl"));
    expect((await plain.client.listTools()).tools.map((t) => t.name)).not.toContain("run_code");
    await plain.close();
  });

  it("runs TypeScript that calls operations through peaka.<operationId> and returns its value and console output", async () => {
    const code = `
      const catalogs: Array<{ id: string; name: string }> = await peaka.listCatalogs({ projectId: "${P}" });
      const schemas = await peaka.listCatalogSchemas({ projectId: "${P}", catalogId: catalogs[2]!.id });
      console.log("catalogs:", catalogs.length);
      return { names: catalogs.map((c) => c.name), schemas: schemas.map((s: any) => s.schemaName) };`;
    const r = await server.call("run_code", { code });
    expect(r.isError, textOf(r)).toBeFalsy();
    const [value, ...rest] = textOf(r).split("\n");
    expect(JSON.parse(value!)).toEqual({ names: expect.arrayContaining(["crmhubspot"]), schemas: expect.arrayContaining(["crm"]) });
    expect(rest.join("\n")).toContain("catalogs: 4");
  });

  it("applies the argument checks and the safety flags to every call", async () => {
    const write = await server.call("run_code", { code: `return await peaka.deleteCatalog({ projectId: "${P}", catalogId: "1" });` });
    expect(write.isError).toBe(true);
    expect(textOf(write)).toContain("--allow-writes and --allow-destructive");
    const bad = await server.call("run_code", { code: `return await peaka.getCacheStatus({ projectId: "${P}" });` });
    expect(textOf(bad)).toContain("Invalid arguments for getCacheStatus");
  });

  it("is a sandbox: no files, no environment, no other network, no subprocesses", async () => {
    const code = `
      const out: Record<string, string> = {};
      const attempt = async (name: string, f: () => unknown) => { try { await f(); out[name] = "ALLOWED"; } catch (e) { out[name] = (e as Error).name; } };
      await attempt("read", () => Deno.readTextFileSync("/etc/hostname"));
      await attempt("write", () => Deno.writeTextFileSync("/tmp/peaka-mcp-escape", "x"));
      await attempt("env", () => Deno.env.get("PEAKA_API_KEY"));
      await attempt("net", () => fetch("${inject("prismUrl")}/__prism_ready"));
      await attempt("run", () => new Deno.Command("ls").outputSync());
      await attempt("import", () => import("file:///etc/hostname"));
      return out;`;
    const r = await server.call("run_code", { code });
    expect(r.isError, textOf(r)).toBeFalsy();
    const out = JSON.parse(textOf(r).split("\n")[0]!);
    for (const k of ["read", "write", "env", "net", "run", "import"]) expect(out[k], k).not.toBe("ALLOWED");
  });

  it("reports a thrown error and stops a run that does not end", async () => {
    const thrown = await server.call("run_code", { code: `throw new RangeError("nope");` });
    expect([thrown.isError, textOf(thrown)]).toEqual([true, expect.stringContaining("The code threw RangeError: nope")]);
    const loop = await server.call("run_code", { code: "while (true) {}", timeoutSeconds: 2 });
    expect([loop.isError, textOf(loop)]).toEqual([true, expect.stringContaining("stopped after 2 s")]);
  });

  it("allows at most 100 operation calls in one run", async () => {
    const r = await server.call("run_code", { code: `for (let i = 0; i < 101; i++) await peaka.listCatalogs({ projectId: "${P}" }); return "done";` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("More than 100 calls in one run");
  });

  it("never shows the key", () => {
    expect(transcript.filter((t) => t.includes(FAKE_KEY))).toEqual([]);
  });
});
