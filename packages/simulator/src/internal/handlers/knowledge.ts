// What Peaka AI knows of a project's tables (the metadata routes other than the refresh job): table and
// column descriptions, AI usage, categorical values, column-to-column relations, golden SQL pairs and
// the refresh callback. Every table of every catalog has metadata, built from its columns on first
// read; the shop is seeded with descriptions, two relations, two golden SQLs and a categorical
// `orders.status`. The similarity searches are word-overlap scores, deterministic and explainable,
// where Peaka runs a vector search. The shapes follow spec/EVIDENCE.md (relations as an array in
// `relations`, golden SQL entries with `metadata.prompt`/`.sql`, the editor's `{ questions, threadId }`
// and `{ metadata, threadId }` answers for sample questions and semantics).
import type { components } from "@peaka/api-types";
import { badRequest, notFound } from "../http.js";
import type { IdSource } from "../random.js";
import type { Row } from "../shop.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { catalogOf, projectFor } from "./data.js";

type S = components["schemas"];

export interface ColumnKnowledge {
  columnDescription?: string | null;
  isPrimary?: boolean;
  isUnique?: boolean;
  isCategorical?: boolean;
  /** Collected values; undefined on a categorical column means "read them from the rows". */
  categoricalValues?: string[] | undefined;
  /** The schedule sent with `frequency`, kept until the values are deleted. */
  categoricalFrequency?: string | undefined;
}

export interface TableKnowledge {
  documentId: string;
  tableDescription: string | null;
  useWithAI: boolean;
  columns: Map<string, ColumnKnowledge>;
}

export interface KnowledgeStore {
  /** By `catalogId/schemaName/tableName`. */
  tables: Map<string, TableKnowledge>;
  relations: S["MetadataRelation"][];
  goldenSqls: S["MetadataGoldenSqlEntry"][];
  callback: { callbackURL: string; callbackToken: string | null } | null;
}

/** A table of the project as the metadata routes see it. */
export interface KnownTable {
  catalogId: string;
  catalogType: string;
  catalogName: string;
  catalogDisplayName: string;
  schemaName: string;
  tableName: string;
  columns: Array<{ name: string; dataType: string; isNotNull: boolean }>;
  rows: () => Row[];
  isCacheable: boolean;
}

const keyOf = (catalogId: string, schemaName: string, tableName: string) => `${catalogId}/${schemaName}/${tableName}`;

/** Every table of the project's catalogs (Peaka Tables and BI tables sit in the built-in catalog "1"). */
export function projectTables(p: ProjectRecord): KnownTable[] {
  const out: KnownTable[] = [];
  for (const c of p.catalogs.values()) {
    const builtIn = c.catalog.id === "1";
    for (const [schemaName, tables] of c.schemas) {
      for (const t of tables.values()) {
        out.push({
          catalogId: c.catalog.id,
          catalogType: c.catalog.catalogType,
          catalogName: builtIn ? "peaka" : c.catalog.name,
          catalogDisplayName: c.catalog.displayName,
          schemaName,
          tableName: t.name,
          columns: t.columns.map((col) => ({ name: col.name, dataType: col.dataType, isNotNull: col.isNotNull ?? false })),
          rows: t.rows,
          isCacheable: !builtIn,
        });
      }
    }
  }
  return out;
}

export function knowledgeOf(p: ProjectRecord, ids: IdSource, t: Pick<KnownTable, "catalogId" | "schemaName" | "tableName">): TableKnowledge {
  const key = keyOf(t.catalogId, t.schemaName, t.tableName);
  let k = p.knowledge.tables.get(key);
  if (!k) {
    k = { documentId: ids.uuid(), tableDescription: null, useWithAI: true, columns: new Map() };
    p.knowledge.tables.set(key, k);
  }
  return k;
}

/** The table a metadata path names; 404 when the project has none such. */
export function knownTable(p: ProjectRecord, catalogId: string, schemaName: string, tableName: string): KnownTable {
  const t = projectTables(p).find((x) => x.catalogId === catalogId && x.schemaName === schemaName && x.tableName === tableName);
  if (!t) throw notFound(`No table ${schemaName}.${tableName} in catalog ${catalogId}.`);
  return t;
}

