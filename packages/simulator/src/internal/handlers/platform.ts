// Connector configurations and the OAuth2 completion of a connection, embedded sessions and driver
// connection strings. The simulator knows five connectors: PostgreSQL, MySQL and Stripe take a
// credential; Salesforce and Google Analytics are OAuth2 (`redirectRequired`), so creating one answers a
// consent `url` whose `state` the completion must send back. Session URLs and driver strings are
// made up in Peaka's layout; nothing is served at them.
import type { components } from "@peaka/api-types";
import { badRequest, notFound } from "../http.js";
import type { IdSource } from "../random.js";
import { projectOf, type ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor } from "./data.js";
import type { ConnectionRecord } from "./connections.js";

type S = components["schemas"];

const field = (fieldName: string, fieldType: "text" | "number" | "boolean" = "text", required = true): S["ConnectionConfigurationItem"] => ({ fieldName, fieldType, required });
const database = (connectionType: string, label: string): S["ConnectionConfiguration"] => ({
  connectionType,
  connectionTypeLabel: label,
  name: label,
  authorizationType: "custom",
  credentialSchemaType: `${connectionType}_credential_schema`,
  redirectRequired: false,
  category: "Database",
  configuration: [field("host"), field("port", "number"), field("database"), field("user"), field("password")],
});
const oauth2 = (connectionType: string, label: string, category: string): S["ConnectionConfiguration"] => ({
  connectionType,
  connectionTypeLabel: label,
  name: label,
  authorizationType: "oauth2",
  credentialSchemaType: `${connectionType}_credential_schema`,
  redirectRequired: true,
  category,
  configuration: [],
});

const CONNECTORS: S["ConnectionConfiguration"][] = [
  database("postgresql", "PostgreSQL"),
  database("mysql", "MySQL"),
  { connectionType: "stripe", connectionTypeLabel: "Stripe", name: "Stripe", authorizationType: "api_key", credentialSchemaType: "stripe_credential_schema", redirectRequired: false, category: "Payment", configuration: [field("token")] },
  oauth2("salesforce", "Salesforce", "CRM"),
  oauth2("google_analytics", "Google Analytics", "Marketing"),
];

const hex = (ids: IdSource, n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(ids.next() * 16)]).join("");

/**
 * For an OAuth2 connector, marks a new connection as waiting for consent and gives its consent URL;
 * undefined for the other connectors (their credential is checked instead).
 */
export function startOAuth2(ctx: HandlerContext, record: ConnectionRecord, callback: string | undefined): string | undefined {
  if (!CONNECTORS.some((c) => c.connectionType === record.connection.type && c.redirectRequired)) return undefined;
  record.oauthState = hex(ctx.ids, 16);
  const consent = new URL(`https://consent.example.com/${record.connection.type}/authorize`);
  consent.searchParams.set("client_id", "peaka-simulator");
  consent.searchParams.set("state", record.oauthState);
  if (callback) consent.searchParams.set("redirect_uri", callback);
  return consent.href;
}

/** The key the request came with, as the driver strings embed it. */
function callerKey(ctx: HandlerContext): string {
  return ctx.principal.kind === "partner" ? ctx.world.partnerKey : ctx.principal.key.secret;
}

const JDBC_BASE = "jdbc:peaka://dbc.peaka.studio:4567/";
const sqlAlchemy = (key: string, catalog: string) => `peaka://dbc.peaka.studio:4567/${catalog}?http_scheme=https&extra_credential=[["peakaKey","${key}"]]&access_token=true`;

function session(ctx: HandlerContext, projectId: string | undefined, timeout: number | undefined): S["EmbeddedSession"] {
  const id = projectId ?? (ctx.principal.kind === "project" ? ctx.principal.projectId : undefined);
  if (id === undefined) throw badRequest("Invalid request body: field 'projectId' is required with a partner key");
  const p: ProjectRecord = projectOf(ctx.world, ctx.principal, id);
  if (timeout !== undefined && timeout <= 0) throw badRequest("timeoutInSeconds must be > 0");
  if (!p) throw notFound(`No project with id ${id}.`);
  return { sessionUrl: `${ctx.apiBaseUrl}/ui/session?code=${hex(ctx.ids, 64)}`, partnerOrigin: `${ctx.baseUrl}/` };
}

export const platformHandlers: HandlerTable = {
  listConnectionConfigs: () => CONNECTORS,
  getConnectionConfig: (ctx) => {
    const config = CONNECTORS.find((c) => c.connectionType === ctx.params["connectionType"]);
    if (!config) throw notFound(`No connector of type ${ctx.params["connectionType"]}.`);
    return config;
  },
  completeConnectionOAuth2: (ctx) => {
    const p = projectFor(ctx);
    const query = new URLSearchParams((ctx.body as S["ConnectionOAuth2Callback"]).queryParameters.replace(/^\?/, ""));
    if (query.has("error")) throw badRequest(`The third party refused consent: ${query.get("error")}`);
    const state = query.get("state");
    if (!query.get("code") || !state) throw badRequest("queryParameters must hold the code and state of the OAuth2 redirect");
    const record = [...p.connections.values()].find((c) => c.oauthState === state);
    if (!record) throw badRequest("No connection of this project waits for this OAuth2 state");
    delete record.oauthState;
    record.credential = { authorization: "oauth2" };
    return record.connection;
  },

  getEmbeddedSession: (ctx) => session(ctx, ctx.query["projectId"] as string, ctx.query["timeoutInSeconds"] as number | undefined),
  createEmbeddedSession: (ctx) => {
    const body = ctx.body as S["EmbeddedSessionRequest"];
    return session(ctx, body.projectId, body.timeoutInSeconds);
  },

  getSupportedDrivers: (ctx) => ({ JDBC: `${JDBC_BASE}?extraCredentials=peakaKey:${callerKey(ctx)}`, SQL_ALCHEMY: sqlAlchemy(callerKey(ctx), (ctx.query["catalogName"] as string | undefined) ?? "{catalogName}") }),
  getJdbcDriver: (ctx) => ({ JDBC: `${JDBC_BASE}?extraCredentials=peakaKey:${callerKey(ctx)}` }),
  getSqlAlchemyDriver: (ctx) => ({ SQL_ALCHEMY: sqlAlchemy(callerKey(ctx), ctx.query["catalogName"] as string) }),
};
