import { defineConfig } from "vitest/config";

export default defineConfig({
  // @peaka/api is read from source, as in the packages' own tests.
  resolve: { conditions: ["development"] },
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Generous: the examples wait for jobs on the wall clock, which a busy machine slows down.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
