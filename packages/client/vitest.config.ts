import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One Prism mock for the whole run, started before the first test file and stopped after the last.
    globalSetup: ["./test/support/prism-setup.ts"],
    include: ["test/**/*.test.ts"],
    // Type tests: test/**/*.test-d.ts are checked by tsc, never run.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // An unhandled rejection anywhere fails the run.
    dangerouslyIgnoreUnhandledErrors: false,
    testTimeout: 20_000,
    hookTimeout: 90_000,
  },
});
