// The multipart import, the sample CSV, the PNG and the agent's event stream over a loopback port,
// through @peaka/api with the platform's own fetch.
import { createPeakaClient } from "@peaka/api";
import { expect, it } from "vitest";
import { serveSimulator } from "../src/index.js";
import { simulator } from "./support.js";

it("imports a CSV, reads the sample and the PNG, and streams the agent over HTTP", async () => {
  const sim = simulator();
  const served = await serveSimulator(sim);
  try {
    const peaka = createPeakaClient({ baseUrl: served.url, apiKey: sim.projectKey, maxRetries: 0 });
    const projectId = sim.seeded.projectId;
    await peaka.tables.create({ projectId, tableName: "notes" });
    const job = await peaka.tables.importCsv({ projectId, tableName: "notes", body: { file: new Blob(["text\nfirst\nsecond\n"]), request: { containsHeader: true, mappings: [{ name: "text", csvColumnName: "text" }] } } });
    expect(job).toMatchObject({ status: "COMPLETED", result: { processed: 2 } });
    expect((await peaka.tables.getCsvSample({ projectId, tableName: "notes" })).split("\n")[0]).toBe("text");
    const png = new Uint8Array(await ((await peaka.agent.getWorkflowImage()) as Blob).arrayBuffer());
    expect([...png.slice(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    const stream = await peaka.agent.stream({ projectId, body: { message: "top 2 customers", streamModes: ["updates"] } });
    const steps: string[] = [];
    for await (const event of stream) steps.push(`${event.event}:${Object.keys(event.data as object)[0]}`);
    expect(steps).toEqual(["updates:classify-intent", "updates:find-tables", "updates:generate-query", "updates:execute-query", "updates:answer"]);
  } finally {
    await served.close();
  }
});
