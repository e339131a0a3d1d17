import { seededRandom } from "../../core/random.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { StepOptions } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { emitRows, withTraceMetadata } from "../support/llm-calls.js";
import { firstTurnPrompt, magpieRowOutputs, runMagpie } from "./magpie-conversation.js";
import { checkMagpieOptions, checkMagpieSystemPrompt, chooseSystemPrompt, magpieExtension, magpieOutputs, type MagpieStart } from "./magpie-settings.js";
import { Task, taskAttributes } from "../base/task.js";

const schema = taskAttributes.extend(magpieExtension);

/**
 * Generates instructions or whole conversations from an aligned model with no seed data
 * (distilabel's `Magpie`, arXiv:2406.08464). The LLM gets raw completion prompts (use a
 * completion endpoint): its own chat template up to the header of a user turn
 * (`magpie_pre_query_template`: 'llama3', 'qwen2' or custom text), so it writes the user's
 * message, then the usual prompt for the assistant's reply. A row's `system_prompt` column
 * steers the topic; otherwise the `system_prompt` option is used (a list or dictionary is drawn
 * from at random, seeded per row). Outputs `instruction` (`only_instruction`),
 * `instruction` + `response` (one turn) or `conversation`, plus `system_prompt_key` when
 * the prompts are named. With `num_generations` > 1 each row yields that many conversations.
 *
 * @example
 * new Magpie({ llm: completionModel, magpiePreQueryTemplate: "llama3", nTurns: 2 });
 */
export class Magpie extends Task<typeof schema> {
  static override readonly typeName = "Magpie";
  static override readonly attributes = schema;
  static override readonly inputs = { system_prompt: false };

  constructor(options: StepOptions<typeof schema>) {
    super(options);
    checkMagpieOptions(this.attrs, this.describeSelf());
  }

  override get outputs(): StepColumns {
    return magpieOutputs(this.attrs);
  }

  private start(row: Row, seed: string): MagpieStart {
    if (typeof row.system_prompt === "string" && row.system_prompt) return { systemPrompt: row.system_prompt, key: undefined };
    return chooseSystemPrompt(this.attrs.systemPrompt, seededRandom(seed));
  }

  /** The raw prompt of the row's first user turn. */
  formatInput(row: Row): string {
    return firstTurnPrompt(this.attrs, this.describeSelf(), this.start(row, `${this.attrs.seed}:0:0:0`));
  }

  /** Magpie builds its rows in `process`; a single reply is read as the instruction. */
  formatOutput(output: string | null): Row {
    return { instruction: output };
  }

  override async load(context: StepContext): Promise<void> {
    checkMagpieSystemPrompt(this.attrs.systemPrompt, this.describeSelf());
    await super.load(context);
  }

  override async process(inputs: Row[][], context: StepContext): Promise<Row[]> {
    const rows = inputs[0] ?? [];
    const n = this.attrs.numGenerations;
    const starts = rows.flatMap((row, i) => Array.from({ length: n }, (_, k) => this.start(row, `${this.attrs.seed}:${context.seqNo}:${i}:${k}`)));
    const runs = await runMagpie(this.llm, this.attrs, this.describeSelf(), starts, context);
    const failed = runs.filter((run) => run.failed);
    if (failed.length > 0)
      context.logger.warn(
        `Task '${this.name}': ${failed.length} of ${runs.length} conversations failed (first: ${failed[0]?.trace.error}). Their outputs are null.`,
      );
    const generated = rows.map((_, i) => runs.slice(i * n, (i + 1) * n).map((run) => withTraceMetadata(this, magpieRowOutputs(this.attrs, run), run.trace)));
    return emitRows(this, rows, generated);
  }
}
