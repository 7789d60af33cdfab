// pnpm docs, after TypeDoc: fails when the reference renders an operation's result as `any` (or
// `any[]`, ...): every operation function of @peaka/api (`listCatalogs: OperationFunction<Args, Result>`)
// and every method of a resource namespace interface (`CatalogsResource.list(...): Promise<Result>`, and
// its `.withResponse`). `executeQuery` (an ExecuteQueryFunction, typed by its `format`) is not an
// OperationFunction and not counted.
// Reads the JSON TypeDoc writes beside the HTML (docs-api/api.json).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const file = process.argv[2] ?? fileURLToPath(new URL("../../../docs-api/api.json", import.meta.url));
const project = JSON.parse(readFileSync(file, "utf8"));
// Paged operations (x-peaka-paging) are PagedOperationFunction<Args, Result, Item>: their item type is checked too.
const OPERATION_FUNCTIONS = new Set(["OperationFunction", "OptionalArgsOperationFunction", "PagedOperationFunction", "OptionalArgsPagedOperationFunction"]);

/** Whether a TypeDoc type (JSON) holds `any` anywhere. */
function hasAny(type) {
  if (!type || typeof type !== "object") return false;
  if (type.type === "intrinsic" && type.name === "any") return true;
  return Object.values(type).some((v) => (Array.isArray(v) ? v.some(hasAny) : typeof v === "object" && hasAny(v)));
}

/** Shows a TypeDoc type (JSON) roughly as the site does, for the failure message. */
function show(type) {
  if (!type) return "?";
  if (type.type === "intrinsic") return type.name;
  if (type.type === "array") return `${show(type.elementType)}[]`;
  if (type.type === "reference") return `${type.name}${type.typeArguments ? `<${type.typeArguments.map(show).join(", ")}>` : ""}`;
  return type.type;
}

const problems = [];
let functions = 0;
let methods = 0;
function visit(node, where) {
  for (const child of node.children ?? []) {
    const name = `${where}${where ? "." : ""}${child.name}`;
    const type = child.type;
    if (type?.type === "reference" && OPERATION_FUNCTIONS.has(type.name)) {
      functions++;
      const result = type.typeArguments?.[1];
      const item = type.typeArguments?.[2];
      if (!result || hasAny(result) || hasAny(item)) problems.push(`${name}: ${show(type)}`);
    }
    if (child.kind === 256 /* Interface */ && /Resource$/.test(child.name)) {
      for (const member of child.children ?? []) {
        // The method's own call signature and its `.withResponse`.
        const declaration = member.type?.declaration;
        const signatures = [
          ...(declaration?.signatures ?? member.signatures ?? []).map((s) => [member.name, s]),
          ...(declaration?.children ?? []).flatMap((c) => (c.type?.declaration?.signatures ?? c.signatures ?? []).map((s) => [`${member.name}.${c.name}`, s])),
        ];
        for (const [label, signature] of signatures) {
          methods++;
          if (hasAny(signature.type)) problems.push(`${name}.${label}(...): ${show(signature.type)}`);
        }
      }
    }
    visit(child, name);
  }
}
visit(project, "");

if (functions < 100 || methods < 100) problems.push(`found only ${functions} operation functions and ${methods} resource method signatures: is ${file} the whole reference?`);
if (problems.length) {
  console.error(`docs: ${problems.length} operation result(s) render as any:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`docs: ${functions} operation functions and ${methods} resource method signatures render their result types (no any)`);
