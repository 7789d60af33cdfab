// The command line: help and version, and bad input refused with a clear message and exit code 2
// before anything starts.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FROM_SOURCE, PACKAGE_DIR } from "./support/harness.js";

function cli(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PEAKA_")));
  const r = spawnSync(process.execPath, [...FROM_SOURCE, resolve(PACKAGE_DIR, "src/cli.ts"), ...args], {
    cwd: PACKAGE_DIR,
    env: { ...clean, ...env },
    encoding: "utf8",
    input: "",
    // A server that starts when it should have refused would never exit: stop it and fail.
    timeout: 45_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("peaka-mcp command line", () => {
  it("--help prints every flag on stdout", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--transport", "--host", "--port", "--region", "--base-url", "--tools", "--max-rows", "--max-result-chars", "--allow-writes", "--allow-destructive", "--log-level", "--list-tools", "--version", "--code-mode", "--deno", "--allowed-hosts", "--allowed-origins", "--key-check-ttl", "--allow-http-code-mode", "--list-refused-tools", "--simulator", "--seed"]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain("PEAKA_API_KEY");
  });

  it("--version prints the package version", () => {
    expect(cli(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("--list-tools prints the tools the server lists: those its flags allow", () => {
    const names = (args: string[]) => cli(["--list-tools", ...args]).stdout.trim().split("\n");
    expect(names([])).toHaveLength(11);
    expect(names([])).not.toContain("refresh_cache");
    expect(names(["--allow-writes"])).toHaveLength(12);
    expect(names(["--list-refused-tools"])).toHaveLength(12);
    expect(names(["--tools=cache"])).toContain("get_cache_status");
    expect(names(["--tools=cache"])).not.toContain("delete_cache");
    expect(names(["--tools=cache", "--allow-writes", "--allow-destructive"])).toContain("delete_cache");
  });

  it.each([
    [["--tools=nonsense"], {}, 'Unknown --tools value "nonsense"'],
    [["--allow-destructive"], {}, "--allow-destructive needs --allow-writes"],
    [["--max-rows", "0"], {}, "--max-rows must be an integer of at least 1"],
    [["--transport", "carrier-pigeon"], { PEAKA_API_KEY: "k-123456" }, "--transport must be stdio or http"],
    [["--bogus"], {}, "Unknown option '--bogus'"],
    [[], {}, "PEAKA_API_KEY is not set"],
    [["--region", "mars"], { PEAKA_API_KEY: "k-123456" }, "mars"],
    [["--base-url", "not a url"], { PEAKA_API_KEY: "k-123456" }, "baseUrl"],
    [["--code-mode", "--deno", "/nonexistent/deno"], { PEAKA_API_KEY: "k-123456" }, "--code-mode needs Deno"],
    // HTTP mode: never beyond loopback without the host names to answer to; code mode only when asked for.
    [["--transport", "http", "--host", "0.0.0.0"], {}, "Refusing to listen on 0.0.0.0"],
    [["--transport", "http", "--host", "::", "--allowed-origins", "https://app.example.com"], {}, "--allowed-hosts"],
    [["--transport", "http", "--host", "0.0.0.0", "--allowed-hosts", "https://mcp.example.com/"], {}, "is not a host name"],
    [["--transport", "http", "--host", "0.0.0.0", "--allowed-hosts", "*"], {}, "is not a host name"],
    [["--transport", "http", "--allowed-origins", "app.example.com"], {}, "is not an origin"],
    [["--transport", "http", "--code-mode"], {}, "Add --allow-http-code-mode"],
    [["--allow-http-code-mode"], { PEAKA_API_KEY: "k-123456" }, "--allow-http-code-mode goes with --transport http and --code-mode"],
    [["--allowed-hosts", "mcp.example.com"], { PEAKA_API_KEY: "k-123456" }, "--allowed-hosts is a flag of HTTP mode"],
    [["--transport", "http", "--key-check-ttl=-1"], {}, "--key-check-ttl must be an integer of at least 0"],
    [["--simulator", "--transport", "http"], {}, "--simulator serves over stdio only"],
    [["--simulator", "--base-url", "https://example.com/api/v1"], {}, "leave out --region and --base-url"],
    [["--seed", "3"], { PEAKA_API_KEY: "k-123456" }, "--seed goes with --simulator"],
  ] as const)("%j is refused", (args, env, message) => {
    const r = cli([...args], { ...env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain("k-123456");
  });
});
