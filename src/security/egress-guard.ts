import { DistilflareError } from "../errors.js";
import { redactText } from "./redact.js";
import { originOf, type SecretPolicy } from "./secret-policy.js";

/** A call the owner's policy does not allow: a secret to a foreign origin, or a private address. */
export class EgressRefusedError extends DistilflareError {
  constructor(message: string, details: { origin: string; variable: string; secret?: string; step?: string; field?: string }) {
    super("invalid_option", message, { field: "origin", ...details });
    this.name = "EgressRefusedError";
  }
}

/** Why a call from `who` to `origin` carrying `secret` (if any) is refused, or undefined when allowed. */
export function egressRefusal(
  policy: SecretPolicy,
  origin: string,
  secret: string | undefined,
  who: string,
  where: { step?: string; field?: string } = {},
): EgressRefusedError | undefined {
  if (secret !== undefined && !policy.mayReceive(secret, origin)) {
    return new EgressRefusedError(
      `${who} would send the secret '${secret}' to ${origin}, which the owner has not allowed for it; add ${origin} to ${policy.variableToSet(secret)} to allow it`,
      { ...where, origin, secret, variable: policy.variableToSet(secret) },
    );
  }
  if (!policy.mayReach(origin)) {
    return new EgressRefusedError(`${who} would call ${origin}, a loopback, link-local or private address; add ${origin} to ALLOWED_ORIGINS to allow it`, {
      ...where,
      origin,
      variable: "ALLOWED_ORIGINS",
    });
  }
  return undefined;
}

const MAX_REDIRECTS = 10;

function requestUrl(input: Parameters<typeof fetch>[0]): string {
  return typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
}

/** The secrets whose value appears in the URL or a header of this request. */
function carriedSecrets(policy: SecretPolicy, url: string, headers: Headers): string[] {
  const values = [url, ...[...headers.values()]];
  return policy
    .secretValues()
    .filter(({ value }) => values.some((text) => text.includes(value)))
    .map(({ name }) => name);
}

/**
 * `fetch` that enforces the policy on every call, whatever validation allowed (defence in
 * depth): nothing is sent to a private address that is not listed, and no request carries a
 * secret to an origin the secret may not go to. Redirects are followed by hand so each hop is
 * checked, and a hop to another origin loses the headers that carried the secret.
 */
export function guardFetch(fetchFn: typeof fetch, policy: SecretPolicy): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    let request = new Request(input as never, init as never);
    const original = init?.redirect ?? request.redirect;
    for (let hop = 0; ; hop++) {
      const url = requestUrl(request);
      const origin = originOf(url);
      if (!origin)
        throw new EgressRefusedError(`Refused a call to '${url.split("?")[0]}': only http(s) URLs may be fetched`, {
          origin: url,
          variable: "ALLOWED_ORIGINS",
        });
      const refused = carriedSecrets(policy, url, request.headers).find((name) => !policy.mayReceive(name, origin));
      const refusal = egressRefusal(policy, origin, refused, "A step");
      if (refusal) throw refusal;
      // A 307/308 resends the body, so keep a copy of it.
      const sent = request.body ? request.clone() : request;
      const response = await fetchFn(new Request(sent, { redirect: "manual" }));
      const location = response.headers.get("location");
      if (response.status >= 400) return redactedFailure(response, policy);
      if (original === "manual" || response.status < 300 || !location) return response;
      if (original === "error") throw new TypeError(`Redirect from ${url} refused (redirect: "error")`);
      if (hop >= MAX_REDIRECTS) throw new TypeError(`Too many redirects from ${url}`);
      const next = new URL(location, url).href;
      const keepMethod = response.status === 307 || response.status === 308;
      const headers = new Headers(request.headers);
      if (originOf(next) !== origin) {
        for (const [name, value] of [...headers]) if (policy.secretValues().some((secret) => value.includes(secret.value))) headers.delete(name);
      }
      await response.body?.cancel().catch(() => {});
      request = new Request(next, {
        method: keepMethod ? request.method : request.method === "HEAD" ? "HEAD" : "GET",
        headers,
        body: keepMethod ? request.body : null,
        signal: request.signal,
      });
    }
  }) as typeof fetch;
}

/** A failed response with secret values taken out of its body: providers echo headers in errors. */
async function redactedFailure(response: Response, policy: SecretPolicy): Promise<Response> {
  const secrets = policy.secretValues();
  if (secrets.length === 0) return response;
  const text = await response.text().catch(() => "");
  // The body is decoded and may change length: its old framing headers no longer describe it.
  const headers = new Headers(response.headers);
  for (const name of ["content-length", "content-encoding", "transfer-encoding"]) headers.delete(name);
  return new Response(redactText(text, secrets), { status: response.status, statusText: response.statusText, headers });
}
