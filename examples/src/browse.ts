// Connection, catalog, browse: register a database connection and make a catalog of it, then walk the
// sample shop catalog down to its columns and search it by name.
import { iterateCatalogSearch } from "@peaka/api";
import { isMain, runOnSimulator, type Example } from "./run.js";

export async function main({ peaka, ids, log }: Example) {
  const { projectId } = ids;
  // The credential's fields depend on the connection type; Peaka checks them when it connects.
  const connection = await peaka.connections.create({
    projectId,
    body: { name: "crm-postgres", type: "postgresql", credential: { host: "db.example.com", port: 5432, database: "crm", user: "reader", password: "secret" } },
  });
  const catalog = await peaka.catalogs.create({ projectId, body: { name: "crm", connectionId: connection.id } });
  log(`connection ${connection.name} (${connection.id}) -> catalog ${catalog.name} (${catalog.id})`);

  const catalogs = await peaka.catalogs.list({ projectId });
  log(`catalogs: ${catalogs.map((c) => c.name).join(", ")}`);

  const shop = catalogs.find((c) => c.id === ids.catalogId);
  if (!shop) throw new Error(`catalog ${ids.catalogId} is not in project ${projectId}`);
  const schemas = await peaka.catalogs.listSchemas({ projectId, catalogId: shop.id });
  const tables: Record<string, string[]> = {};
  for (const schema of schemas) {
    for (const table of await peaka.catalogs.listTables({ projectId, catalogId: shop.id, schemaName: schema.schemaName })) {
      const columns = await peaka.catalogs.listColumns({ projectId, catalogId: shop.id, schemaName: schema.schemaName, tableName: table.tableName });
      tables[`${schema.schemaName}.${table.tableName}`] = columns.map((c) => c.name);
      log(`  ${shop.name}.${schema.schemaName}.${table.tableName}: ${columns.map((c) => `${c.name} ${c.dataType}`).join(", ")}`);
    }
  }

  // Search pages by offset; the iterator follows the pages for you.
  const hits: string[] = [];
  for await (const hit of iterateCatalogSearch(peaka, { projectId, body: { query: "order" } })) hits.push(`${hit.kind} ${[hit.match.catalog, hit.match.schema, hit.match.table].filter(Boolean).join(".")}`);
  log(`search "order": ${hits.join("; ")}`);
  return { connectionId: connection.id, catalogId: catalog.id, catalogs: catalogs.map((c) => c.name), tables, hits };
}

if (isMain(import.meta.url)) await runOnSimulator(main);
