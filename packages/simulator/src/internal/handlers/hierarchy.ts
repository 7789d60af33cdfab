// Key info, organizations, workspaces, projects (both route families) and project API keys.
import { badRequest, notFound } from "../http.js";
import { addKey, newProject, projectOf, type ProjectRecord, type World } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";

function organization(world: World, id: string) {
  const org = world.organizations.get(id);
  if (!org) throw notFound(`No organization with id ${id}.`);
  return org;
}

function workspace(world: World, organizationId: string, id: string) {
  organization(world, organizationId);
  const ws = world.workspaces.get(id);
  if (!ws || ws.organizationId !== organizationId) throw notFound(`No workspace with id ${id} in organization ${organizationId}.`);
  return ws;
}

function projectIn(ctx: HandlerContext): ProjectRecord {
  const { organizationId, workspaceId, projectId } = ctx.params as Record<string, string>;
  workspace(ctx.world, organizationId!, workspaceId!);
  const p = projectOf(ctx.world, ctx.principal, projectId!);
  if (p.project.workspaceId !== workspaceId) throw notFound(`No project with id ${projectId} in workspace ${workspaceId}.`);
  return p;
}

function defaultWorkspace(world: World) {
  const ws = [...world.workspaces.values()].find((w) => w.defaultWorkspace);
  if (!ws) throw badRequest("The organization has no default workspace.");
  return ws;
}

function createProjectIn(ctx: HandlerContext, organizationId: string, workspaceId: string) {
  const p = newProject(ctx.ids, ctx.clock, { name: ctx.body.name, description: ctx.body.description ?? null, organizationId, workspaceId, owner: ctx.world.user.userId });
  ctx.world.projects.set(p.project.id, p);
  return p.project;
}

function updateProject(p: ProjectRecord, body: { name: string; description?: string | null }) {
  p.project.name = body.name;
  if (body.description !== undefined) p.project.description = body.description;
  return p.project;
}

function deleteProject(ctx: HandlerContext, p: ProjectRecord) {
  ctx.world.projects.delete(p.project.id);
  for (const [secret, k] of ctx.world.keys) if (k.projectId === p.project.id) ctx.world.keys.delete(secret);
}

export const hierarchyHandlers: HandlerTable = {
  getKeyInfo: ({ principal, world }) => {
    if (principal.kind === "partner") return { ...world.user };
    const p = world.projects.get(principal.projectId);
    return { ...world.user, projectId: principal.projectId, ...(p ? { projectName: p.project.name } : {}) };
  },
  listOrganizations: ({ world }) => [...world.organizations.values()],
  getOrganization: ({ world, params }) => organization(world, params["organizationId"]!),

  listWorkspaces: ({ world, params }) => {
    organization(world, params["organizationId"]!);
    return [...world.workspaces.values()].filter((w) => w.organizationId === params["organizationId"]);
  },
  createWorkspace: ({ world, params, body, ids, clock }) => {
    const organizationId = params["organizationId"]!;
    organization(world, organizationId);
    if (typeof body.name !== "string" || !body.name.trim()) throw badRequest("Workspace name must not be empty");
    const ws = { id: ids.uuid(), name: body.name, description: body.description ?? null, createdBy: world.user.userId, organizationId, createdAt: clock.iso(), defaultWorkspace: false };
    world.workspaces.set(ws.id, ws);
    return { ...ws, createdAt: null }; // Peaka's answer to a create may carry a null createdAt (spec: Workspace)
  },
  getWorkspace: ({ world, params }) => workspace(world, params["organizationId"]!, params["workspaceId"]!),
  updateWorkspace: ({ world, params, body }) => {
    const ws = workspace(world, params["organizationId"]!, params["workspaceId"]!);
    if (body.name !== undefined) ws.name = body.name;
    if (body.description !== undefined) ws.description = body.description;
    return ws;
  },
  deleteWorkspace: ({ world, params }) => {
    const ws = workspace(world, params["organizationId"]!, params["workspaceId"]!);
    if (ws.defaultWorkspace) throw badRequest("The default workspace cannot be deleted");
    if ([...world.projects.values()].some((p) => p.project.workspaceId === ws.id)) throw badRequest("The workspace still holds projects");
    world.workspaces.delete(ws.id);
  },

  listProjects: ({ world, params }) => {
    workspace(world, params["organizationId"]!, params["workspaceId"]!);
    return [...world.projects.values()].filter((p) => p.project.workspaceId === params["workspaceId"]).map((p) => p.project);
  },
  createProject: (ctx) => {
    workspace(ctx.world, ctx.params["organizationId"]!, ctx.params["workspaceId"]!);
    return createProjectIn(ctx, ctx.params["organizationId"]!, ctx.params["workspaceId"]!);
  },
  getProject: (ctx) => projectIn(ctx).project,
  updateProject: (ctx) => updateProject(projectIn(ctx), ctx.body),
  deleteProject: (ctx) => deleteProject(ctx, projectIn(ctx)),

  listLegacyProjects: ({ world }) => [...world.projects.values()].map((p) => p.project),
  createLegacyProject: (ctx) => {
    const ws = defaultWorkspace(ctx.world);
    return createProjectIn(ctx, ws.organizationId, ws.id);
  },
  getLegacyProject: (ctx) => projectOf(ctx.world, ctx.principal, ctx.params["projectId"]!).project,
  updateLegacyProject: (ctx) => updateProject(projectOf(ctx.world, ctx.principal, ctx.params["projectId"]!), ctx.body),
  deleteLegacyProject: (ctx) => deleteProject(ctx, projectOf(ctx.world, ctx.principal, ctx.params["projectId"]!)),

  listApiKeys: ({ world, principal, params }) => {
    const p = projectOf(world, principal, params["projectId"]!);
    return [...world.keys.values()].filter((k) => k.projectId === p.project.id).map((k) => ({ ...k.key, apiKey: null }));
  },
  createApiKey: ({ world, principal, params, body, ids }) => {
    const p = projectOf(world, principal, params["projectId"]!);
    const k = addKey(world, ids, p.project.id, body.name ?? "API key", body.expiresAt ?? null);
    return { ...k.key, apiKey: k.secret };
  },
  deleteApiKey: ({ world, principal, params }) => {
    const p = projectOf(world, principal, params["projectId"]!);
    const entry = [...world.keys.entries()].find(([, k]) => k.projectId === p.project.id && k.key.apiKeyId === params["apiKeyId"]);
    if (!entry) throw notFound(`No API key with id ${params["apiKeyId"]} in project ${p.project.id}.`);
    world.keys.delete(entry[0]);
  },
};
