import { defineConfig } from "vitest/config";

export default defineConfig({
  // @peaka/api and @peaka/api-types are read from source, as in the other packages' tests.
  resolve: { conditions: ["development"] },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
