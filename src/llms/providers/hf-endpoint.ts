import { OptionError } from "../../errors.js";
import { providerMessage, ProviderHttpError } from "../reliability/provider-http-error.js";

/** The Hugging Face origins the inference client and endpoint lookups talk to. */
export const HF_ORIGINS = ["https://router.huggingface.co", "https://api.endpoints.huggingface.cloud", "https://huggingface.co"] as const;
export const HF_ENDPOINTS_API = "https://api.endpoints.huggingface.cloud";
export const HF_HUB = "https://huggingface.co";

/**
 * A fetch that sends every Hugging Face origin to `origin` instead (`HF_ENDPOINT`: a mirror,
 * a proxy, or a loopback server in tests). The paths of the Hub API, the router and the
 * Endpoints API do not overlap, so one server can answer all three.
 */
export function redirectHuggingFace(fetchFn: typeof fetch, origin: string | undefined): typeof fetch {
  if (!origin) return fetchFn;
  const target = origin.replace(/\/+$/, "");
  return ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const prefix = HF_ORIGINS.find((candidate) => url === candidate || url.startsWith(`${candidate}/`));
    if (!prefix) return fetchFn(input, init);
    const rewritten = target + url.slice(prefix.length);
    return typeof input === "string" || input instanceof URL ? fetchFn(rewritten, init) : fetchFn(new Request(rewritten, input), init);
  }) as typeof fetch;
}

/**
 * The URL of a dedicated Inference Endpoint, from the Endpoints API (the namespace defaults to
 * the token's owner, as in huggingface_hub). A paused or scaled-to-zero endpoint has no URL yet.
 */
export async function resolveEndpointUrl(options: {
  fetch: typeof fetch;
  signal: AbortSignal;
  token: string | undefined;
  name: string;
  namespace: string | undefined;
}): Promise<string> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const namespace = options.namespace ?? (await whoami(options.fetch, headers, options.signal));
  const response = await options.fetch(`${HF_ENDPOINTS_API}/v2/endpoint/${encodeURIComponent(namespace)}/${encodeURIComponent(options.name)}`, {
    headers,
    signal: options.signal,
  });
  if (!response.ok) throw await ProviderHttpError.fromResponse(response);
  const body = (await response.json()) as { status?: { url?: unknown; state?: unknown } };
  const url = body.status?.url;
  if (typeof url === "string" && url.length > 0) return url;
  throw new OptionError(
    `Inference Endpoint '${namespace}/${options.name}' has no URL (state: ${String(body.status?.state ?? "unknown")}); start it or use base_url`,
    { field: "endpoint_name", expected: "a running Inference Endpoint" },
  );
}

async function whoami(fetchFn: typeof fetch, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
  const response = await fetchFn(`${HF_HUB}/api/whoami-v2`, { headers, signal });
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    throw new ProviderHttpError({
      status: response.status,
      headers: response.headers,
      message: `whoami failed, set endpoint_namespace: ${providerMessage(text)}`,
    });
  }
  const body = (await response.json()) as { name?: unknown };
  if (typeof body.name !== "string") throw new OptionError("Could not tell the token's owner; set endpoint_namespace", { field: "endpoint_namespace" });
  return body.name;
}
