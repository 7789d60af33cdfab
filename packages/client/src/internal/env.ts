// The client's settings from the environment, read once when a client or a core is made (options.ts).
// Reading never throws and never prompts: on Deno a variable is read only when the permission to read it
// is already granted (`Deno.permissions.querySync`, which asks nobody), since reading `process.env` there
// without `--allow-env` throws or, on a terminal, asks the user; in a browser there is no environment.

/** The variables the client reads (each at most once per client or core); each stands for an option. */
export const ENV_NAMES = ["PEAKA_API_KEY", "PEAKA_BASE_URL", "PEAKA_REGION", "PEAKA_LOG", "PEAKA_TIMEOUT_MS", "PEAKA_MAX_RETRIES"] as const;
export type EnvName = (typeof ENV_NAMES)[number];
interface Runtime {
  Deno?: {
    permissions: { querySync(descriptor: { name: "env"; variable: string }): { state: string } };
    env: { get(name: string): string | undefined };
  };
  process?: { env?: Record<string, string | undefined> };
}

/**
 * One variable, trimmed; undefined when it is unset or empty, or cannot be read without asking (Deno
 * without the permission) or at all (a sandbox, a proxy that throws).
 */
export function readEnv(name: EnvName): string | undefined {
  const g = globalThis as Runtime;
  try {
    // Deno (also its `process`): only what is already allowed. Elsewhere `process.env`, if any.
    const value = g.Deno
      ? g.Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
        ? g.Deno.env.get(name)
        : undefined
      : g.process?.env?.[name];
    return value?.trim() || undefined;
  } catch {
    return undefined;
  }
}
