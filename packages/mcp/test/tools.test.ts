// The tool lists: every input (and output) schema compiles under JSON Schema 2020-12 with Ajv in strict
// mode, names fit MCP clients, annotations follow the method and the spec, and the list sizes are
// measured (printed) for the default set and for --tools=all.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { listOperations, loadSpec } from "@peaka/mock/spec";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { argsFromExamples, connectStdio, textOf, type Connected } from "./support/harness.js";

const spec = loadSpec();
const ops = listOperations(spec);

function strictAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

function compileAll(tools: Tool[], which: "inputSchema" | "outputSchema"): string[] {
  const ajv = strictAjv();
  const problems: string[] = [];
  for (const tool of tools) {
    const schema = tool[which];
    if (!schema) continue;
    try {
      ajv.compile(schema);
      if (schema.type !== "object") problems.push(`${tool.name}: ${which} is not of type object`);
    } catch (error) {
      problems.push(`${tool.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

describe("default tool list (stdio)", () => {
  let server: Connected;
  let tools: Tool[];
  beforeAll(async () => {
    server = await connectStdio(inject("prismUrl"));
    tools = (await server.client.listTools()).tools;
  });
  afterAll(() => server?.close());

  it("lists the task tools a read-only server allows and the three meta-tools, and measures the list", () => {
    expect(tools.map((t) => t.name)).toEqual([
      "run_sql",
      "run_saved_query",
      "browse",
      "describe_table",
      "cache_status",
      "search_metadata",
      "ask_agent",
      "export_result",
      "search_operations",
      "describe_operation",
      "call_operation",
    ]);
    const bytes = Buffer.byteLength(JSON.stringify({ tools }));
    console.log(`default tool list: ${tools.length} tools, ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB) of JSON`);
    // Small enough to send on every turn: a fraction of --tools=all (measured below).
    expect(bytes).toBeLessThan(16 * 1024);
  });

  it("every input schema compiles under JSON Schema 2020-12 (Ajv, strict)", () => {
    expect(compileAll(tools, "inputSchema")).toEqual([]);
  });

  it("marks read tools read-only, and on a read-only server run_sql and call_operation too (modes.test.ts: the other modes)", () => {
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of ["run_sql", "run_saved_query", "browse", "describe_table", "cache_status", "search_metadata", "search_operations", "describe_operation", "call_operation"]) {
      expect(byName.get(name)?.annotations?.readOnlyHint, name).toBe(true);
      expect(byName.get(name)?.annotations?.destructiveHint, name).toBe(false);
    }
  });
});

describe("--tools=all (stdio)", () => {
  let server: Connected;
  let tools: Tool[];
  beforeAll(async () => {
    server = await connectStdio(inject("prismUrl"), ["--tools=all", "--allow-writes", "--allow-destructive"]);
    tools = (await server.client.listTools()).tools;
  });
  afterAll(() => server?.close());

  it("lists one tool per operation of the spec, names of at most 64 characters", () => {
    expect(tools).toHaveLength(ops.length);
    const names = tools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9_]{1,64}$/);
    const bytes = Buffer.byteLength(JSON.stringify({ tools }));
    console.log(`--tools=all tool list: ${tools.length} tools, ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB) of JSON`);
  });

  it("every input and output schema compiles under JSON Schema 2020-12 (Ajv, strict), references resolved", () => {
    expect(compileAll(tools, "inputSchema")).toEqual([]);
    expect(compileAll(tools, "outputSchema")).toEqual([]);
    expect(JSON.stringify(tools)).not.toContain("$ref");
  });

  it("takes each operation's parameters and body from the spec", () => {
    const byName = new Map(tools.map((t) => [t.name, t]));
    const status = byName.get("get_cache_status")!;
    expect(Object.keys(status.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["projectId", "cacheId", "excludeLogs"]));
    expect(status.inputSchema.required).toEqual(expect.arrayContaining(["projectId", "cacheId"]));
    expect(status.outputSchema).toBeDefined();
    const create = byName.get("create_catalog")!;
    expect(create.inputSchema.required).toContain("body");
  });

  it("derives readOnly/destructive/idempotent hints from the method and the spec", () => {
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const op of ops) {
      const tool = [...byName.values()].find((t) => t.annotations?.title === (op.operation.summary ?? op.operationId) && (t.description ?? "").includes(`${op.method.toUpperCase()} ${op.path}.`));
      expect(tool, op.operationId).toBeDefined();
      const a = tool!.annotations!;
      if (op.method === "get") expect(a.readOnlyHint, op.operationId).toBe(true);
      if (op.method === "delete") expect([a.destructiveHint, a.readOnlyHint], op.operationId).toEqual([true, false]);
      if (["put", "delete", "get"].includes(op.method)) expect(a.idempotentHint, op.operationId).toBe(true);
      if (op.method === "post" && !["searchCatalogs", "executeQuery", "transpileSql", "chatWithAgent", "streamAgentChat", "exportQuery", "exportTable"].includes(op.operationId)) {
        expect(a.readOnlyHint, op.operationId).toBe(false);
      }
    }
  });

  it("every per-operation tool answers; JSON answers come as structured content that fits the output schema", async () => {
    // The SDK's Client validates structuredContent against the tool's outputSchema and throws when it does not fit.
    const failed: string[] = [];
    let structured = 0;
    for (const op of ops) {
      const tool = tools.find((t) => (t.description ?? "").includes(`${op.method.toUpperCase()} ${op.path}.`) && t.annotations?.title === (op.operation.summary ?? op.operationId))!;
      try {
        const r = await server.call(tool.name, argsFromExamples(spec, op));
        if (r.isError) failed.push(`${tool.name}: ${textOf(r).slice(0, 200)}`);
        if (tool.outputSchema) {
          expect(r.structuredContent, tool.name).toBeDefined();
          structured++;
        }
      } catch (error) {
        failed.push(`${tool.name}: ${(error as Error).message.slice(0, 300)}`);
      }
    }
    expect(failed).toEqual([]);
    expect(structured).toBeGreaterThan(100);
  }, 120_000);
});
