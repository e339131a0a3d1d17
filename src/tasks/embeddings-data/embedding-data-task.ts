import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { AnyObjectSchema } from "../../components/component.js";
import { seededRandom } from "../../core/random.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { readJsonFields } from "./embedding-data-reply.js";
import { RowInputError } from "../support/row-input-error.js";
import { Task, taskAttributes, type TaskAttrs } from "../base/task.js";

/** The language option shared by the embedding-data tasks. */
export const languageAttribute = attribute(
  z.string().min(1).default("English"),
  "The language of the generated texts (distilabel suggests the XLM-R languages, e.g. English, Spanish, Japanese).",
);

/** What every Generate*Data task has: a system prompt and the seed of its sampled options. */
export const embeddingDataTaskAttributes = taskAttributes.extend({
  systemPrompt: attribute(z.string().optional(), "A system prompt sent before the prompt; a row's own `system_prompt` column takes precedence."),
  seed: attribute(
    z.number().int().default(42),
    "Seed of the options drawn at random when left unset; each row draws from a sequence seeded by its `task`, so a rerun draws the same.",
  ),
});

/**
 * The second step of "Improving Text Embeddings with LLMs" (arXiv:2401.00368): for each row's
 * `task` (a task definition, typically from `EmbeddingTaskGenerator` with `flatten_tasks`), the
 * LLM writes one training example as a JSON object whose `keys` become the output columns. A
 * reply without such an object keeps its row with null outputs and the raw reply; a row whose
 * `task` is not a string (a failed upstream generation) is skipped with null outputs.
 */
export abstract class EmbeddingDataTask<S extends AnyObjectSchema> extends Task<S> {
  static override readonly inputs = { task: true, system_prompt: false };
  declare attrs: z.output<S> & TaskAttrs & z.output<typeof embeddingDataTaskAttributes>;

  /** The JSON keys of the reply, which are also the output columns. */
  static readonly keys: readonly string[] = [];

  get keys(): readonly string[] {
    return (this.constructor as typeof EmbeddingDataTask).keys;
  }

  /** The user message for one task definition; `random` draws the options left unset. */
  protected abstract userPrompt(task: string, random: () => number): string;

  override get outputs(): StepColumns {
    return [...this.keys, "model_name"];
  }

  formatInput(row: Row): ChatType {
    const task = row.task;
    if (typeof task !== "string" || task.trim() === "") {
      throw new RowInputError(
        `input 'task' must be a non-empty string (a task definition), got ${task === null ? "null" : typeof task === "string" ? "an empty string" : typeof task}`,
        { field: "task", expected: "a non-empty string" },
      );
    }
    // Seeded by the task text, so the prompt sent and the one recorded as raw input agree.
    const content = this.userPrompt(task, seededRandom(`${this.attrs.seed}:${task}`));
    const messages: ChatType = [{ role: "user", content }];
    const system = typeof row.system_prompt === "string" && row.system_prompt ? row.system_prompt : this.attrs.systemPrompt;
    if (system) messages.unshift({ role: "system", content: system });
    return messages;
  }

  formatOutput(output: string | null): Row {
    return readJsonFields(output, this.keys);
  }
}
