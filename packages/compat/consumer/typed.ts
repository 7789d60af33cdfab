// TypeScript consumer of the installed packages, type-checked (strict, skipLibCheck off) with
// moduleResolution node16 and bundler. It is never run; it only has to compile, and its
// `@ts-expect-error` lines fail the check if the types ever get loose (e.g. become `any`).
import {
  createPeakaClient,
  PeakaApiError,
  PeakaNotFoundError,
  type PeakaClient,
  type PeakaClientOptions,
  type RequestOptions,
} from "@peaka/api";
import type { CacheStatus, OperationResult, paths } from "@peaka/api-types";

const options: PeakaClientOptions = { apiKey: "k", baseUrl: "http://127.0.0.1:4010", maxRetries: 0 };
const peaka: PeakaClient = createPeakaClient(options);

export async function typed(): Promise<string> {
  const status: CacheStatus = await peaka.cache.getStatus({ projectId: "p", cacheId: "c", excludeLogs: true });
  const same: OperationResult<"getCacheStatus"> = status;
  const per: RequestOptions = { maxRetries: 1, headers: { Prefer: "code=404" } };
  const { data, error } = await peaka.GET("/data/projects/{projectId}/cache/{cacheId}/status", {
    params: { path: { projectId: "p", cacheId: "c" } },
  });
  const path: keyof paths = "/data/projects/{projectId}/cache/{cacheId}/status";
  try {
    await peaka.cache.getStatus({ projectId: "p", cacheId: "c" }, per);
  } catch (e) {
    if (e instanceof PeakaNotFoundError) return `${e.status} ${e.method} ${e.path}`;
    if (e instanceof PeakaApiError) return String(e.errorCode);
  }
  // @ts-expect-error a required path parameter is missing
  await peaka.cache.getStatus({ projectId: "p" });
  // @ts-expect-error the result is typed, not any
  const wrong: number = status.status;
  // @ts-expect-error unknown paths do not compile on the low-level client
  await peaka.GET("/no/such/path", {});
  return `${same.status} ${data?.status ?? error?.message} ${path} ${wrong}`;
}

// The `@peaka/api/sql` entry (dist/sql.d.ts under node16 ESM and bundler).
import { runSql, sql, streamRows, type SqlColumn, type SqlRows, type StreamProgress } from "@peaka/api/sql";

export async function typedSql(status: string): Promise<string> {
  const query = sql`SELECT id FROM ${sql.id("shop", "public", "orders")} WHERE status = ${status}`;
  const text: string = query.statement;
  const bindings: string[] = query.bindings;
  const result: SqlRows = await runSql(peaka, "p", query, { timeout: 30_000 });
  const columns: SqlColumn[] = result.columns;
  let seen: StreamProgress | undefined;
  for await (const row of streamRows(peaka, { projectId: "p", queryId: "q" }, { format: "CSV", onProgress: (p) => (seen = p) })) {
    return `${text} ${bindings.length} ${columns.length} ${String(row["id"])} ${seen?.rows}`;
  }
  // @ts-expect-error runSql needs a client or a core, not a URL
  await runSql("http://127.0.0.1:4010", "p", query);
  // @ts-expect-error streamRows knows its formats
  streamRows(peaka, { projectId: "p", queryId: "q" }, { format: "XML" });
  return text;
}

// `@peaka/api/node-http` (dist/node-http.d.ts): the opt-in transport is a fetch, accepted as `fetch`.
import { nodeHttpFetch } from "@peaka/api/node-http";
export const fastClient: PeakaClient = createPeakaClient({ apiKey: "k", fetch: nodeHttpFetch });
// @ts-expect-error nodeHttpFetch is a fetch function, not a client option object
createPeakaClient({ apiKey: "k", fetch: { nodeHttpFetch } });
