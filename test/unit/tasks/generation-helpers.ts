import { createDefaultRegistry } from "../../../src/default-registry.js";
import type { Row } from "../../../src/core/row.js";
import type { BaseStep, GeneratorStep, Step } from "../../../src/steps/base-step.js";
import { BufferLogger, type StepContext } from "../../../src/steps/step-context.js";
import { testContext } from "../../support/test-context.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";

/** A context whose warnings can be read back. */
export function loggedContext(overrides: Partial<StepContext> = {}): { context: StepContext; logger: BufferLogger } {
  const logger = new BufferLogger("");
  return { context: testContext({ logger, ...overrides }), logger };
}

/** Loads a step and runs one batch through it, as the runtime does. */
export async function runBatch(step: Step, rows: Row[], context: StepContext = testContext()): Promise<Row[]> {
  await step.load(context);
  return step.process([rows], context);
}

/** Loads a generator and asks for the batch at `offset`. */
export async function runGenerator(step: GeneratorStep, offset = 0, context: StepContext = testContext()) {
  await step.load(context);
  return step.generate(offset, context);
}

/** Dumps a step through JSON (as a pipeline.yaml would carry it) and loads it back from the default registry. */
export function roundTrip<T extends BaseStep>(step: T): T {
  const registry = createDefaultRegistry().register(ScriptedLLM);
  return registry.load<T>(JSON.parse(JSON.stringify(step.dump())) as Record<string, unknown>, "step");
}

export function scripted(...replies: string[]): ScriptedLLM {
  return new ScriptedLLM({ replies });
}

export function metaOf(row: Row | undefined): Record<string, unknown> {
  return (row?.distilabel_metadata ?? {}) as Record<string, unknown>;
}
