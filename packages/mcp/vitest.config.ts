import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One Prism mock for the whole run, started before the first test file and stopped after the last.
    globalSetup: ["./test/support/prism-setup.ts"],
    include: ["test/**/*.test.ts"],
    // The server processes (stdio and HTTP) start from source through tsx: give them time on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // Each file starts its own server processes; two at a time is enough on a shared machine.
    maxWorkers: 2,
  },
});
