// The answer fixtures of spec/answers (bodies shaped after what a live Peaka and Peaka's own code show),
// read for the client's tests. The files' format is described in spec/answers/README.md.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface Answer {
  operationId: string;
  name: string;
  source: string;
  status: number;
  contentType: string;
  body: unknown;
}

const ANSWERS = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../spec/answers");

/** Every fixture, or those of one operation. */
export function answers(operationId?: string): Answer[] {
  const folders = operationId ? [operationId] : readdirSync(ANSWERS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  return folders.flatMap((op) =>
    readdirSync(join(ANSWERS, op))
      .filter((f) => f.endsWith(".json"))
      .map((f) => {
        const data = JSON.parse(readFileSync(join(ANSWERS, op, f), "utf8"));
        return { operationId: op, name: f.replace(/\.json$/, ""), source: data.source, status: data.status, contentType: data.contentType ?? "application/json", body: data.body };
      }),
  );
}

/** One fixture by operation and case name; throws when it does not exist. */
export function answer(operationId: string, name: string): Answer {
  const found = answers(operationId).find((a) => a.name === name);
  if (!found) throw new Error(`no fixture spec/answers/${operationId}/${name}.json`);
  return found;
}
