import type { FilePart } from "./multipart.js";

/** The argument of an operation that takes no parameters. */
export type EmptyArgs = { [key: string]: never };

/** A multipart body as the spec declares it; its file parts (`F`) take a File, a Blob, bytes or CSV text. */
export type MultipartBody<T, F extends keyof T> = Omit<T, F> & { [K in F]: FilePart };
