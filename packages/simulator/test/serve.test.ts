// The simulator on a loopback port: serveSimulator in-process, and the peaka-mock bin as a process
// started and stopped by its pid.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createPeakaClient, PeakaAuthenticationError } from "@peaka/api";
import { describe, expect, it } from "vitest";
import { createPeakaSimulator, serveSimulator } from "../src/index.js";
import { simulator } from "./support.js";

// The bin's source, run in this process's Node through tsx's loader (so the pid printed is the child's
// own); the built dist/cli.js is run from the packed tarball by `pnpm pack:consume`.
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const BIN = ["--import", "tsx", CLI];

describe("serveSimulator", () => {
  it("answers over HTTP on 127.0.0.1, with export file URLs on the served port", async () => {
    const sim = simulator();
    const served = await serveSimulator(sim);
    try {
      expect(served.url).toBe(`http://127.0.0.1:${served.port}/api/v1`);
      const peaka = createPeakaClient({ baseUrl: served.url, apiKey: sim.projectKey, maxRetries: 0 });
      const { projectId, catalogId } = sim.seeded;
      const { id } = await peaka.exports.exportTable({ projectId, catalogId, schemaName: "public", tableName: "customers", body: { format: "CSV" } });
      sim.clock.advance(10_000);
      const file = (await peaka.exports.get({ projectId, exportId: id })).files![0]!;
      expect(file.url.startsWith(`http://127.0.0.1:${served.port}/`)).toBe(true);
      const res = await fetch(file.url);
      expect(res.status).toBe(200);
      expect((await res.text()).split("\n")[0]).toBe("customer_id,name,email,country,created_at");
      await expect(createPeakaClient({ baseUrl: served.url, apiKey: "wrong-key-0000", maxRetries: 0 }).info.get()).rejects.toBeInstanceOf(PeakaAuthenticationError);
    } finally {
      await served.close();
    }
  });

  it("refuses a port that is not one", async () => {
    await expect(serveSimulator(simulator(), { port: 70_000 })).rejects.toThrow(/port must be an integer/);
  });
});

describe("peaka-mock", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("starts on a free port, prints its URL and keys, answers, and stops on %s by pid", async (signal) => {
    const child = spawn(process.execPath, [...BIN, "--port", "0", "--seed", "3"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
      const info = JSON.parse(line) as { url: string; pid: number; partnerKey: string; projectId: string };
      expect(info.pid).toBe(child.pid);
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
      const peaka = createPeakaClient({ baseUrl: info.url, apiKey: info.partnerKey, maxRetries: 0 });
      expect((await peaka.legacyProjects.list()).map((p) => p.id)).toEqual([info.projectId]);
      expect(info.projectId).toBe(createPeakaSimulator({ seed: 3 }).seeded.projectId);
      expect(info.projectId).not.toBe(createPeakaSimulator().seeded.projectId);
      const exited = once(child, "exit");
      process.kill(info.pid, signal);
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("exits 2 with a usage line for a bad option", async () => {
    const child = spawn(process.execPath, [...BIN, "--port", "eighty"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain("--port must be a whole number");
  });
});
