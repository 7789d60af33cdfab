import { defineConfig } from "vitest/config";

export default defineConfig({
  // @peaka/api is read from source, as in the packages' own tests.
  resolve: { conditions: ["development"] },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
