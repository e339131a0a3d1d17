import { OptionError, SerializationError } from "../errors.js";
import type { StepContext } from "../steps/step-context.js";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"]);

/** Whether a base URL points at this machine or a LAN name (vLLM, Ollama, LM Studio): no key needed there. */
export function isLocalUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.toLowerCase();
    return LOCAL_HOSTS.has(host) || host.endsWith(".local") || host.endsWith(".localhost") || host.startsWith("127.");
  } catch {
    return false;
  }
}

export interface ApiKeySource {
  /** The key given in code (`apiKey`), never serialized. */
  explicit: string | undefined;
  /** The secret/env var name to read (`api_key_env`). */
  envName: string;
  /** Who needs it, for the error message. */
  owner: string;
  baseUrl?: string | undefined;
}

/**
 * The API key for a call: the one given in code, else the secret named by `api_key_env`, read at
 * call time so it never sits in a dump. Missing is an error unless the server is local.
 */
export function resolveApiKey(context: StepContext, source: ApiKeySource): string | undefined {
  const value = source.explicit ?? context.services.secret(source.envName);
  if (value !== undefined && value !== "") return value;
  if (isLocalUrl(source.baseUrl)) return undefined;
  throw new OptionError(
    `${source.owner} needs an API key: set the secret '${source.envName}' (\`wrangler secret put ${source.envName}\`, or the environment variable when running in-process), or point api_key_env at the secret that holds it`,
    { component: source.owner, field: "api_key_env", expected: `a secret named ${source.envName}` },
  );
}

/**
 * Serialized pipelines must not carry credentials: a dump never writes `api_key`, so one found
 * while loading was put there by hand. `Registry.load` builds components through `fromOptions`,
 * which is why the refusal lives there (TypeScript users may still pass `apiKey` to the constructor).
 */
export function refuseSerializedApiKey(typeName: string, options: Record<string, unknown>): void {
  if (options.apiKey === undefined || options.apiKey === null) return;
  throw new SerializationError(
    `${typeName}: a serialized pipeline may not contain 'api_key'; store the key as a secret and name it with 'api_key_env' instead`,
    { component: typeName, field: "api_key", expected: "api_key_env naming a secret" },
  );
}
