// @peaka/api/sql: statements built safely, rows as objects, large results streamed. Its own entry, so
// that programs that never run SQL do not carry it; it uses @peaka/api for everything else (errors,
// operations), so `instanceof PeakaApiError` holds for its errors too.
export { sql, SqlStatement, isSqlStatement, toStatement, JOIN_SEPARATORS, SQL_FRAGMENT } from "./template.js";
export type { SqlFragmentV1, SqlTag, SqlValue } from "./template.js";
export { convertValue, rowsFromResult, uniqueKeys, baseType } from "./convert.js";
export type { ConvertOptions, SqlColumn, SqlRow, SqlRows } from "./convert.js";
export { runSql } from "./run.js";
export type { RunSqlOptions, SqlTarget } from "./run.js";
export { streamRows } from "./stream.js";
export type { ExportSource, RowStream, StreamProgress, StreamRowsOptions } from "./stream.js";
export { PeakaExportFileError } from "./errors.js";
export { PeakaRowValidationError } from "./schema.js";
export type { OptionsFor, SqlCell, SqlOption, SqlOptionsArg, SqlRowOf, SqlRowShape, StandardSchemaV1 } from "./schema.js";
export type { ExportFileFailure } from "./errors.js";
