// The task tools on the simulator, through the official MCP client: dialect help (resource and
// prompt), describe_table with relations, search_metadata hits described in one more call, compact
// answers, and waits that keep a client alive and continue in a second call.
import { afterEach, describe, expect, it } from "vitest";
import { textOf } from "./support/harness.js";
import { connectSimulated, type Simulated } from "./support/simulated.js";

let open: Simulated[] = [];
afterEach(async () => {
  for (const s of open) await s.close();
  open = [];
});
async function simulated(...args: Parameters<typeof connectSimulated>) {
  const s = await connectSimulated(...args);
  open.push(s);
  return s;
}

describe("dialect help", () => {
  it("lists the SQL guide as a resource and reads it, with what this server's flags refuse", async () => {
    const s = await simulated();
    const { resources } = await s.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["peaka://guide/sql"]);
    const read = await s.client.readResource({ uri: "peaka://guide/sql" });
    const guide = (read.contents[0] as { text: string }).text;
    for (const topic of ['"catalog"."schema"."table"', "date_trunc", "from_iso8601_timestamp", "TRY_CAST", "offset: 0", "What is refused", "This server is read-only"]) {
      expect(guide, topic).toContain(topic);
    }
    const writes = await simulated({ allowWrites: true });
    const writeGuide = ((await writes.client.readResource({ uri: "peaka://guide/sql" })).contents[0] as { text: string }).text;
    expect(writeGuide).toContain("writes that only add");
    await expect(s.client.readResource({ uri: "peaka://guide/other" })).rejects.toThrow(/Unknown resource/);
  });

  it("offers a prompt that puts the guide before the question", async () => {
    const s = await simulated();
    const { prompts } = await s.client.listPrompts();
    expect(prompts.map((p) => [p.name, p.arguments?.map((a) => `${a.name}${a.required ? "!" : ""}`)])).toEqual([["peaka_sql", ["question!", "projectId"]]]);
    const prompt = await s.client.getPrompt({ name: "peaka_sql", arguments: { question: "top 5 customers by revenue", projectId: s.sim.seeded.projectId } });
    expect(prompt.messages[0]?.content).toMatchObject({ type: "resource", resource: { uri: "peaka://guide/sql" } });
    expect(prompt.messages[1]?.content).toMatchObject({ type: "text", text: expect.stringContaining(`in project ${s.sim.seeded.projectId}: top 5 customers by revenue`) });
    await expect(s.client.getPrompt({ name: "peaka_sql", arguments: {} })).rejects.toThrow(/needs a question/);
  });
});
