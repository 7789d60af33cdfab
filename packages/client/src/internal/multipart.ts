// Multipart bodies (the CSV import): each field of the body object becomes a part. A file part may be
// a File, a Blob, a Node Buffer / Uint8Array / ArrayBuffer, or a string of CSV text.
import { PeakaInvalidArgumentError } from "../errors.js";

export type FilePart = Blob | ArrayBuffer | ArrayBufferView | string;

function toBlob(value: ArrayBuffer | ArrayBufferView): Blob {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Blob([bytes.slice()], { type: "application/octet-stream" });
}

/** Builds the form; `files` names the parts that are files, so that text given for them is sent as a file. */
export function toFormData(body: unknown, files: readonly string[] = []): FormData {
  if (body instanceof FormData) return body;
  if (!body || typeof body !== "object") {
    throw new PeakaInvalidArgumentError("A multipart body must be an object of parts (or a FormData).");
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (typeof File !== "undefined" && value instanceof File) form.append(name, value, value.name);
    else if (value instanceof Blob) form.append(name, value, `${name}.csv`);
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) form.append(name, toBlob(value), `${name}.csv`);
    else if (typeof value === "string" && files.includes(name)) form.append(name, new Blob([value], { type: "text/csv" }), `${name}.csv`);
    else if (typeof value === "object") form.append(name, new Blob([JSON.stringify(value)], { type: "application/json" }));
    else form.append(name, String(value));
  }
  return form;
}
