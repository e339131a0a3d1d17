import { describe, expect, it } from "vitest";
import { metaOf } from "../../../src/components/attributes.js";
import { attributeSchemaOf } from "../../../src/components/component.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { InferenceEndpointsLLM } from "../../../src/llms/providers/inference-endpoints-llm.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { WorkersAILLM } from "../../../src/llms/providers/workers-ai-llm.js";
import { AnthropicLLM } from "../../../src/llms/providers/anthropic-llm.js";
import { componentSignature, SIGNATURE_NEUTRAL_ATTRIBUTES } from "../../../src/pipeline/signature.js";
import type { z } from "zod";

describe("cache keys cover what a step produces and where it calls", () => {
  const registry = createDefaultRegistry();

  it("every registered component leaves out of its signature only attributes that change neither output nor destination", () => {
    const names = registry.names();
    expect(names.length).toBeGreaterThan(50);
    const excluded: string[] = [];
    for (const name of names) {
      const schema = attributeSchemaOf(registry.classOf(name)!);
      for (const [key, field] of Object.entries(schema.shape)) {
        const meta = metaOf(field as z.ZodType);
        // Credentials given in code are never dumped, so never part of any key.
        if (!meta.excludeFromSignature || meta.secret) continue;
        excluded.push(`${name}.${key}`);
        expect(SIGNATURE_NEUTRAL_ATTRIBUTES.has(key), `${name}.${key} is left out of the cache key`).toBe(true);
      }
    }
    // The walk saw the attributes it is about (batch sizes, credentials), so it checked something.
    expect(excluded).toContain("OpenAILLM.apiKeyEnv");
    expect(excluded).toContain("TextGeneration.inputBatchSize");
    expect(excluded.filter((entry) => /url|endpoint|gateway|binding|version/i.test(entry.split(".")[1] as string))).toEqual([]);
  });

  it("an endpoint changes the signature: hf_endpoint, base_url, gateway, binding, anthropic_version", () => {
    const differs = (a: Parameters<typeof componentSignature>[0], b: Parameters<typeof componentSignature>[0]) =>
      expect(componentSignature(a)).not.toBe(componentSignature(b));
    differs(new InferenceEndpointsLLM({ modelId: "m" }), new InferenceEndpointsLLM({ modelId: "m", hfEndpoint: "https://attacker.example" }));
    differs(new OpenAILLM({ model: "m" }), new OpenAILLM({ model: "m", baseUrl: "https://attacker.example/v1" }));
    differs(new WorkersAILLM({ model: "@cf/m" }), new WorkersAILLM({ model: "@cf/m", gateway: { id: "g" } }));
    differs(new WorkersAILLM({ model: "@cf/m" }), new WorkersAILLM({ model: "@cf/m", binding: "OTHER_AI" }));
    differs(new AnthropicLLM({ model: "m" }), new AnthropicLLM({ model: "m", anthropicVersion: "2099-01-01" }));
    // What only changes how a call is made keeps the cache.
    expect(componentSignature(new OpenAILLM({ model: "m", maxRetries: 1 }))).toBe(componentSignature(new OpenAILLM({ model: "m", maxRetries: 5 })));
  });
});
