import { z } from "zod";
import type { Row, StepColumns } from "../../../core/row.js";
import { seededRandom } from "../../../core/random.js";
import { attribute } from "../../../components/attributes.js";
import { GeneratorStep, generatorStepAttributes, type GeneratorOutput } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";

const schema = generatorStepAttributes.extend({
  data: attribute(z.array(z.record(z.string(), z.unknown())).min(1, "data needs at least one row"), "The rows to sample from."),
  size: attribute(z.number().int().positive().default(2), "How many rows each sample draws (the few-shot examples per output row)."),
  samples: attribute(z.number().int().positive().default(100), "How many output rows the step produces in total."),
  seed: attribute(
    z.number().int().optional(),
    "Seed of the draws. Unset, the draws derive from the run id and step name: a resumed run repeats its rows, another run differs.",
  ),
});

/**
 * Yields `samples` rows, each made of `size` rows of `data` drawn at random with replacement,
 * with their values transposed into lists: `[{a: 1}, {a: 2}]` becomes `{a: [1, 2]}`
 * (distilabel's `DataSampler`, for few-shot examples). The columns are those of the first
 * drawn row; a drawn row lacking one contributes null.
 *
 * Each output row is drawn from its own seeded stream (seed + row index), so the rows do not
 * depend on batch sizes or on which batch a resumed run starts from.
 *
 * @example
 * new DataSampler({ data: examples, size: 2, samples: 10, seed: 7 });
 */
export class DataSampler extends GeneratorStep<typeof schema> {
  static override readonly typeName = "DataSampler";
  static override readonly attributes = schema;

  override get outputs(): StepColumns {
    return Object.keys(this.attrs.data[0] ?? {});
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    const { samples } = this.attrs;
    const end = Math.min(samples, offset + this.batchSize);
    const base = this.attrs.seed === undefined ? `run:${context.runId}:${context.stepName}` : `seed:${this.attrs.seed}`;
    const rows: Row[] = [];
    for (let index = offset; index < end; index++) rows.push(this.sampleRow(seededRandom(`${base}:${index}`)));
    return { rows, lastBatch: end >= samples };
  }

  private sampleRow(random: () => number): Row {
    const { data, size } = this.attrs;
    const drawn = Array.from({ length: size }, () => data[Math.floor(random() * data.length)] as Row);
    const out: Row = {};
    for (const key of Object.keys(drawn[0] ?? {})) out[key] = drawn.map((row) => (key in row ? structuredClone(row[key]) : null));
    return out;
  }
}
