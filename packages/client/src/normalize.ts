// Status values as Peaka sends them vary in spelling (`not-active`, `NOT_ACTIVE`); these functions give
// one spelling: upper case, words joined by `_`.
import type { components } from "@peaka/api-types";

type RefreshWire = components["schemas"]["MetadataRefreshStatus"];
type RefreshJob = components["schemas"]["MetadataRefreshJobStatus"];

/** A metadata refresh state in its one normalized spelling (`ACTIVE`, `NOT_ACTIVE`, ...). */
export type MetadataRefreshState = Extract<RefreshWire, Uppercase<string>>;

/** The status of a metadata refresh job, with `status` normalized. */
export type NormalizedRefreshJobStatus = Omit<RefreshJob, "status"> & { status: MetadataRefreshState };

/** `"not-active"`, `"Not Active"` and `"NOT_ACTIVE"` all become `"NOT_ACTIVE"`. */
export function normalizeStatus(value: string): string {
  return value.trim().toUpperCase().replace(/[\s-]+/g, "_");
}

/** Normalizes the `status` of a metadata refresh job answer; other fields pass through untouched. */
export function normalizeRefreshJobStatus(body: RefreshJob): NormalizedRefreshJobStatus {
  return { ...body, status: normalizeStatus(String(body.status)) as MetadataRefreshState };
}
