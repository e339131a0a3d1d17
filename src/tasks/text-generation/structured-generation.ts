import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import { structuredOutputSchema, type ChatType, type FormattedInput, type StructuredOutput } from "../../llms/types.js";
import { RowInputError } from "../support/row-input-error.js";
import { Task, taskAttributes } from "../base/task.js";

const schema = taskAttributes.extend({
  useSystemPrompt: attribute(z.boolean().default(false), "Whether to read a `system_prompt` column and send it as the system message."),
});

/** Older distilabel examples write `{type, value}` instead of `{format, schema}`. */
const legacyShape = z.object({ type: z.enum(["json", "regex"]), value: z.union([z.record(z.string(), z.unknown()), z.string()]) });

/** The row's per-row schema, in either shape distilabel accepts. */
export function rowStructuredOutput(value: unknown): StructuredOutput {
  const parsed = structuredOutputSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const legacy = legacyShape.safeParse(value);
  if (legacy.success) return { format: legacy.data.type, schema: legacy.data.value };
  throw new RowInputError("input 'structured_output' must be {format: 'json' | 'regex', schema: <JSON schema object or regex string>}", {
    field: "structured_output",
    expected: "{format, schema}",
  });
}

/**
 * Generates text that follows a schema given per row (distilabel's `StructuredGeneration`):
 * inputs `instruction` and `structured_output` (`{format: "json", schema}` or a regex); the
 * schema goes to the LLM with the prompt. Output `generation` is the raw reply, unparsed.
 *
 * @example
 * new StructuredGeneration({ llm }); // rows: { instruction, structured_output: { format: "json", schema: {...} } }
 */
export class StructuredGeneration extends Task<typeof schema> {
  static override readonly typeName = "StructuredGeneration";
  static override readonly attributes = schema;
  static override readonly outputs = ["generation", "model_name"];

  override get inputs(): StepColumns {
    return this.attrs.useSystemPrompt ? ["system_prompt", "instruction", "structured_output"] : ["instruction", "structured_output"];
  }

  formatInput(row: Row): FormattedInput {
    if (typeof row.instruction !== "string") {
      throw new RowInputError(`input 'instruction' must be a string, got ${row.instruction === null ? "null" : typeof row.instruction}`, {
        field: "instruction",
        expected: "a string",
      });
    }
    const messages: ChatType = [{ role: "user", content: row.instruction }];
    if (this.attrs.useSystemPrompt && typeof row.system_prompt === "string") messages.unshift({ role: "system", content: row.system_prompt });
    return { input: messages, structuredOutput: rowStructuredOutput(row.structured_output) };
  }

  formatOutput(output: string | null): Row {
    return { generation: output };
  }
}