/** The distinct values of a column, most frequent first (ties by value), as text. */
export function distinctValues(rows: Row[], column: string, limit: number): string[] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const v = r[column];
    if (v === null || v === undefined) continue;
    counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit).map(([v]) => v);
}

export function metadataTable(p: ProjectRecord, ids: IdSource, t: KnownTable): S["MetadataTable"] {
  const k = knowledgeOf(p, ids, t);
  const rows = t.rows();
  const columns: S["MetadataColumn"][] = t.columns.map((col, order) => {
    const ck = k.columns.get(col.name) ?? {};
    const samples: unknown[] = [];
    for (const r of rows) {
      const v = r[col.name];
      if (v !== null && v !== undefined && !samples.includes(v)) samples.push(v);
      if (samples.length === 3) break;
    }
    return {
      columnName: col.name,
      columnDescription: ck.columnDescription ?? null,
      dataType: col.dataType,
      order,
      isNotNull: col.isNotNull,
      isSystem: col.name.startsWith("_"),
      isUnique: ck.isUnique ?? false,
      isPrimary: ck.isPrimary ?? false,
      isCategorical: ck.isCategorical ?? false,
      ...(ck.isCategorical ? { categoricalValues: ck.categoricalValues ?? distinctValues(rows, col.name, DEFAULT_CATEGORICAL_LIMIT) } : {}),
      sampleValues: samples,
    };
  });
  return {
    projectId: p.project.id,
    catalogId: t.catalogId,
    catalogType: t.catalogType,
    catalogSubType: null,
    catalogQueryName: t.catalogName,
    catalogDisplayName: t.catalogDisplayName,
    schemaName: t.schemaName,
    tableName: t.tableName,
    tableDescription: k.tableDescription,
    isCacheable: t.isCacheable,
    isDynamicTable: false,
    useWithAI: k.useWithAI,
    columns,
    relations: p.knowledge.relations.filter((r) => r.sourceCatalogId === t.catalogId && r.sourceSchemaName === t.schemaName && r.sourceTableName === t.tableName),
  };
}

/** The text Peaka AI indexes for a table (the document's `content`). */
function documentText(m: S["MetadataTable"]): string {
  const columns = (m.columns ?? []).map((c) => `${c.columnName} (${c.dataType})${c.columnDescription ? `: ${c.columnDescription}` : ""}`).join("; ");
  return `Table ${m.catalogQueryName}.${m.schemaName}.${m.tableName}${m.tableDescription ? `: ${m.tableDescription}` : ""}. Columns: ${columns}`;
}

/** Lower-case words without a plural `s`, for the word-overlap searches. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map((w) => (w.length > 3 && w.endsWith("s") ? w.slice(0, -1) : w));
}

function overlap(query: string[], text: string): number {
  const have = new Set(words(text));
  return query.filter((w) => have.has(w)).length;
}

/** How many categorical values are collected when `limit` is left out (the simulator's choice; Peaka's is not documented). */
const DEFAULT_CATEGORICAL_LIMIT = 25;
/** How many matches the searches give at most when the request does not say (the simulator's choice). */
const DEFAULT_TOP_K = 5;

function relationOf(p: ProjectRecord, ctx: HandlerContext): S["MetadataRelation"] {
  const { catalogId, schemaName, tableName, columnNameOrRelationId } = ctx.params as Record<string, string>;
  const r = p.knowledge.relations.find((x) => x.id === columnNameOrRelationId && x.sourceCatalogId === catalogId && x.sourceSchemaName === schemaName && x.sourceTableName === tableName);
  if (!r) throw notFound(`No relation ${columnNameOrRelationId} on ${schemaName}.${tableName} in catalog ${catalogId}.`);
  return r;
}

