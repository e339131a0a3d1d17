import type { WorkersAIBinding } from "../../../../src/llms/workers-ai-binding.js";

export interface AiCall {
  model: string;
  inputs: Record<string, unknown>;
  options: Record<string, unknown> | undefined;
}

/** A stand-in for `env.AI`: records calls and answers from `respond` (which may throw). */
export class FakeAiBinding implements WorkersAIBinding {
  readonly calls: AiCall[] = [];

  constructor(private readonly respond: (call: AiCall, index: number) => unknown | Promise<unknown>) {}

  async run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown> {
    const call = { model, inputs: structuredClone(inputs), options };
    this.calls.push(call);
    return this.respond(call, this.calls.length - 1);
  }
}
