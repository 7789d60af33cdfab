// Query folders: a tree of paths (`/finance/weekly`) holding saved queries. Renaming or moving a folder
// carries its sub-folders and queries along; a path that is taken answers 409, and so does deleting a
// folder that is not empty unless `force=true`, which deletes everything below it, queries included.
import type { components } from "@peaka/api-types";
import { badRequest, notFound, PeakaSimError } from "../http.js";
import type { ProjectRecord } from "../world.js";
import type { HandlerContext, HandlerTable } from "./context.js";
import { projectFor } from "./data.js";

type S = components["schemas"];

const conflict = (message: string) => new PeakaSimError(409, { message });

function folderOf(p: ProjectRecord, id: string): S["QueryFolder"] {
  const f = p.folders.get(id);
  if (!f) throw notFound(`No query folder with id ${id}.`);
  return f;
}

const pathTaken = (p: ProjectRecord, path: string) => [...p.folders.values()].some((f) => f.path === path);
const children = (p: ProjectRecord, id: string) => [...p.folders.values()].filter((f) => f.parentId === id);
const queriesIn = (p: ProjectRecord, id: string) => [...p.queries.values()].filter((q) => q.folderId === id);

/** The folder and everything below it. */
function subtree(p: ProjectRecord, id: string): S["QueryFolder"][] {
  return [folderOf(p, id), ...children(p, id).flatMap((c) => subtree(p, c.id))];
}

function createFolder(ctx: HandlerContext, parent: S["QueryFolder"] | undefined): S["QueryFolder"] {
  const p = projectFor(ctx);
  const name = (ctx.body as S["QueryFolderCreate"]).folderName;
  if (!name.trim() || name.includes("/")) throw badRequest("Invalid request body: field 'folderName' must be a non-empty name without '/'");
  const path = `${parent?.path ?? ""}/${name}`;
  if (pathTaken(p, path)) throw conflict("A folder with this name already exists here.");
  const folder: S["QueryFolder"] = { id: ctx.ids.uuid(), name, path, parentId: parent?.id ?? null, createdAt: ctx.clock.iso() };
  p.folders.set(folder.id, folder);
  return folder;
}

/** Moves a folder to `path` (its new full path), with every folder and query below it. */
function relocate(p: ProjectRecord, folder: S["QueryFolder"], path: string): S["QueryFolder"] {
  if (path === folder.path) return folder;
  if (!/^(\/[^/]+)+$/.test(path)) throw badRequest(`Invalid path ${JSON.stringify(path)}: expected /name or /parent/name`);
  if (path.startsWith(`${folder.path}/`)) throw conflict("A folder cannot be moved inside itself.");
  if (pathTaken(p, path)) throw conflict("A folder with this name already exists here.");
  const parentPath = path.slice(0, path.lastIndexOf("/"));
  const parent = parentPath ? [...p.folders.values()].find((f) => f.path === parentPath) : undefined;
  if (parentPath && !parent) throw badRequest(`No folder at ${parentPath}`);
  const old = folder.path;
  const moved = subtree(p, folder.id);
  for (const f of moved) f.path = path + f.path.slice(old.length);
  for (const f of moved) for (const q of queriesIn(p, f.id)) q.path = f.path;
  folder.name = path.slice(path.lastIndexOf("/") + 1);
  folder.parentId = parent?.id ?? null;
  return folder;
}

function contents(p: ProjectRecord, folder: S["QueryFolder"]): S["QueryFolderContents"] {
  return { ...folder, folders: children(p, folder.id), queries: queriesIn(p, folder.id) };
}

function node(p: ProjectRecord, folder: S["QueryFolder"], withQueries: boolean): S["QueryFolderTreeNode"] {
  return {
    id: folder.id,
    name: folder.name,
    path: folder.path,
    children: children(p, folder.id).map((c) => node(p, c, withQueries)),
    ...(withQueries ? { queries: queriesIn(p, folder.id) } : {}),
  };
}

export const folderHandlers: HandlerTable = {
  listQueryFolders: (ctx) => ({ items: [...projectFor(ctx).folders.values()] }),
  createQueryFolder: (ctx) => createFolder(ctx, undefined),
  createChildQueryFolder: (ctx) => createFolder(ctx, folderOf(projectFor(ctx), ctx.params["folderId"]!)),
  getQueryFolder: (ctx) => {
    const p = projectFor(ctx);
    return contents(p, folderOf(p, ctx.params["folderId"]!));
  },
  getQueryFolderTree: (ctx) => {
    const p = projectFor(ctx);
    const withQueries = ctx.query["includeQueries"] === true;
    const root = ctx.query["rootFolderId"] as string | undefined;
    const tops = root !== undefined ? [folderOf(p, root)] : [...p.folders.values()].filter((f) => !f.parentId);
    return { tree: tops.map((f) => node(p, f, withQueries)) };
  },
  updateQueryFolderQueries: (ctx) => {
    const p = projectFor(ctx);
    const folder = folderOf(p, ctx.params["folderId"]!);
    const body = ctx.body as S["QueryFolderQueriesUpdate"];
    const query = (id: string) => {
      const q = p.queries.get(id);
      if (!q) throw notFound(`No saved query with id ${id}.`);
      return q;
    };
    const added = body.queryIdsAdded.map(query);
    const removed = body.queryIdsRemoved.map(query);
    for (const q of added) Object.assign(q, { folderId: folder.id, path: folder.path });
    for (const q of removed) if (q.folderId === folder.id) Object.assign(q, { folderId: null, path: null });
    return contents(p, folder);
  },
  renameQueryFolder: (ctx) => {
    const p = projectFor(ctx);
    const folder = folderOf(p, ctx.params["folderId"]!);
    const name = (ctx.body as S["QueryFolderRename"]).name;
    if (!name.trim() || name.includes("/")) throw badRequest("Invalid request body: field 'name' must be a non-empty name without '/'");
    return relocate(p, folder, `${folder.path.slice(0, folder.path.lastIndexOf("/"))}/${name}`);
  },
  moveQueryFolder: (ctx) => {
    const p = projectFor(ctx);
    return relocate(p, folderOf(p, ctx.params["folderId"]!), (ctx.body as S["QueryFolderMove"]).path);
  },
  deleteQueryFolder: (ctx) => {
    const p = projectFor(ctx);
    const all = subtree(p, ctx.params["folderId"]!);
    const queries = all.flatMap((f) => queriesIn(p, f.id));
    if ((all.length > 1 || queries.length > 0) && ctx.query["force"] !== true) throw conflict("The folder is not empty; delete with force=true to delete everything in it.");
    for (const q of queries) p.queries.delete(q.id!);
    for (const f of all) p.folders.delete(f.id);
  },
};
