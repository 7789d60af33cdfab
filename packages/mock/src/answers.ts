// The answer fixtures of spec/answers: bodies shaped after what a live Peaka and Peaka's own code show,
// one file per operation and case (format: spec/answers/README.md). Read by the strict validation of
// @peaka/spec-tools (`pnpm spec:answers`) and by the client's tests of row conversion and error parsing.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const JSON_MEDIA = "application/json";

/** One answer fixture: a body shaped after a named source, for one operation and one case. */
export interface AnswerFixture {
  /** Path of the file, relative to the repository root. */
  file: string;
  operationId: string;
  /** The file name without `.json`. */
  name: string;
  /** Where the shape comes from (a tag of spec/EVIDENCE.md and the file or page). */
  source: string;
  status: number;
  contentType: string;
  body: unknown;
}

export const ANSWERS_DIR = resolve(REPO_ROOT, "spec/answers");

/** Reads every fixture under `dir`; a file that is not a well-formed fixture throws, naming the file. */
export function loadAnswers(dir: string = ANSWERS_DIR): AnswerFixture[] {
  const out: AnswerFixture[] = [];
  for (const operationId of readdirSync(dir).sort()) {
    const folder = join(dir, operationId);
    if (!statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".json")).sort()) {
      const path = join(folder, file);
      const label = relative(REPO_ROOT, path);
      let data: any;
      try {
        data = JSON.parse(readFileSync(path, "utf8"));
      } catch (error) {
        throw new Error(`${label}: not JSON (${(error as Error).message})`);
      }
      if (!data || typeof data !== "object" || Array.isArray(data)) throw new Error(`${label}: expected an object`);
      if (typeof data.source !== "string" || !data.source.trim()) throw new Error(`${label}: "source" must name where the shape comes from`);
      if (!Number.isInteger(data.status)) throw new Error(`${label}: "status" must be an HTTP status`);
      if (!("body" in data)) throw new Error(`${label}: "body" is missing`);
      const extra = Object.keys(data).filter((k) => !["source", "status", "contentType", "body", "note"].includes(k));
      if (extra.length) throw new Error(`${label}: unknown field(s) ${extra.join(", ")}`);
      out.push({
        file: label,
        operationId,
        name: file.replace(/\.json$/, ""),
        source: data.source,
        status: data.status,
        contentType: typeof data.contentType === "string" ? data.contentType : JSON_MEDIA,
        body: data.body,
      });
    }
  }
  return out;
}


/** One fixture by operation and case name; throws when it does not exist. */
export function answer(operationId: string, name: string, dir: string = ANSWERS_DIR): AnswerFixture {
  const found = loadAnswers(dir).find((a) => a.operationId === operationId && a.name === name);
  if (!found) throw new Error(`no fixture spec/answers/${operationId}/${name}.json`);
  return found;
}
