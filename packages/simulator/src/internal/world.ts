// The simulator's state: one partner with organizations, workspaces and projects, and per project its
// catalogs (with tables), saved queries, caches and export jobs.
import type { components } from "@peaka/api-types";
import type { SimulatorClock } from "./clock.js";
import { forbidden, notFound } from "./http.js";
import type { AgentThreadRecord } from "./handlers/agent.js";
import type { ConnectionRecord } from "./handlers/connections.js";
import type { SemanticTableRecord } from "./handlers/semantic.js";
import { seedShopKnowledge, type KnowledgeStore } from "./handlers/knowledge.js";
import type { MaterializedState } from "./handlers/materialized.js";
import type { PeakaTableRecord } from "./handlers/tables.js";
import type { IdSource } from "./random.js";
import { shopTables, type SampleTable } from "./shop.js";

type S = components["schemas"];

export interface CatalogRecord {
  catalog: S["Catalog"];
  /** schema name -> table name -> table */
  schemas: Map<string, Map<string, SampleTable>>;
}

export interface CacheRun {
  info: S["CacheExecutionInfo"];
  /** When the run ends (simulator time, ms). */
  endsAt: number;
}

export interface CacheRecord {
  cache: S["Cache"];
  runs: { FULL_REFRESH: CacheRun[]; INCREMENTAL: CacheRun[] };
  /** Reads of the status still to answer with the previous run, per mode, after a trigger. */
  staleReads: { FULL_REFRESH: number; INCREMENTAL: number };
  deleted: boolean;
}

export interface ExportRecord {
  job: S["ExportJob"];
  createdMs: number;
  table: SampleTable;
  request: S["ExportRequest"];
  /** Why the job fails when it would finish (a query export whose statement did not run). */
  failure?: string;
  /** The files, written when the job first shows SUCCEEDED. */
  files?: Array<{ name: string; bytes: Uint8Array; contentType: string; contentEncoding?: string }>;
}

export interface ProjectRecord {
  project: S["Project"];
  organizationId: string;
  catalogs: Map<string, CatalogRecord>;
  queries: Map<string, S["SavedQuery"]>;
  caches: Map<string, CacheRecord>;
  exports: ExportRecord[];
  /** Refresh runs of the materialized queries, by query id. */
  materialized: Map<string, MaterializedState>;
  /** When the latest metadata refresh of each catalog was queued (simulator ms), by catalog id. */
  metadataRefreshes: Map<string, number>;
  connections: Map<string, ConnectionRecord>;
  folders: Map<string, S["QueryFolder"]>;
  /** Peaka Tables by name. */
  peakaTables: Map<string, PeakaTableRecord>;
  /** BI tables by (underscore-free) name. */
  biTables: Map<string, PeakaTableRecord>;
  /** Parametric tables by catalog id. */
  parametricTables: Map<string, S["ParametricTable"][]>;
  /** Tables of semantic catalogs, by table id. */
  semanticTables: Map<string, SemanticTableRecord>;
  /** What Peaka AI knows of the project's tables: descriptions, relations, golden SQLs, callback. */
  knowledge: KnowledgeStore;
  /** Conversations with the agent, by thread id. */
  agentThreads: Map<string, AgentThreadRecord>;
}

export interface KeyRecord {
  key: S["ApiKey"];
  secret: string;
  projectId: string;
}

export interface World {
  partnerKey: string;
  user: { userId: string; email: string };
  organizations: Map<string, S["Organization"]>;
  workspaces: Map<string, S["Workspace"]>;
  projects: Map<string, ProjectRecord>;
  /** Project keys by secret. */
  keys: Map<string, KeyRecord>;
}

/** The ids of what a fresh simulator holds. */
export interface SeededIds {
  organizationId: string;
  workspaceId: string;
  projectId: string;
  /** The PostgreSQL connection the `shop` catalog is made from. */
  connectionId: string;
  /** The `shop` catalog (a PostgreSQL connection's catalog) with schema `public`. */
  catalogId: string;
  /** A saved query over the orders table. */
  queryId: string;
}

const PROJECT_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A project id as Peaka shows them: eight letters and digits. */
export function projectId(ids: IdSource): string {
  return Array.from({ length: 8 }, () => PROJECT_ID_ALPHABET[Math.floor(ids.next() * PROJECT_ID_ALPHABET.length)]).join("");
}

