import { z } from "zod";
import type { Row, StepColumns } from "../../../core/row.js";
import { attribute } from "../../../components/attributes.js";
import { GeneratorStep, generatorStepAttributes, type GeneratorOutput, type StepOptions } from "../../base-step.js";

const schema = generatorStepAttributes.extend({
  data: attribute(z.array(z.record(z.string(), z.unknown())).min(1, "data needs at least one row"), "The rows to yield, batch by batch."),
});

/**
 * Yields slices of an in-memory list of rows (distilabel's `LoadDataFromDicts`).
 *
 * @example
 * new LoadDataFromDicts({ data: [{ instruction: "Tell me a joke" }], batchSize: 10 });
 */
export class LoadDataFromDicts extends GeneratorStep<typeof schema> {
  static override readonly typeName = "LoadDataFromDicts";
  static override readonly attributes = schema;

  override get outputs(): StepColumns {
    return Object.keys(this.attrs.data[0] ?? {});
  }

  async generate(offset: number): Promise<GeneratorOutput> {
    const rows = this.attrs.data.slice(offset, offset + this.batchSize).map((row) => ({ ...row }) as Row);
    return { rows, lastBatch: offset + this.batchSize >= this.attrs.data.length };
  }
}

/**
 * distilabel's `make_generator_step`: a generator over `dataset` rows, to start a pipeline
 * defined without a loader.
 */
export function makeGeneratorStep(dataset: Row[], options: Omit<StepOptions<typeof schema>, "data"> = {}): LoadDataFromDicts {
  return new LoadDataFromDicts({ ...options, data: dataset });
}
