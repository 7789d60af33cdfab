// Attacks on code mode's sandbox, each one a way out that worked before the agent's code was kept out
// of Deno's module source: literal imports of files (loaded while the module graph was built, before
// any permission check), data: and blob: modules that import files, the server's own environment
// through /proc, the key echoed by an upstream and re-encoded, output and memory floods, runs that
// outlive their answer, and too many runs at once. After each attack the server must still answer.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { findDeno } from "../src/code-mode.js";
import { connectStdio, FAKE_KEY, PACKAGE_DIR, textOf, transcript, type Connected } from "./support/harness.js";

const P = "prj4Xq9Z";

/** The key in every form code could turn it into. */
const ENCODED = [
  FAKE_KEY,
  FAKE_KEY.slice(8),
  Buffer.from(FAKE_KEY).toString("base64"),
  Buffer.from(FAKE_KEY).toString("base64url"),
  Buffer.from(`Bearer ${FAKE_KEY}`).toString("base64"),
  Buffer.from(FAKE_KEY).toString("hex"),
  [...FAKE_KEY].reverse().join(""),
  encodeURIComponent(FAKE_KEY),
];
const leaks = (text: string) => ENCODED.filter((form) => text.includes(form));

let server: Connected;
let secrets: string;
let keyFile: string;
beforeAll(async () => {
  server = await connectStdio(inject("prismUrl"), ["--code-mode"]);
  // The server's configuration as a client would store it, key included.
  secrets = mkdtempSync(join(tmpdir(), "peaka-mcp-secrets-"));
  keyFile = join(secrets, "mcp.json");
  writeFileSync(keyFile, JSON.stringify({ servers: { peaka: { env: { PEAKA_API_KEY: FAKE_KEY } } } }));
});
afterAll(async () => {
  await server?.close();
  rmSync(secrets, { recursive: true, force: true });
});

/** Runs `code` and parses its value (the first line of the answer). */
async function value(code: string, on: Connected = server): Promise<any> {
  const r = await on.call("run_code", { code });
  expect(r.isError, textOf(r)).toBeFalsy();
  return JSON.parse(textOf(r).split("\n")[0]!);
}

