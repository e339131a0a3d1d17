import { fetchWithSlotUntilHeaders } from "../reliability/connection-slots.js";
import { AzureOpenAI } from "openai";
import type OpenAI from "openai";
import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import type { StepContext } from "../../steps/step-context.js";
import { OpenAICompatibleLLM, openaiLlmAttributes } from "./openai-llm.js";

export const azureOpenaiLlmAttributes = openaiLlmAttributes.extend({
  baseUrl: runtimeParameter(z.url(), "The Azure OpenAI endpoint, e.g. `https://my-resource.openai.azure.com/`."),
  apiKeyEnv: attribute(
    z.string().min(1).default("AZURE_OPENAI_API_KEY"),
    "The name of the secret (or environment variable) that holds the Azure OpenAI API key; read at call time, never serialized.",
    { excludeFromSignature: true },
  ),
  apiVersion: attribute(z.string().min(1), "The Azure OpenAI API version, e.g. `2024-10-21`."),
});

export type AzureOpenAILLMOptions = z.input<typeof azureOpenaiLlmAttributes>;

/**
 * Azure OpenAI through the `openai` package's `AzureOpenAI` client (distilabel's
 * `AzureOpenAILLM`): `model` is the deployment name, `base_url` the resource endpoint.
 */
export class AzureOpenAILLM extends OpenAICompatibleLLM<typeof azureOpenaiLlmAttributes> {
  static override readonly typeName: string = "AzureOpenAILLM";

  static override readonly attributes = azureOpenaiLlmAttributes;

  /** Azure's batch API takes global-batch deployments and its own line format; not built. */
  override get supportsOfflineBatchGeneration(): boolean {
    return false;
  }

  protected override createClient(context: StepContext, apiKey: string | undefined): OpenAI {
    return new AzureOpenAI({
      endpoint: this.attrs.baseUrl,
      apiKey: apiKey ?? "no-key",
      apiVersion: this.attrs.apiVersion,
      defaultHeaders: this.attrs.defaultHeaders,
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: this.timeoutMs,
      fetch: fetchWithSlotUntilHeaders(context.services.fetch, context.services.connectionSlots),
    });
  }
}
