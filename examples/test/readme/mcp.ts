// @peaka/mcp as README snippets see it: an HTTP server a snippet starts listens on a free port (not the
// fixed one it names), checks keys with the simulator the test serves, and is stopped when the
// snippet's test ends.
import { startHttpServer as realStart } from "@peaka/mcp";
import { harness } from "./context.js";

export * from "@peaka/mcp";

export const startHttpServer: typeof realStart = (options = {}) => {
  const { baseUrl, cleanups, pending } = harness();
  const started = realStart({ ...options, port: 0, client: { ...options.client, baseUrl: options.client?.baseUrl ?? baseUrl }, log: () => {} });
  pending.push(started);
  cleanups.push(async () => (await started).close());
  return started;
};
