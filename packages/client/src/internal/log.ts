// Optional logging. One line per attempt: method, path, status, attempt and duration. Headers are shown
// only at debug level and always redacted; bodies only when `logBodies` is set.

export type LogLevel = "debug" | "info" | "warn" | "error";
/** The levels, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Anything with console-like methods; `console` itself works. */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie|password|credential/i;

export function redactHeaders(headers: Headers | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (value: string, name: string) => {
    out[name] = SECRET_HEADER.test(name) ? "[redacted]" : value;
  };
  if (headers instanceof Headers) headers.forEach(add);
  else for (const name in headers) add(headers[name] as string, name);
  return out;
}

export interface LogSink {
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, message: string, fields: Record<string, unknown>): void;
}

/** One line on stderr (`console.error`): level, message and the (already redacted) fields as JSON. */
const line =
  (level: LogLevel) =>
  (message: string, fields?: Record<string, unknown>): void =>
    console.error(`[peaka] ${level}: ${message}`, JSON.stringify(fields));

/**
 * The logger `PEAKA_LOG` turns on when no `logger` is passed: one line per entry on stderr, the fields
 * as JSON. The fields are redacted before any logger sees them.
 */
export const stderrLogger: Logger = Object.fromEntries(LOG_LEVELS.map((level) => [level, line(level)]));

/** The sink of a client without a logger: one shared object, nothing to allocate per client. */
const SILENT: LogSink = { enabled: () => false, log: () => undefined };

export function createLogSink(logger: Logger | undefined, minimum: LogLevel): LogSink {
  if (logger === undefined) return SILENT;
  return {
    enabled: (level) => logger !== undefined && ORDER[level] >= ORDER[minimum],
    log(level, message, fields) {
      if (!logger || ORDER[level] < ORDER[minimum]) return;
      logger[level]?.(message, fields);
    },
  };
}
