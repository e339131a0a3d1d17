import { isPrivateHost } from "./private-address.js";

/** Reads one owner-configured variable (a Worker var or secret, `process.env` in-process). */
export type VariableReader = (name: string) => string | undefined;

/** Where a known secret may go without the owner listing anything: its provider's origins, plus its base-URL variable. */
interface SecretHome {
  origins: readonly string[];
  /** Hosts under these suffixes (https only) belong to the provider too (per-endpoint hosts). */
  hostSuffixes?: readonly string[];
  /** The variable whose origin the owner chose for this provider. */
  baseUrlVariable?: string;
}

/**
 * The providers' official origins. Azure has none: every resource has its own host, and anyone
 * can create one, so its key goes only to `AZURE_OPENAI_ENDPOINT` or an origin in ALLOWED_ORIGINS.
 */
const SECRET_HOMES: Record<string, SecretHome> = {
  OPENAI_API_KEY: { origins: ["https://api.openai.com"], baseUrlVariable: "OPENAI_BASE_URL" },
  ANTHROPIC_API_KEY: { origins: ["https://api.anthropic.com"], baseUrlVariable: "ANTHROPIC_BASE_URL" },
  AZURE_OPENAI_API_KEY: { origins: [], baseUrlVariable: "AZURE_OPENAI_ENDPOINT" },
  HF_TOKEN: {
    origins: ["https://huggingface.co", "https://router.huggingface.co", "https://api-inference.huggingface.co", "https://api.endpoints.huggingface.cloud"],
    hostSuffixes: [".endpoints.huggingface.cloud"],
    baseUrlVariable: "HF_ENDPOINT",
  },
};

/** Variables that hold endpoints the owner chose; steps may read them (they are not secrets). */
export const BASE_URL_VARIABLES = Object.values(SECRET_HOMES).flatMap((home) => (home.baseUrlVariable ? [home.baseUrlVariable] : []));

/** The API's own bearer token: no step may ever read it or send it anywhere. */
export const API_TOKEN_VARIABLE = "API_TOKEN";
/** Comma-separated names of the secrets steps may use as `api_key_env`. */
export const PROVIDER_KEYS_VARIABLE = "PROVIDER_KEYS";
/** Comma-separated exact origins (`scheme://host[:port]`) the owner allows beyond the providers'. */
export const ALLOWED_ORIGINS_VARIABLE = "ALLOWED_ORIGINS";

const DEFAULT_PROVIDER_KEY = /^[A-Z][A-Z0-9_]*_API_KEY$/;

/** `https://Example.com:443/v1` -> `https://example.com`; undefined when not an http(s) URL. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** A comma-separated variable's entries, trimmed, empty ones left out. */
export function listVariable(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * The owner's rules for outgoing calls, read from the deployment's variables: which secrets a
 * step may read, and which origins each secret may be sent to. Every call that carries a
 * secret, and every call to a loopback/private address, must pass it.
 */
export class SecretPolicy {
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly providerKeys: ReadonlySet<string> | undefined;

  constructor(private readonly read: VariableReader) {
    this.allowedOrigins = new Set(listVariable(read(ALLOWED_ORIGINS_VARIABLE)).map((entry) => originOf(entry) ?? entry));
    const declared = listVariable(read(PROVIDER_KEYS_VARIABLE));
    this.providerKeys = declared.length > 0 ? new Set(declared) : undefined;
  }

  /** Whether `api_key_env` may name this variable: a declared provider key, never API_TOKEN. */
  isProviderKey(name: string): boolean {
    if (name === API_TOKEN_VARIABLE) return false;
    if (this.providerKeys) return this.providerKeys.has(name);
    return name === "HF_TOKEN" || DEFAULT_PROVIDER_KEY.test(name);
  }

  /** What a step may read by name: provider keys and the base-URL variables. */
  isReadableBySteps(name: string): boolean {
    return this.isProviderKey(name) || BASE_URL_VARIABLES.includes(name);
  }

  /** The provider keys that hold a value here, with the value (for guarding and redaction). */
  secretValues(): Array<{ name: string; value: string }> {
    const names = new Set([...(this.providerKeys ?? []), ...Object.keys(SECRET_HOMES)]);
    const out: Array<{ name: string; value: string }> = [];
    for (const name of names) {
      const value = this.read(name);
      if (value && this.isProviderKey(name)) out.push({ name, value });
    }
    const apiToken = this.read(API_TOKEN_VARIABLE);
    if (apiToken) out.push({ name: API_TOKEN_VARIABLE, value: apiToken });
    return out;
  }

  /** Whether the owner listed this origin, directly or through a provider's base-URL variable. */
  isListed(origin: string): boolean {
    if (this.allowedOrigins.has(origin)) return true;
    return BASE_URL_VARIABLES.some((name) => originOf(this.read(name)) === origin);
  }

  /** Whether the secret `name` may be sent to `origin`. API_TOKEN may go nowhere. */
  mayReceive(name: string, origin: string): boolean {
    if (name === API_TOKEN_VARIABLE) return false;
    if (this.allowedOrigins.has(origin)) return true;
    const home = SECRET_HOMES[name];
    if (!home) return false;
    if (home.origins.includes(origin)) return true;
    if (home.baseUrlVariable && originOf(this.read(home.baseUrlVariable)) === origin) return true;
    const url = new URL(origin);
    return url.protocol === "https:" && (home.hostSuffixes ?? []).some((suffix) => url.hostname.endsWith(suffix));
  }

  /** Loopback, link-local and private addresses are reachable only when listed. */
  mayReach(origin: string): boolean {
    return !isPrivateHost(new URL(origin).hostname) || this.isListed(origin);
  }

  /** The variable an owner would set to allow `name` at `origin` (for error messages). */
  variableToSet(name: string | undefined): string {
    const home = name ? SECRET_HOMES[name] : undefined;
    return home?.baseUrlVariable ? `${ALLOWED_ORIGINS_VARIABLE} (or ${home.baseUrlVariable})` : ALLOWED_ORIGINS_VARIABLE;
  }
}
