// Compile-time checks (run by `pnpm typecheck`) of the open enums: a response enum whose values Peaka
// does not publish (`x-peaka-open-enum` in the spec) keeps its known values as literal suggestions and
// accepts any other string; request enums stay closed.
import type { components } from "../src/index.js";

type S = components["schemas"];
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type RefreshStatus = S["MaterializedQueryRefreshStatus"];
type RunStatus = S["CacheExecutionInfo"]["status"];
type CacheType = S["CatalogTableCacheType"];

// Any string is accepted where Peaka publishes no list...
export const unknownRefreshState: RefreshStatus = "WAITING_FOR_WORKER";
export const unknownRunState: RunStatus = "QUEUED";
export const unknownCacheType: CacheType = "SNAPSHOT";
// ...the known values are still part of the type (the editor suggests them)...
export const knownValues: ["TIMED_OUT" extends RefreshStatus ? true : false, "CANCELLED" extends RunStatus ? true : false] = [true, true];
// ...and the type has not collapsed into a bare `string`.
export const notBareString: [Equals<RefreshStatus, string>, Equals<RunStatus, string>, Equals<CacheType, string>] = [false, false, false];

// Request enums stay closed.
// @ts-expect-error "weekly" is not a schedule type a request may send
export const badScheduleType: NonNullable<S["SavedQueryScheduleInput"]>["type"] = "weekly";
// @ts-expect-error "everything" is not a stream mode
export const badStreamMode: S["AgentStreamMode"] = "everything";
// Published response enums stay closed too.
// @ts-expect-error "SLEEPING" is not a cache status Peaka lists
export const badCacheStatus: S["CacheStatus"]["status"] = "SLEEPING";