/** The pid of the running sandbox: the child of server process `serverPid` that runs the Deno binary (waits up to 60 s). */
async function sandboxOf(serverPid: number): Promise<string> {
  const deno = findDeno();
  for (let i = 0; i < 600; i++) {
    const pid = readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .find((p) => {
        try {
          return readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(serverPid) && readlinkSync(`/proc/${p}/exe`) === deno;
        } catch {
          return false;
        }
      });
    if (pid) return pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no Deno child of ${serverPid}`);
}

/** Whether process `pid` has ended (gone, or a zombie waiting for its parent), after waiting up to 30 s for it. */
async function ends(pid: string): Promise<boolean> {
  for (let i = 0; i < 300; i++) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z")) return true;
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A body that runs each attempt and answers, per name, "ALLOWED: <what it got>" or the error it met. */
function probes(attempts: string): string {
  return `
    const out: Record<string, string> = {};
    const attempt = async (name: string, f: () => unknown) => {
      try { out[name] = "ALLOWED: " + String(JSON.stringify(await f())).slice(0, 200); }
      catch (e) { out[name] = (e as Error).name + ": " + (e as Error).message; }
    };
    ${attempts}
    return out;`;
}

function expectAllRefused(out: Record<string, string>, names: string[]): void {
  expect(Object.keys(out).sort()).toEqual([...names].sort());
  for (const [name, got] of Object.entries(out)) expect(got, name).not.toMatch(/^ALLOWED/);
}

describe("run_code cannot read files", () => {
  it("refuses literal imports of file URLs, with and without import attributes", async () => {
    const repo = `file://${PACKAGE_DIR}`;
    const out = await value(
      probes(`
      await attempt("passwd as text", () => import("file:///etc/passwd", { with: { type: "text" } }));
      await attempt("repo json", () => import("${repo}/package.json", { with: { type: "json" } }));
      await attempt("repo module", () => import("${repo}/src/version.ts"));
      await attempt("key file as json", () => import("file://${keyFile}", { with: { type: "json" } }));
      await attempt("key file as text", () => import("file://${keyFile}", { with: { type: "text" } }));
      await attempt("own environ", () => import("file:///proc/self/environ", { with: { type: "text" } }));
      await attempt("relative", () => import("./package.json", { with: { type: "json" } }));`),
    );
    expectAllRefused(out, ["passwd as text", "repo json", "repo module", "key file as json", "key file as text", "own environ", "relative"]);
    expect(out["passwd as text"]).toContain("Requires read access");
  });

  it("refuses a literal import of the server's /proc/<pid>/environ", async () => {
    const ppid = await value("return Deno.ppid;");
    expect(ppid).toBeGreaterThan(1);
    const out = await value(probes(`await attempt("server environ", () => import("file:///proc/${ppid}/environ", { with: { type: "text" } }));`));
    expectAllRefused(out, ["server environ"]);
  });

  it("refuses data: and blob: modules that import files", async () => {
    const out = await value(
      probes(`
      const src = 'import text from "file:///etc/passwd" with { type: "text" }; export default text;';
      await attempt("data literal", () => import("data:text/javascript,${encodeURIComponent('import text from "file:///etc/passwd" with { type: "text" }; export default text;')}"));
      await attempt("data static", () => import("data:text/javascript," + encodeURIComponent(src)));
      await attempt("data dynamic", () => import("data:text/javascript," + encodeURIComponent('export default await import("file:///etc/passwd", { with: { type: "text" } });')));
      await attempt("blob static", () => import(URL.createObjectURL(new Blob([src], { type: "text/javascript" }))));`),
    );
    expectAllRefused(out, ["data literal", "data static", "data dynamic", "blob static"]);
  });

  it("keeps a static import that breaks out of the function body from loading", async () => {
    const load = `import text from "file:///etc/passwd" with { type: "text" }; console.log(text);`;
    // Closing the function (and a try block around it, as a template might have) to reach module level.
    for (const code of [`return 1; }); ${load} (async function () {`, `return 1;\n})();\n} finally {}\n${load}\ntry { const x = await (async () => {`]) {
      const r = await server.call("run_code", { code });
      expect(textOf(r)).not.toContain("root:");
      expect(r.isError).toBe(true);
    }
  });

  it("refuses Deno's file, env, run, ffi and sys APIs, the server's key file and both environ files", async () => {
    const ppid = await value("return Deno.ppid;");
    const out = await value(
      probes(`
      await attempt("readTextFile", () => Deno.readTextFile("/etc/hostname"));
      await attempt("key file", () => Deno.readTextFile(${JSON.stringify(keyFile)}));
      await attempt("self environ", () => Deno.readTextFileSync("/proc/self/environ"));
      await attempt("server environ", () => Deno.readTextFileSync("/proc/${ppid}/environ"));
      await attempt("write", () => Deno.writeTextFile(${JSON.stringify(join(secrets, "escape"))}, "x"));
      await attempt("env", () => Deno.env.toObject());
      await attempt("env key", () => Deno.env.get("PEAKA_API_KEY"));
      await attempt("Deno.run", () => (Deno as any).run({ cmd: ["id"] }));
      await attempt("Deno.Command", () => new Deno.Command("id").output());
      await attempt("dlopen", () => Deno.dlopen("libc.so.6", {}));
      await attempt("hostname", () => Deno.hostname());
      await attempt("node:fs", async () => (await import("node:fs")).readFileSync("/etc/passwd", "utf8"));
      await attempt("node:child_process", async () => (await import("node:child_process")).execSync("id").toString());
      await attempt("process.env", () => (globalThis as any).process.env.PEAKA_API_KEY ?? Object.keys((globalThis as any).process.env));
      await attempt("sqlite attach", async () => new (await import("node:sqlite")).DatabaseSync(":memory:").exec("ATTACH DATABASE 'file:${keyFile}?mode=ro' AS k"));
      await attempt("sqlite vacuum into", async () => new (await import("node:sqlite")).DatabaseSync(":memory:").exec("VACUUM INTO '${join(secrets, "copy.db")}'"));
      await attempt("inspector", async () => (await import("node:inspector")).open(0));`),
    );
    expectAllRefused(out, ["readTextFile", "key file", "self environ", "server environ", "write", "env", "env key", "Deno.run", "Deno.Command", "dlopen", "hostname", "node:fs", "node:child_process", "process.env", "sqlite attach", "sqlite vacuum into", "inspector"]);
    expect(out["key file"]).toContain("Requires read access");
  });

  it("has no Worker: the global is gone and the Node routes to one are refused", async () => {
    const out = await value(
      probes(`
      await attempt("Worker", () => new Worker("data:text/javascript,postMessage(1)", { type: "module" }));
      await attempt("worker_threads", async () => new (await import("node:worker_threads")).Worker("1", { eval: true }));
      await attempt("getBuiltinModule", () => new ((globalThis as any).process.getBuiltinModule("node:worker_threads")).Worker("1", { eval: true }));
      await attempt("createRequire", async () => (await import("node:module")).createRequire("file:///x.js")("worker_threads"));
      await attempt("cluster", async () => (await import("node:cluster")).default.fork);`),
    );
    expectAllRefused(out, ["Worker", "worker_threads", "getBuiltinModule", "createRequire", "cluster"]);
    expect(out["Worker"]).toMatch(/^ReferenceError/);
  });

  it("has no storage that Deno keeps on disk: the Cache API, localStorage and sessionStorage are gone", async () => {
    const out = await value(
      probes(`
      await attempt("caches", async () => (await caches.open("fill")).put("http://x/", new Response("y".repeat(1_000_000))));
      await attempt("localStorage", () => localStorage.setItem("k", "v"));
      await attempt("sessionStorage", () => sessionStorage.setItem("k", "v"));
      await attempt("openKv", () => (Deno as any).openKv());`),
    );
    expectAllRefused(out, ["caches", "localStorage", "sessionStorage", "openKv"]);
    expect(out["caches"]).toMatch(/^ReferenceError/);
  });

  it("reaches no host but the bridge: other ports, other hosts, sockets and remote modules are refused", async () => {
    const prism = inject("prismUrl");
    const out = await value(
      probes(`
      await attempt("fetch another port", () => fetch("${prism}/__prism_ready").then((r) => r.status));
      await attempt("fetch a host name", () => fetch("http://example.com/").then((r) => r.status));
      await attempt("connect", () => Deno.connect({ hostname: "127.0.0.1", port: ${new URL(prism).port} }));
      await attempt("websocket", () => new Promise((ok, ko) => { const ws = new WebSocket("ws://127.0.0.1:${new URL(prism).port}/"); ws.onopen = ok; ws.onerror = () => ko(new Error("refused")); }));
      await attempt("remote module", () => import("https://deno.land/std/version.ts"));
      await attempt("npm module", () => import("npm:left-pad"));
      await attempt("jsr module", () => import("jsr:@std/path"));`),
    );
    expectAllRefused(out, ["fetch another port", "fetch a host name", "connect", "websocket", "remote module", "npm module", "jsr module"]);
    expect(out["fetch another port"]).toContain("Requires net access");
  });
});