function columnOf(t: KnownTable, name: string, fail = notFound) {
  const col = t.columns.find((c) => c.name === name);
  if (!col) throw fail(`No column ${name} in ${t.schemaName}.${t.tableName}.`);
  return col;
}

function tableFromPath(ctx: HandlerContext): { p: ProjectRecord; t: KnownTable } {
  const p = projectFor(ctx);
  const { catalogId, schemaName, tableName } = ctx.params as Record<string, string>;
  return { p, t: knownTable(p, catalogId!, schemaName!, tableName!) };
}

function setAiUsage(ctx: HandlerContext, keep: (t: KnownTable) => boolean): Record<string, never> {
  const p = projectFor(ctx);
  const catalog = catalogOf(p, ctx.params["catalogId"]!);
  const schemaName = ctx.params["schemaName"];
  if (schemaName !== undefined && !catalog.schemas.has(schemaName)) throw notFound(`No schema ${schemaName} in catalog ${catalog.catalog.id}.`);
  for (const t of projectTables(p).filter(keep)) knowledgeOf(p, ctx.ids, t).useWithAI = (ctx.body as S["MetadataAiUsageUpdateRequest"]).useWithAI;
  return {};
}

/** A column's description as the simulator's semantics generation writes it (from the column's name and type only). */
function describeColumn(table: string, name: string, dataType: string): string {
  if (name.endsWith("_id")) return `Identifier of the ${name.slice(0, -3).replaceAll("_", " ")} (${dataType}).`;
  if (name.endsWith("_at")) return `When the ${table.replace(/s$/, "").replaceAll("_", " ")} was ${name.slice(0, -3).replaceAll("_", " ")} (${dataType}).`;
  return `The ${name.replaceAll("_", " ")} of the ${table.replace(/s$/, "").replaceAll("_", " ")} (${dataType}).`;
}

