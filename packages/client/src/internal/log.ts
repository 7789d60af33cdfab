// Optional logging. One line per attempt: method, path, status, attempt and duration. Headers are shown
// only at debug level and always redacted; bodies only when `logBodies` is set.

export type LogLevel = "debug" | "info" | "warn" | "error";

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

/**
 * The logger `PEAKA_LOG` turns on when no `logger` is passed: one line per entry on stderr
 * (`console.error` where there is no `process.stderr`), the fields as JSON. The fields are redacted before any logger sees them.
 */
export const stderrLogger: Logger = {
  debug: (message, fields) => writeLine("debug", message, fields),
  info: (message, fields) => writeLine("info", message, fields),
  warn: (message, fields) => writeLine("warn", message, fields),
  error: (message, fields) => writeLine("error", message, fields),
};

function writeLine(level: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
  let text = "";
  try {
    text = fields === undefined ? "" : ` ${JSON.stringify(fields)}`;
  } catch {
    text = " [fields not serializable]";
  }
  const line = `[peaka] ${level}: ${message}${text}`;
  // Node.js, Bun and Deno have process.stderr; elsewhere (a browser) the console's error stream.
  const stderr = (globalThis as { process?: { stderr?: { write?(chunk: string): unknown } } }).process?.stderr;
  if (typeof stderr?.write === "function") stderr.write(`${line}\n`);
  else console.error(line);
}

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