describe("the key never enters the sandbox", () => {
  const signal = () => {
    let fire = () => {};
    const fired = new Promise<void>((r) => (fire = r));
    return { fire: () => fire(), fired };
  };
  const arrival = signal();
  const closing = signal();
  const hanging = { arrived: arrival.fire, closed: closing.fire };
  let echo: Server;
  let echoed: Connected;
  beforeAll(async () => {
    // An upstream that puts the caller's Authorization header into every answer. It never answers
    // a catalog named "hang" (noting when that request arrives and when its connection closes), and
    // answers one named "after-hang" only once that request has arrived.
    echo = createServer(async (req, res) => {
      if (req.url?.endsWith("/hang")) {
        hanging.arrived();
        req.socket.once("close", () => hanging.closed());
        return;
      }
      if (req.url?.endsWith("/after-hang")) await arrival.fired;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify([{ id: "1", name: req.headers.authorization ?? "", note: `sent ${req.headers.authorization}` }]));
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const address = echo.address();
    echoed = await connectStdio(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/v1`, ["--code-mode"]);
  });
  afterAll(async () => {
    await echoed?.close();
    echo?.close();
  });

  it("bridge answers from an upstream that echoes the key are scrubbed before they go in", async () => {
    const r = await echoed.call("run_code", {
      code: `
        const seen = JSON.stringify(await peaka.listCatalogs({ projectId: "${P}" }));
        const bytes = new TextEncoder().encode(seen);
        return { seen, b64: btoa(seen), hex: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""), reversed: [...seen].reverse().join("") };`,
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const got = JSON.parse(textOf(r).split("\n")[0]!);
    expect(got.seen).toContain("Bearer [redacted]");
    expect(leaks(JSON.stringify(got))).toEqual([]);
  });

  it("an operation call still in flight when the code's promise settles is aborted with the run", async () => {
    // Without the abort the request to the upstream would stay open for @peaka/api's 60 s timeout.
    const code = `void peaka.getCatalog({ projectId: "${P}", catalogId: "hang" }).catch(() => {}); await peaka.getCatalog({ projectId: "${P}", catalogId: "after-hang" }); return "left";`;
    const r = await echoed.call("run_code", { code });
    expect([r.isError, textOf(r)]).toEqual([undefined, '"left"']);
    await closing.fired;
  });

  it("the Deno process has an empty working directory and an environment without the key, and no key in its arguments", async () => {
    const deno = findDeno();
    expect(deno).toBeTruthy();
    const ppid = await value("return Deno.ppid;");
    const controller = new AbortController();
    const pending = server.client.callTool({ name: "run_code", arguments: { code: "await new Promise((r) => setTimeout(r, 120_000));", timeoutSeconds: 300 } }, undefined, { signal: controller.signal, timeout: 200_000 }).catch((e: unknown) => e);
    const pid = await sandboxOf(ppid);
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    const files = readdirSync(cwd);
    controller.abort();
    await pending;
    expect(environ.map((e) => e.split("=")[0]).sort()).toEqual(["DENO_DIR", "DENO_NO_UPDATE_CHECK", "NO_COLOR"]);
    // Its own cache directory, a fresh temporary one beside the working directory.
    const denoDir = environ.find((e) => e.startsWith("DENO_DIR="))!.slice("DENO_DIR=".length);
    expect(denoDir.startsWith(join(cwd, ".."))).toBe(true);
    expect(denoDir).not.toBe(cwd);
    expect(leaks(environ.join("\n") + cmdline)).toEqual([]);
    expect(files).toEqual([]);
    expect(cwd.startsWith(tmpdir())).toBe(true);
    // A cancelled run frees its place, and the server answers.
    expect(await value("return 2;")).toBe(2);
  });
});

describe("run_code cannot take the server down", () => {
  it("stops a run that floods stdout past the cap; the server answers the next call", async () => {
    const r = await server.call("run_code", { code: `const mib = new Uint8Array(1024 * 1024).fill(120); for (let i = 0; i < 600; i++) Deno.stdout.writeSync(mib); return "done";` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("The code did not finish: it wrote more than 8 MiB to stdout");
    expect(await value("return 1 + 1;")).toBe(2);
  });

  it("stops a run that floods stderr or console.log past the cap", async () => {
    const err = await server.call("run_code", { code: `const mib = new Uint8Array(1024 * 1024).fill(120); for (let i = 0; i < 600; i++) Deno.stderr.writeSync(mib); return "done";` });
    expect(textOf(err)).toContain("it wrote more than 8 MiB to stderr");
    const log = await server.call("run_code", { code: `const line = "y".repeat(1024 * 1024); for (let i = 0; i < 200; i++) console.log(line); return "done";` });
    expect(textOf(log)).toContain("it wrote more than 8 MiB to stdout");
    expect(await value("return 3;")).toBe(3);
  });

  it("stops a run whose memory outside the V8 heap passes the cap", async () => {
    // Held for 30 s (the watchdog looks every 100 ms): a run that gets to return was not stopped.
    const code = `const held: Uint8Array[] = []; for (let i = 0; i < 8; i++) held.push(new Uint8Array(256 * 1024 * 1024).fill(1)); await new Promise((r) => setTimeout(r, 30_000)); return held.length;`;
    const r = await server.call("run_code", { code, timeoutSeconds: 50 });
    expect(r.isError, textOf(r)).toBe(true);
    expect(textOf(r)).toContain("The code did not finish: its memory passed 512 MiB (resident)");
    expect(await value("return 4;")).toBe(4);
  });

  it("answers when the code's promise settles, not at the time limit", async () => {
    // A timer left running would keep Deno alive until the limit (300 s); the call's own timeout is 60 s.
    const r = await server.call("run_code", { code: `setInterval(() => {}, 1000); await new Promise((r) => setTimeout(r, 10)); return "settled";`, timeoutSeconds: 300 });
    expect([r.isError, textOf(r)]).toEqual([undefined, '"settled"']);
  });

  it("runs at most 2 at once: a third is refused until one ends", async () => {
    const controllers = [new AbortController(), new AbortController()];
    const long = controllers.map((c) =>
      server.client.callTool({ name: "run_code", arguments: { code: "await new Promise((r) => setTimeout(r, 120_000));", timeoutSeconds: 300 } }, undefined, { signal: c.signal, timeout: 200_000 }).catch((e: unknown) => e),
    );
    const third = await server.call("run_code", { code: "return 3;" });
    expect(third.isError).toBe(true);
    expect(textOf(third)).toContain("Refused: 2 run_code runs are already in progress");
    for (const c of controllers) c.abort();
    await Promise.all(long);
    // The server learns of the cancellations a moment later; then the places are free again.
    let next = await server.call("run_code", { code: "return 5;" });
    for (let i = 0; i < 100 && next.isError && textOf(next).startsWith("Refused: 2 run_code runs"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      next = await server.call("run_code", { code: "return 5;" });
    }
    expect([next.isError, textOf(next)]).toEqual([undefined, "5"]);
  });
});

describe("a sandbox does not outlive its server", () => {
  // Each case ends a server of its own in the middle of a run, then looks for its Deno process.
  async function orphanCase(code: string, signal: NodeJS.Signals): Promise<boolean> {
    const own = await connectStdio(inject("prismUrl"), ["--code-mode"]);
    const serverPid = await value("return Deno.ppid;", own);
    void own.client.callTool({ name: "run_code", arguments: { code, timeoutSeconds: 300 } }, undefined, { timeout: 200_000 }).catch(() => undefined);
    const pid = await sandboxOf(serverPid);
    process.kill(serverPid, signal);
    const ended = await ends(pid);
    // A sandbox left behind is this test's to stop.
    if (!ended) process.kill(Number(pid), "SIGKILL");
    await own.close().catch(() => undefined);
    return ended;
  }

  it("a server stopped by SIGTERM kills its sandbox, even one stuck in a loop", async () => {
    expect(await orphanCase("while (true) {}", "SIGTERM")).toBe(true);
  });

  it("a sandbox whose server was killed outright (SIGKILL) ends by itself", async () => {
    expect(await orphanCase("await new Promise(() => setInterval(() => {}, 1000));", "SIGKILL")).toBe(true);
  });
});

describe("run_code checks", () => {
  it("runs with a Deno found on the PATH, though the sandbox itself gets no PATH", async () => {
    const onPath = await connectStdio(inject("prismUrl"), ["--code-mode", "--deno", "deno"], { PATH: `${dirname(findDeno()!)}${delimiter}${process.env["PATH"]}` });
    try {
      expect(await value("return 6;", onPath)).toBe(6);
    } finally {
      await onPath.close();
    }
  });

  it("refuses a SQL statement that is not a read with call_operation's own words", async () => {
    const body = { statement: "DELETE FROM shop.public.orders" };
    const direct = await server.call("call_operation", { operationId: "executeQuery", arguments: { projectId: P, body } });
    const viaCode = await server.call("run_code", { code: `return await peaka.executeQuery(${JSON.stringify({ projectId: P, body })});` });
    expect(direct.isError).toBe(true);
    expect(viaCode.isError).toBe(true);
    expect(textOf(direct)).toMatch(/^Refused: /);
    expect(textOf(viaCode)).toBe(`The code threw Error: ${textOf(direct)}`);
  });

  it("refuses an operation the flags refuse before looking at its arguments", async () => {
    const r = await server.call("run_code", { code: `return await peaka.deleteCatalog({});` });
    expect(textOf(r)).toMatch(/^The code threw Error: Refused: deleteCatalog /);
  });

  it("takes TypeScript (types, interfaces, enums, generics) and says where code does not compile", async () => {
    const ok = await value(`
      enum Kind { A = "a", B = "b" }
      interface Row { kind: Kind; n: number }
      const rows: Row[] = [{ kind: Kind.A, n: 1 }, { kind: Kind.B, n: 2 }];
      const sum = <T extends Row>(xs: T[]): number => xs.reduce((s, x) => s + x.n, 0);
      return { kinds: rows.map((r) => r.kind), total: sum(rows) as number };`);
    expect(ok).toEqual({ kinds: ["a", "b"], total: 3 });
    const bad = await server.call("run_code", { code: "const ok = 1;\nconst x: = 2;" });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^The code does not compile:\nline 2, column \d+: /);
  });

  it("never shows the key in any encoding", () => {
    expect(transcript.length).toBeGreaterThan(10);
    expect(transcript.flatMap(leaks)).toEqual([]);
  });
});