export const knowledgeHandlers: HandlerTable = {
  getProjectMetadata: (ctx) => {
    const p = projectFor(ctx);
    const { catalogId, schemaName } = ctx.query as { catalogId?: string; schemaName?: string };
    const tables = projectTables(p).filter((t) => (catalogId === undefined || t.catalogId === catalogId) && (schemaName === undefined || t.schemaName === schemaName));
    return {
      metadata: tables.map((t) => {
        const m = metadataTable(p, ctx.ids, t);
        return { id: knowledgeOf(p, ctx.ids, t).documentId, content: documentText(m), metadata: m };
      }),
    };
  },
  searchMetadataTables: (ctx) => {
    const p = projectFor(ctx);
    const raw = ctx.query["topK"] as string | undefined;
    if (raw !== undefined && !/^[1-9]\d*$/.test(raw)) throw badRequest(`Parameter 'topK' must be a whole number >= 1; got ${JSON.stringify(raw)}`);
    const topK = raw === undefined ? DEFAULT_TOP_K : Number(raw);
    const query = words(ctx.query["table"] as string);
    const scored = projectTables(p).map((t) => {
      const m = metadataTable(p, ctx.ids, t);
      return { m, score: 3 * overlap(query, t.tableName.replaceAll("_", " ")) + overlap(query, documentText(m)) };
    });
    return { result: scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score).slice(0, topK).map((s) => s.m) };
  },
  updateMetadataTable: (ctx) => {
    const { p, t } = tableFromPath(ctx);
    const body = ctx.body as S["MetadataTableUpdateRequest"];
    const k = knowledgeOf(p, ctx.ids, t);
    for (const c of body.columns ?? []) columnOf(t, c.columnName, badRequest);
    if (body.tableDescription !== undefined) k.tableDescription = body.tableDescription;
    if (body.useWithAI !== undefined) k.useWithAI = body.useWithAI;
    for (const c of body.columns ?? []) {
      const ck = k.columns.get(c.columnName) ?? {};
      for (const field of ["columnDescription", "isPrimary", "isUnique", "isCategorical", "categoricalValues"] as const) {
        if (c[field] !== undefined) (ck as Record<string, unknown>)[field] = c[field];
      }
      k.columns.set(c.columnName, ck);
    }
    return {};
  },
  updateMetadataCatalogAiUsage: (ctx) => setAiUsage(ctx, (t) => t.catalogId === ctx.params["catalogId"]),
  updateMetadataSchemaAiUsage: (ctx) => setAiUsage(ctx, (t) => t.catalogId === ctx.params["catalogId"] && t.schemaName === ctx.params["schemaName"]),

  generateMetadataCategoricalValues: (ctx) => {
    const { p, t } = tableFromPath(ctx);
    const column = columnOf(t, ctx.params["columnName"]!).name;
    const body = (ctx.body ?? {}) as S["MetadataCategoricalValuesRequest"];
    if (body.limit !== undefined && body.limit < 1) throw badRequest("Invalid request body: field 'limit' must be >= 1");
    const k = knowledgeOf(p, ctx.ids, t);
    const ck = k.columns.get(column) ?? {};
    Object.assign(ck, { isCategorical: true, categoricalValues: distinctValues(t.rows(), column, body.limit ?? DEFAULT_CATEGORICAL_LIMIT), categoricalFrequency: body.frequency });
    k.columns.set(column, ck);
    return {};
  },
  deleteMetadataCategoricalValues: (ctx) => {
    const { p, t } = tableFromPath(ctx);
    const column = columnOf(t, ctx.params["columnName"]!).name;
    const ck = knowledgeOf(p, ctx.ids, t).columns.get(column);
    if (ck) Object.assign(ck, { isCategorical: false, categoricalValues: undefined, categoricalFrequency: undefined });
    return {};
  },

  listMetadataRelations: (ctx) => {
    const p = projectFor(ctx);
    const catalogId = catalogOf(p, ctx.params["catalogId"]!).catalog.id;
    return { relations: p.knowledge.relations.filter((r) => r.sourceCatalogId === catalogId || r.targetCatalogId === catalogId) };
  },
  addMetadataRelation: (ctx) => {
    const { p, t } = tableFromPath(ctx);
    const column = columnOf(t, ctx.params["columnNameOrRelationId"]!).name;
    const body = ctx.body as S["MetadataRelationCreateRequest"];
    const target = knownTable(p, body.targetCatalogId, body.targetSchemaName, body.targetTableName);
    columnOf(target, body.targetColumnName);
    const same = (r: S["MetadataRelation"]) =>
      r.sourceCatalogId === t.catalogId && r.sourceSchemaName === t.schemaName && r.sourceTableName === t.tableName && r.sourceColumnName === column && r.targetCatalogId === target.catalogId && r.targetSchemaName === target.schemaName && r.targetTableName === target.tableName && r.targetColumnName === body.targetColumnName;
    if (p.knowledge.relations.some(same)) throw badRequest(`A relation from ${t.tableName}.${column} to ${target.tableName}.${body.targetColumnName} already exists`);
    p.knowledge.relations.push(relation(ctx.ids, p, t, column, target, body.targetColumnName, body.type));
    return {};
  },
  updateMetadataRelation: (ctx) => {
    relationOf(projectFor(ctx), ctx).type = (ctx.body as S["MetadataRelationUpdateRequest"]).type;
    return {};
  },
  deleteMetadataRelation: (ctx) => {
    const p = projectFor(ctx);
    const r = relationOf(p, ctx);
    p.knowledge.relations = p.knowledge.relations.filter((x) => x !== r);
    return {};
  },

  listMetadataGoldenSqls: (ctx) => ({ result: projectFor(ctx).knowledge.goldenSqls }),
  createMetadataGoldenSql: (ctx) => {
    const p = projectFor(ctx);
    const body = ctx.body as S["MetadataGoldenSqlCreateRequest"];
    if (!body.prompt.trim() || !body.sql.trim()) throw badRequest("Invalid request body: 'prompt' and 'sql' must not be empty");
    p.knowledge.goldenSqls.push(goldenSql(ctx.ids, p, body.prompt, body.sql));
    return {};
  },
  deleteMetadataGoldenSql: (ctx) => {
    const p = projectFor(ctx);
    const id = ctx.params["id"]!;
    if (!p.knowledge.goldenSqls.some((g) => g.id === id)) throw notFound(`No golden SQL with id ${id}.`);
    p.knowledge.goldenSqls = p.knowledge.goldenSqls.filter((g) => g.id !== id);
    return {};
  },
  searchMetadataGoldenSqls: (ctx) => ({ result: searchGoldenSqls(projectFor(ctx), ctx.query["q"] as string).map((g) => ({ question: g.metadata.prompt, sql: g.metadata.sql })) }),

  generateMetadataSampleQuestions: (ctx) => {
    const p = projectFor(ctx);
    const topic = words(ctx.query["question"] as string);
    const candidates: Array<{ question: string; category: string }> = [];
    for (const t of projectTables(p)) {
      if (!knowledgeOf(p, ctx.ids, t).useWithAI || t.columns.length === 0) continue;
      const noun = t.tableName.replaceAll("_", " ");
      candidates.push({ question: `How many ${noun} are there?`, category: "count" });
      const numeric = t.columns.find((c) => /^(double|real|decimal|bigint|integer)/.test(c.dataType) && !c.name.endsWith("_id"));
      if (numeric) candidates.push({ question: `What is the total ${numeric.name.replaceAll("_", " ")} of ${noun}?`, category: "aggregation" });
      for (const r of p.knowledge.relations.filter((x) => x.sourceTableName === t.tableName && x.sourceCatalogId === t.catalogId && x.sourceSchemaName === t.schemaName)) {
        candidates.push({ question: `Which ${r.targetTableName!.replaceAll("_", " ")} have the most ${noun}?`, category: "ranking" });
      }
    }
    const ranked = candidates.map((c, i) => ({ c, i, score: overlap(topic, c.question) })).sort((a, b) => b.score - a.score || a.i - b.i);
    return { questions: ranked.slice(0, DEFAULT_TOP_K).map((r) => r.c), threadId: ctx.ids.uuid() };
  },
  generateMetadataSemantics: (ctx) => {
    const { p, t } = tableFromPath(ctx);
    const body = (ctx.body ?? {}) as S["MetadataSemanticsRequest"];
    const k = knowledgeOf(p, ctx.ids, t);
    k.tableDescription ??= `${t.tableName.replaceAll("_", " ")} of ${t.catalogDisplayName} (${t.columns.length} columns).`;
    for (const col of t.columns.slice(0, body.limit ?? t.columns.length)) {
      const ck = k.columns.get(col.name) ?? {};
      ck.columnDescription ??= describeColumn(t.tableName, col.name, col.dataType);
      k.columns.set(col.name, ck);
    }
    return { metadata: metadataTable(p, ctx.ids, t), threadId: body.threadId ?? ctx.ids.uuid() };
  },

  getMetadataRefreshCallback: (ctx) => projectFor(ctx).knowledge.callback ?? { callbackURL: null, callbackToken: null },
  registerMetadataRefreshCallback: (ctx) => {
    const p = projectFor(ctx);
    const body = ctx.body as S["MetadataRefreshCallbackRequest"];
    if (!URL.canParse(body.callbackURL) || !/^https?:$/.test(new URL(body.callbackURL).protocol)) throw badRequest("Invalid request body: field 'callbackURL' must be an http or https URL");
    p.knowledge.callback = { callbackURL: body.callbackURL, callbackToken: body.callbackToken ?? null };
    return {};
  },
  unregisterMetadataRefreshCallback: (ctx) => {
    projectFor(ctx).knowledge.callback = null;
    return {};
  },
};