/** A new project with the two built-in catalogs every Peaka project has. */
export function newProject(ids: IdSource, clock: SimulatorClock, fields: { name: string; description?: string | null; organizationId: string; workspaceId: string; owner: string }): ProjectRecord {
  const id = projectId(ids);
  const catalogs = new Map<string, CatalogRecord>();
  for (const [cid, name] of [["1", "internal"], ["2", "query"]] as const) {
    catalogs.set(cid, { catalog: { id: cid, name, displayName: name, catalogType: name === "internal" ? "peaka_internal" : "peaka_query", connectionId: null }, schemas: new Map() });
  }
  return {
    project: { id, name: fields.name, description: fields.description ?? null, createdAt: clock.iso(), owner: fields.owner, workspaceId: fields.workspaceId },
    organizationId: fields.organizationId,
    catalogs,
    queries: new Map(),
    caches: new Map(),
    exports: [],
    materialized: new Map(),
    metadataRefreshes: new Map(),
    connections: new Map(),
    folders: new Map(),
    peakaTables: new Map(),
    biTables: new Map(),
    parametricTables: new Map(),
    semanticTables: new Map(),
    knowledge: { tables: new Map(), relations: [], goldenSqls: [], callback: null },
    agentThreads: new Map(),
  };
}

/** The world of a fresh simulator: one organization, its default workspace and the shop project. */
export function seedWorld(ids: IdSource, clock: SimulatorClock, seed: number): { world: World; seeded: SeededIds; projectKey: string } {
  const user = { userId: ids.uuid(), email: "simulated.user@example.com" };
  const organizationId = ids.uuid();
  const workspaceId = ids.uuid();
  const world: World = {
    partnerKey: ids.secret("sim_partner_"),
    user,
    organizations: new Map([[organizationId, { id: organizationId, name: "Simulated Org", owner: user.userId, createdAt: clock.iso() }]]),
    workspaces: new Map([[workspaceId, { id: workspaceId, name: "Default", createdBy: user.userId, organizationId, createdAt: clock.iso(), defaultWorkspace: true }]]),
    projects: new Map(),
    keys: new Map(),
  };
  const shop = newProject(ids, clock, { name: "shop", description: "Sample shop data", organizationId, workspaceId, owner: user.userId });
  const connectionId = ids.uuid();
  shop.connections.set(connectionId, {
    connection: { id: connectionId, name: "shop-postgres", type: "postgresql" },
    credential: { host: "shop-db.example.internal", port: 5432, database: "shop", user: "reader", password: "not-a-real-password" },
  });
  const catalogId = ids.numeric();
  shop.catalogs.set(catalogId, {
    catalog: { id: catalogId, name: "shop", displayName: "Shop", catalogType: "postgresql", connectionId },
    schemas: new Map([["public", new Map(shopTables(seed, clock.now()).map((t) => [t.name, t]))]]),
  });
  const queryId = ids.numeric();
  shop.queries.set(queryId, {
    id: queryId,
    name: "paid_orders",
    displayName: "Paid orders",
    inputQuery: `SELECT * FROM "shop"."public"."orders" WHERE paid_at IS NOT NULL`,
    queryType: "PLAIN",
    path: null,
    folderId: null,
  });
  seedShopKnowledge(shop, ids, catalogId);
  world.projects.set(shop.project.id, shop);
  const projectKey = addKey(world, ids, shop.project.id, "seeded project key", null).secret;
  return { world, seeded: { organizationId, workspaceId, projectId: shop.project.id, connectionId, catalogId, queryId }, projectKey };
}

export function addKey(world: World, ids: IdSource, projectId: string, name: string, expiresAt: string | null): KeyRecord {
  const record: KeyRecord = { key: { apiKeyId: ids.uuid(), name, apiKey: null, expiresAt }, secret: ids.secret("sim_project_"), projectId };
  world.keys.set(record.secret, record);
  return record;
}

/** Who sent a request. */
export type Principal = { kind: "partner" } | { kind: "project"; projectId: string; key: KeyRecord };

/** The project a request names, checked against the key: 403 for another project's key, 404 when unknown. */
export function projectOf(world: World, principal: Principal, id: string): ProjectRecord {
  if (principal.kind === "project" && principal.projectId !== id) throw forbidden("This key has no access to the requested project.");
  const project = world.projects.get(id);
  if (!project) throw notFound(`No project with id ${id}.`);
  return project;
}
