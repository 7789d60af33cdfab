// The CommonJS side of the type check (node16): `import ... = require()` resolves the .d.cts files.
import peaka = require("@peaka/api");
import type { CacheStatus } from "@peaka/api-types";

const client: peaka.PeakaClient = peaka.createPeakaClient({ apiKey: "k" });
export async function typedCjs(): Promise<CacheStatus["status"]> {
  const status = await client.cache.getStatus({ projectId: "p", cacheId: "c" });
  // @ts-expect-error the result is typed, not any
  const wrong: number = status.status;
  void wrong;
  return status.status;
}
