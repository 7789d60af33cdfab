// TypeScript consumer of the packages installed from a registry by npm, pnpm, Yarn and Bun
// (pnpm release:rehearse). Type-checked with tsconfig.strict.json: strict, exactOptionalPropertyTypes,
// noUncheckedIndexedAccess, skipLibCheck off, NodeNext. Never run; its `@ts-expect-error` lines fail
// the check if the types get loose.
import {
  createPeakaClient,
  createPeakaCore,
  getCacheStatus,
  PeakaApiError,
  PeakaNotFoundError,
  type GetCacheStatusResult,
  type PeakaClientOptions,
  type RequestOptions,
} from "@peaka/api";
import type { CacheStatus, OperationResult, paths } from "@peaka/api-types";

const options: PeakaClientOptions = { apiKey: "k", baseUrl: "http://127.0.0.1:4010", maxRetries: 0 };
const peaka = createPeakaClient(options);

export async function strict(key: string | undefined): Promise<string> {
  const status: CacheStatus = await peaka.cache.getStatus({ projectId: "p", cacheId: "c", excludeLogs: true });
  const same: OperationResult<"getCacheStatus"> = status;
  const result: GetCacheStatusResult = same;
  const fromCore = await getCacheStatus(createPeakaCore({ apiKey: key }), { projectId: "p", cacheId: "c" });
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
  return `${result.status} ${fromCore.status} ${data?.status ?? error?.message} ${path} ${wrong}`;
}
