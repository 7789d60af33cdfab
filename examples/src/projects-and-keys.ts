// Projects and keys: with a partner key, find the organization and workspace, make a project, give it a
// project key, and see what that key may do (its own project) and may not (partner-only operations
// answer 403). Cleans up after itself.
import { PeakaPermissionDeniedError } from "@peaka/api";
import { isMain, runOnSimulator, type Example } from "./run.js";

export async function main({ peaka, log }: Example) {
  const me = await peaka.info.get();
  log(`partner key of ${me.email}`);

  const [org] = await peaka.organizations.list();
  if (!org) throw new Error("the key sees no organization");
  const workspaces = await peaka.workspaces.list({ organizationId: org.id });
  const workspace = workspaces.find((w) => w.defaultWorkspace) ?? workspaces[0];
  if (!workspace) throw new Error(`organization ${org.name} has no workspace`);
  log(`organization ${org.name}, workspace ${workspace.name}`);

  const project = await peaka.projects.create({
    organizationId: org.id,
    workspaceId: workspace.id,
    body: { name: "analytics", description: "made by examples/src/projects-and-keys.ts" },
  });
  log(`created project ${project.name} (${project.id})`);

  // The secret comes back once, from this call only: keep it somewhere safe (never print it).
  const created = await peaka.apiKeys.create({ projectId: project.id, body: { name: "reporting-service" } });
  const keys = await peaka.apiKeys.list({ projectId: project.id });
  log(`project keys: ${keys.map((k) => k.name).join(", ")}`);

  // A client for the tenant: the same options, another key.
  const tenant = peaka.derive({ apiKey: created.apiKey });
  const tenantInfo = await tenant.info.get();
  log(`the new key belongs to project ${tenantInfo.projectName} (${tenantInfo.projectId})`);

  let refused: number | undefined;
  try {
    await tenant.organizations.list();
  } catch (error) {
    if (!(error instanceof PeakaPermissionDeniedError)) throw error;
    refused = error.status;
    log(`a project key may not list organizations: ${error.status}`);
  }

  await peaka.apiKeys.delete({ projectId: project.id, apiKeyId: created.apiKeyId });
  await peaka.projects.delete({ organizationId: org.id, workspaceId: workspace.id, projectId: project.id });
  log(`deleted the key and the project`);
  return { projectId: project.id, keyProjectId: tenantInfo.projectId, keyNames: keys.map((k) => k.name), refused };
}

if (isMain(import.meta.url)) await runOnSimulator(main);
