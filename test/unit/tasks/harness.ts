import { createDefaultRegistry } from "../../../src/default-registry.js";
import type { Row } from "../../../src/core/row.js";
import type { BaseStep, Step } from "../../../src/steps/base-step.js";
import type { StepContext } from "../../../src/steps/step-context.js";
import { testContext } from "../../support/test-context.js";
import { FakeEmbeddings } from "../../support/fake-embeddings.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";

/** Loads a step and runs one batch of `rows` through it, as the runtime would. */
export async function runStep(step: Step, rows: Row[], context: StepContext = testContext()): Promise<Row[]> {
  await step.load(context);
  return step.process([rows], context);
}

/** Dumps a step to its wire form (through JSON, like a pipeline.yaml) and loads it back. */
export function roundTrip<T extends BaseStep>(step: T): T {
  const registry = createDefaultRegistry().register(ScriptedLLM, FakeEmbeddings);
  const wire = JSON.parse(JSON.stringify(step.dump())) as Record<string, unknown>;
  return registry.load<T>(wire, "step");
}

/** A ScriptedLLM answering `replies` in order. */
export function scripted(...replies: string[]): ScriptedLLM {
  return new ScriptedLLM({ replies });
}

/** The `distilabel_metadata` of a row, as a record. */
export function metadataOf(row: Row | undefined): Record<string, unknown> {
  return (row?.distilabel_metadata ?? {}) as Record<string, unknown>;
}
