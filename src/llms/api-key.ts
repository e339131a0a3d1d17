import { z } from "zod";
import { attribute, secretAttribute } from "../components/attributes.js";
import { OptionError, SerializationError } from "../errors.js";
import type { StepContext } from "../steps/step-context.js";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"]);

/** Whether a base URL points at this machine or a LAN name (vLLM, Ollama, LM Studio): no key needed there. */
function isLocalUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.toLowerCase();
    return LOCAL_HOSTS.has(host) || host.endsWith(".local") || host.endsWith(".localhost") || host.startsWith("127.");
  } catch {
    return false;
  }
}

/**
 * `api_key_env`, the secret holding the key (read at call time), and `api_key`, the key given in
 * code only; `what` names the key in their descriptions.
 */
export function apiKeyAttributes(defaultEnv: string, what = "the API key") {
  return {
    apiKeyEnv: attribute(
      z.string().min(1).default(defaultEnv),
      `The name of the secret (or environment variable) that holds ${what}; read at call time, never serialized.`,
      { excludeFromSignature: true },
    ),
    apiKey: secretAttribute(
      z.string().min(1).optional(),
      `${what[0]?.toUpperCase()}${what.slice(1)}, given in code only; serialized pipelines name a secret with api_key_env.`,
    ),
  };
}

/** What `apiKeyAttributes` give a component. */
export interface ApiKeyAttrs {
  apiKey?: string | undefined;
  apiKeyEnv: string;
}

/**
 * The API key for a call: the one given in code, else the secret named by `api_key_env`, read at
 * call time so it never sits in a dump. Missing is an error (naming `owner`) unless the server is local.
 */
export function resolveApiKey(context: StepContext, attrs: ApiKeyAttrs, owner: string, baseUrl?: string): string | undefined {
  const value = attrs.apiKey ?? context.services.secret(attrs.apiKeyEnv);
  if (value !== undefined && value !== "") return value;
  if (isLocalUrl(baseUrl)) return undefined;
  throw new OptionError(
    `${owner} needs an API key: set the secret '${attrs.apiKeyEnv}' (\`wrangler secret put ${attrs.apiKeyEnv}\`, or the environment variable when running in-process), or point api_key_env at the secret that holds it`,
    { component: owner, field: "api_key_env", expected: `a secret named ${attrs.apiKeyEnv}` },
  );
}

/** The secret an egress target may send: none when the key was given in code. */
export function keyVariable(attrs: ApiKeyAttrs): string | undefined {
  return attrs.apiKey ? undefined : attrs.apiKeyEnv;
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
