import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import type { GeneratorOutput } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { generateFromPrompt } from "./embedding-data-generator.js";
import { EMBEDDING_TASK_CATEGORIES } from "./embedding-data-options.js";
import { readStringList } from "./embedding-data-reply.js";
import { GeneratorTask, generatorTaskAttributes } from "../base/task.js";
import { EMBEDDING_TASK_GENERATOR_TEMPLATES } from "../templates/embedding-task-generator.js";

const schema = generatorTaskAttributes.extend({
  category: attribute(
    z.enum(EMBEDDING_TASK_CATEGORIES),
    "The kind of tasks to brainstorm: text-retrieval, text-matching-short, text-matching-long or text-classification.",
  ),
  flattenTasks: attribute(
    z.boolean().default(false),
    "Whether to emit one row per brainstormed task (column `task`) instead of one row per generation holding the list (column `tasks`).",
  ),
});

/**
 * Brainstorms task definitions for one category of embedding data (distilabel's
 * `EmbeddingTaskGenerator`, the first step of "Improving Text Embeddings with LLMs",
 * arXiv:2401.00368), to feed the Generate*Data tasks. One prompt with `num_generations`, all in
 * one batch: a row per generation with `tasks` (about twenty), or with `flatten_tasks` a row
 * per task with `task`. A reply that holds no list gives null, its raw text kept in the metadata.
 *
 * @example
 * new EmbeddingTaskGenerator({ llm, category: "text-retrieval", flattenTasks: true });
 */
export class EmbeddingTaskGenerator extends GeneratorTask<typeof schema> {
  static override readonly typeName = "EmbeddingTaskGenerator";
  static override readonly attributes = schema;

  override get outputs(): StepColumns {
    return [this.attrs.flattenTasks ? "task" : "tasks", "model_name"];
  }

  /** The brainstorming prompt of the category (the row is not used). */
  override formatInput(_row: Row): ChatType {
    return [{ role: "user", content: EMBEDDING_TASK_GENERATOR_TEMPLATES[this.attrs.category] }];
  }

  formatOutput(output: string | null): Row {
    if (output === null) return { tasks: null };
    const tasks = readStringList(output);
    if (!tasks) throw new Error("the reply holds no list of task strings");
    return { tasks };
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    if (offset > 0) return { rows: [], lastBatch: true };
    const rows = await generateFromPrompt(this, this.formatInput({}), context);
    return { rows: this.attrs.flattenTasks ? rows.flatMap(flatten) : rows, lastBatch: true };
  }
}

/** One row per task of a generation; a generation without a list stays one row with a null task. */
function flatten(row: Row): Row[] {
  const { tasks, task, ...rest } = row;
  if (Array.isArray(tasks)) return tasks.map((item: unknown) => ({ task: item, ...rest }));
  return [{ task: task ?? tasks ?? null, ...rest }];
}