/** The golden SQLs sharing words with `q`, closest first, at most five. */
export function searchGoldenSqls(p: ProjectRecord, q: string): S["MetadataGoldenSqlEntry"][] {
  const query = words(q);
  return p.knowledge.goldenSqls
    .map((g, i) => ({ g, i, score: overlap(query, g.metadata.prompt) * 2 + overlap(query, g.metadata.sql) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, DEFAULT_TOP_K)
    .map((s) => s.g);
}

function goldenSql(ids: IdSource, p: ProjectRecord, prompt: string, sql: string): S["MetadataGoldenSqlEntry"] {
  return { id: ids.uuid(), content: prompt, metadata: { prompt, sql, projectId: p.project.id } };
}

function relation(ids: IdSource, p: ProjectRecord, source: KnownTable, sourceColumn: string, target: KnownTable, targetColumn: string, type: S["MetadataRelationType"]): S["MetadataRelation"] {
  return {
    id: ids.uuid(),
    projectId: p.project.id,
    sourceCatalogId: source.catalogId,
    sourceCatalogName: source.catalogName,
    sourceSchemaName: source.schemaName,
    sourceTableName: source.tableName,
    sourceColumnName: sourceColumn,
    targetCatalogId: target.catalogId,
    targetCatalogName: target.catalogName,
    targetSchemaName: target.schemaName,
    targetTableName: target.tableName,
    targetColumnName: targetColumn,
    type,
  };
}

const SHOP_DESCRIPTIONS: Record<string, [string, Record<string, string>]> = {
  customers: ["One row per customer of the shop.", { customer_id: "Identifier of the customer.", name: "Full name of the customer.", email: "E-mail address of the customer.", country: "Country of the customer, as an ISO 3166 alpha-2 code.", created_at: "When the customer signed up." }],
  orders: ["One row per order placed in the shop; totals are the sum of the order's items.", { order_id: "Identifier of the order.", customer_id: "The customer who placed the order.", status: "Where the order stands: placed, paid, shipped, delivered or cancelled.", total: "Amount of the order: quantity times unit price, summed over its items.", placed_at: "When the order was placed.", paid_at: "When the order was paid; null while unpaid or when cancelled." }],
  order_items: ["One row per product line of an order.", { order_item_id: "Identifier of the order line.", order_id: "The order the line belongs to.", product: "Name of the product.", quantity: "How many units were ordered.", unit_price: "Price of one unit." }],
};

/** The seeded shop's metadata: descriptions, two relations, two golden SQLs and a categorical `orders.status`. */
export function seedShopKnowledge(p: ProjectRecord, ids: IdSource, catalogId: string): void {
  const tables = projectTables(p).filter((t) => t.catalogId === catalogId);
  const table = (name: string) => tables.find((t) => t.tableName === name)!;
  for (const t of tables) {
    const [description, columns] = SHOP_DESCRIPTIONS[t.tableName]!;
    const k = knowledgeOf(p, ids, t);
    k.tableDescription = description;
    for (const [name, columnDescription] of Object.entries(columns)) k.columns.set(name, { columnDescription, ...(name === `${t.tableName.replace(/s$/, "")}_id` ? { isPrimary: true, isUnique: true } : {}) });
  }
  Object.assign(knowledgeOf(p, ids, table("orders")).columns.get("status")!, { isCategorical: true });
  p.knowledge.relations.push(relation(ids, p, table("orders"), "customer_id", table("customers"), "customer_id", "MANY_TO_ONE"));
  p.knowledge.relations.push(relation(ids, p, table("order_items"), "order_id", table("orders"), "order_id", "MANY_TO_ONE"));
  const c = tables[0]!.catalogName;
  p.knowledge.goldenSqls.push(
    goldenSql(ids, p, "Who are our top customers by total spent?", `SELECT c.customer_id, c.name, round(sum(o.total), 2) AS total_spent FROM "${c}"."public"."customers" c JOIN "${c}"."public"."orders" o ON o.customer_id = c.customer_id WHERE o.status <> 'cancelled' GROUP BY c.customer_id, c.name ORDER BY total_spent DESC, c.customer_id LIMIT 5`),
    goldenSql(ids, p, "How many orders were placed each month?", `SELECT date_trunc('month', placed_at) AS month, count(*) AS orders FROM "${c}"."public"."orders" GROUP BY 1 ORDER BY 1`),
  );
}
