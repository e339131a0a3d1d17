import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import { seededRandom } from "../../core/random.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { GeneratorOutput, StepOptions } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { withTraceMetadata } from "../support/llm-calls.js";
import { firstTurnPrompt, magpieRowOutputs, runMagpie } from "./magpie-conversation.js";
import { checkMagpieOptions, checkMagpieSystemPrompt, chooseSystemPrompt, magpieExtension, magpieOutputs, type MagpieStart } from "./magpie-settings.js";
import { GeneratorTask, generatorTaskAttributes } from "../base/task.js";

const schema = generatorTaskAttributes.extend({ ...magpieExtension, numRows: attribute(z.number().int().positive(), "The number of rows to generate.") });

/**
 * Magpie as a root step (distilabel's `MagpieGenerator`): generates `num_rows` instructions or
 * conversations from nothing, `batch_size` at a time. Options and outputs as `Magpie`; the
 * system prompt of each row is drawn with a seed derived from the row's index, so any batch
 * can be regenerated on its own. `num_generations` does not apply.
 *
 * @example
 * new MagpieGenerator({ llm: completionModel, numRows: 1000, systemPrompt: { math: "You are a math tutor.", code: "You are a coding assistant." } });
 */
export class MagpieGenerator extends GeneratorTask<typeof schema> {
  static override readonly typeName = "MagpieGenerator";
  static override readonly attributes = schema;

  constructor(options: StepOptions<typeof schema>) {
    super(options);
    checkMagpieOptions(this.attrs, this.describeSelf());
  }

  override get outputs(): StepColumns {
    return magpieOutputs(this.attrs);
  }

  private start(index: number): MagpieStart {
    return chooseSystemPrompt(this.attrs.systemPrompt, seededRandom(`${this.attrs.seed}:${index}`));
  }

  /** The raw prompt of the first user turn of the row at `row.index` (default 0). */
  override formatInput(row: Row): string {
    return firstTurnPrompt(this.attrs, this.describeSelf(), this.start(typeof row.index === "number" ? row.index : 0));
  }

  formatOutput(output: string | null): Row {
    return { instruction: output };
  }

  override async load(context: StepContext): Promise<void> {
    checkMagpieSystemPrompt(this.attrs.systemPrompt, this.describeSelf());
    await super.load(context);
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    const end = Math.min(offset + this.batchSize, this.attrs.numRows);
    const starts = Array.from({ length: Math.max(0, end - offset) }, (_, i) => this.start(offset + i));
    const runs = await runMagpie(this.llm, this.attrs, this.describeSelf(), starts, context);
    const failed = runs.filter((run) => run.failed).length;
    if (failed > 0) context.logger.warn(`Task '${this.name}': ${failed} of ${runs.length} conversations failed; their outputs are null.`);
    const rows = runs.map((run) => ({ ...withTraceMetadata(this, magpieRowOutputs(this.attrs, run), run.trace), model_name: this.llm.modelName }));
    return { rows, lastBatch: end >= this.attrs.numRows };
  }
}
