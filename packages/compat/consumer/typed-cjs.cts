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

// `@peaka/api/sql` through require(): resolves dist/sql.d.cts.
import peakaSql = require("@peaka/api/sql");

export async function typedSqlCjs(): Promise<number> {
  const query = peakaSql.sql`SELECT * FROM orders WHERE id = ${1}`;
  const result: peakaSql.SqlRows = await peakaSql.runSql(client, "p", query);
  // @ts-expect-error rows are objects keyed by column, not arrays
  const first: unknown[] = result.rows[0]!;
  void first;
  return result.rows.length;
}

// `@peaka/api/node-http` through require(): resolves dist/node-http.d.cts.
import peakaNodeHttp = require("@peaka/api/node-http");
export const fastCjs: peaka.PeakaClient = peaka.createPeakaClient({ apiKey: "k", fetch: peakaNodeHttp.nodeHttpFetch });
