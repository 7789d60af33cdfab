// The client's settings from the environment, read once when a client or a core is made (options.ts).
// Reading never throws and never prompts: on Deno a variable is read only when the permission to read it
// is already granted (`Deno.permissions.querySync`, which asks nobody), since reading `process.env` there
// without `--allow-env` throws or, on a terminal, asks the user; in a browser there is no environment.

/** The variables the client reads; each stands for the option of the same meaning. */
export const ENV_NAMES = ["PEAKA_API_KEY", "PEAKA_BASE_URL", "PEAKA_REGION", "PEAKA_LOG", "PEAKA_TIMEOUT_MS", "PEAKA_MAX_RETRIES"] as const;
export type EnvName = (typeof ENV_NAMES)[number];
/** The variables that are set (an empty value counts as unset). */
export type PeakaEnv = Partial<Record<EnvName, string>>;

interface DenoLike {
  permissions?: { querySync?(descriptor: { name: "env"; variable: string }): { state: string } };
  env?: { get(name: string): string | undefined };
}

/** One variable, or undefined where it is unset, empty, or not readable without asking. */
function readOne(name: EnvName): string | undefined {
  const g = globalThis as { Deno?: DenoLike; process?: { env?: Record<string, string | undefined> } };
  try {
    const deno = g.Deno;
    if (deno !== undefined) {
      // Deno (also its `process`): read only what is already allowed.
      if (deno.permissions?.querySync?.({ name: "env", variable: name }).state !== "granted") return undefined;
      return deno.env?.get(name) || undefined;
    }
    return g.process?.env?.[name] || undefined;
  } catch {
    // an environment that refuses to be read (a sandbox, a proxy object that throws): as if unset
    return undefined;
  }
}

/** Reads every variable of ENV_NAMES once. */
export function readEnv(): PeakaEnv {
  const env: PeakaEnv = {};
  for (const name of ENV_NAMES) {
    const value = readOne(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}
