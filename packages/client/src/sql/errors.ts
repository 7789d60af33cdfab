import { PeakaError } from "@peaka/api";

/** Why reading an export's files failed. */
export type ExportFileFailure =
  /** The download link was refused again after one fresh link was read from the export, or the export has expired. */
  | "expired"
  /** The file ended before its last row did (cut mid-row, gzip cut short, fewer bytes than listed). */
  | "truncated"
  /** A row could not be parsed (invalid JSON line, broken CSV quoting, wrong number of fields). */
  | "malformed"
  /** The storage host answered with an error, or the connection failed while reading. */
  | "download"
  /** The export succeeded but lists no files to download (only the user who started it may download). */
  | "unavailable";

/**
 * Reading the files of an export failed. Rows already yielded were complete and in order; nothing
 * after `row` of `file` was read. The download URL is never part of the message (it is signed).
 */
export class PeakaExportFileError extends PeakaError {
  override name = "PeakaExportFileError";
  /** What went wrong. */
  readonly reason: ExportFileFailure;
  /** The export job. */
  readonly exportId: string;
  /** The file being read, by name, when there was one. */
  readonly file: string | undefined;
  /** Rows of this file read completely before the failure. */
  readonly row: number | undefined;
  /** HTTP status from the storage host, for `download` and `expired`. */
  readonly status: number | undefined;

  constructor(
    message: string,
    init: { reason: ExportFileFailure; exportId: string; file?: string; row?: number; status?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.reason = init.reason;
    this.exportId = init.exportId;
    this.file = init.file;
    this.row = init.row;
    this.status = init.status;
  }
}
