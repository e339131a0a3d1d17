import { AzureOpenAI } from "openai";
import type OpenAI from "openai";
import { z } from "zod";
import { runtimeParameter, attribute } from "../../components/attributes.js";
import type { StepContext } from "../../steps/step-context.js";
import { apiKeyAttributes } from "../api-key.js";
import { OpenAICompatibleLLM, openaiLlmAttributes } from "./openai-llm.js";

export const azureOpenaiLlmAttributes = openaiLlmAttributes.extend({
  baseUrl: runtimeParameter(z.url(), "The Azure OpenAI endpoint, e.g. `https://my-resource.openai.azure.com/`."),
  apiKeyEnv: apiKeyAttributes("AZURE_OPENAI_API_KEY", "the Azure OpenAI API key").apiKeyEnv,
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
    return new AzureOpenAI({ ...this.clientOptions(context, apiKey), endpoint: this.attrs.baseUrl, apiVersion: this.attrs.apiVersion });
  }
}
