// Path parameters land as exactly one path segment, whatever they contain.
import { PeakaInvalidArgumentError } from "../errors.js";

const PARAM = /\{([^{}]+)\}/g;

/** Encodes one path parameter as a single URL path segment. */
export function encodePathSegment(name: string, value: unknown): string {
  if (value === undefined || value === null) {
    throw new PeakaInvalidArgumentError(`Path parameter "${name}" is missing.`);
  }
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint" && typeof value !== "boolean") {
    throw new PeakaInvalidArgumentError(`Path parameter "${name}" must be a string or a number; got ${typeof value}.`);
  }
  const text = String(value);
  // URLs give "", "." and ".." (and their %2E spellings) a meaning of their own, so no encoding can make
  // them a segment: refuse them rather than send a request to another resource.
  if (text === "" || text === "." || text === "..") {
    throw new PeakaInvalidArgumentError(
      `Path parameter "${name}" cannot be ${JSON.stringify(text)}: it would not stay one path segment.`,
    );
  }
  try {
    return encodeURIComponent(text);
  } catch {
    // URIError: a lone UTF-16 surrogate, which has no UTF-8 form
    throw new PeakaInvalidArgumentError(
      `Path parameter "${name}" contains an unpaired UTF-16 surrogate, which cannot be sent in a URL.`,
    );
  }
}

/** Fills `{name}` placeholders of a path template (openapi-fetch's `pathSerializer` signature). */
export function serializePath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(PARAM, (_, name: string) => encodePathSegment(name, params?.[name]));
}
