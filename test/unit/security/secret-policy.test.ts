import { describe, expect, it } from "vitest";
import { isPrivateHost } from "../../../src/security/private-address.js";
import { redactText } from "../../../src/security/redact.js";
import { SecretPolicy } from "../../../src/security/secret-policy.js";

const policyOf = (vars: Record<string, string>) => new SecretPolicy((name) => vars[name]);

describe("SecretPolicy", () => {
  it("lets each provider key go to its provider, its base-URL variable and ALLOWED_ORIGINS only", () => {
    const policy = policyOf({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", ALLOWED_ORIGINS: "https://api.together.xyz, http://10.0.0.5:8000" });
    expect(policy.mayReceive("OPENAI_API_KEY", "https://api.openai.com")).toBe(true);
    expect(policy.mayReceive("OPENAI_API_KEY", "http://127.0.0.1:11434")).toBe(true);
    expect(policy.mayReceive("OPENAI_API_KEY", "https://api.together.xyz")).toBe(true);
    expect(policy.mayReceive("OPENAI_API_KEY", "https://attacker.example")).toBe(false);
    expect(policy.mayReceive("OPENAI_API_KEY", "https://api.anthropic.com")).toBe(false);
    expect(policy.mayReceive("HF_TOKEN", "https://my-endpoint.us-east-1.aws.endpoints.huggingface.cloud")).toBe(true);
    expect(policy.mayReceive("HF_TOKEN", "http://x.endpoints.huggingface.cloud")).toBe(false);
    expect(policy.mayReceive("AZURE_OPENAI_API_KEY", "https://attacker.openai.azure.com")).toBe(false);
    expect(policy.mayReceive("API_TOKEN", "https://api.together.xyz")).toBe(false);
  });

  it("reaches private addresses only when listed", () => {
    const policy = policyOf({ ALLOWED_ORIGINS: "http://10.0.0.5:8000" });
    expect(policy.mayReach("http://10.0.0.5:8000")).toBe(true);
    expect(policy.mayReach("http://10.0.0.5:8001")).toBe(false);
    expect(policy.mayReach("https://example.com")).toBe(true);
  });

  it("declares provider keys: *_API_KEY and HF_TOKEN by default, PROVIDER_KEYS when set, never API_TOKEN", () => {
    const byDefault = policyOf({});
    expect(["OPENAI_API_KEY", "TOGETHER_API_KEY", "HF_TOKEN"].every((name) => byDefault.isProviderKey(name))).toBe(true);
    expect(["API_TOKEN", "REDISPATCH_AFTER_SECONDS", "DATA", "openai_api_key"].some((name) => byDefault.isProviderKey(name))).toBe(false);
    const declared = policyOf({ PROVIDER_KEYS: "MY_KEY, API_TOKEN" });
    expect(declared.isProviderKey("MY_KEY")).toBe(true);
    expect(declared.isProviderKey("OPENAI_API_KEY")).toBe(false);
    expect(declared.isProviderKey("API_TOKEN")).toBe(false);
  });
});

describe("isPrivateHost", () => {
  it("tells loopback, link-local and private addresses (in every spelling URL parsing produces) from public ones", () => {
    const host = (url: string) => new URL(url).hostname;
    for (const url of [
      "http://127.0.0.1",
      "http://2130706433",
      "http://0x7f.1",
      "http://localhost",
      "http://a.localhost",
      "http://[::1]",
      "http://[::ffff:127.0.0.1]",
      "http://169.254.169.254",
      "http://10.1.2.3",
      "http://172.16.0.1",
      "http://192.168.1.1",
      "http://[fd00::1]",
      "http://[fe80::1]",
      "http://0.0.0.0",
      "http://printer.local",
    ]) {
      expect(isPrivateHost(host(url)), url).toBe(true);
    }
    for (const url of ["https://api.openai.com", "http://8.8.8.8", "http://172.32.0.1", "http://[2606:4700::1111]"])
      expect(isPrivateHost(host(url)), url).toBe(false);
  });
});

describe("redactText", () => {
  it("replaces every occurrence of a secret value with its name", () => {
    expect(redactText("auth: Bearer sk-12345678 and sk-12345678", [{ name: "OPENAI_API_KEY", value: "sk-12345678" }])).toBe(
      "auth: Bearer [redacted OPENAI_API_KEY] and [redacted OPENAI_API_KEY]",
    );
  });
});
