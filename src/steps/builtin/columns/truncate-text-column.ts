import type { OptionsArgs } from "../../../components/component.js";
import { z } from "zod";
import { OptionError } from "../../../errors.js";
import type { Row, StepColumns } from "../../../core/row.js";
import { attribute } from "../../../components/attributes.js";
import { Step, stepAttributes, type StepOptions } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { describeValue, requireColumn, rowDataError } from "../../../core/row-checks.js";
import { getTokenizer, knownTokenizers, truncateTokens, type Tokenizer } from "../../../kernels/tokenizers.js";

const schema = stepAttributes.extend({
  column: attribute(z.string().min(1).default("text"), "The column to truncate."),
  maxLength: attribute(z.number().int().nonnegative().default(8192), "The longest text kept: tokens when a tokenizer is given, characters otherwise."),
  tokenizer: attribute(
    z.string().optional(),
    "The name of a built-in tokenizer ('whitespace' or 'regex-words') to count tokens with; characters are counted when unset. Hugging Face tokenizer ids are not available.",
  ),
});

/**
 * Truncates a text column (distilabel's `TruncateTextColumn`): to `max_length` characters
 * (Unicode code points, as Python slices strings), or to `max_length` tokens of the named
 * tokenizer. Null values pass through unchanged; other non-strings fail the batch.
 *
 * @example
 * new TruncateTextColumn({ column: "text", maxLength: 4, tokenizer: "whitespace" });
 */
export class TruncateTextColumn extends Step<typeof schema> {
  static override readonly typeName = "TruncateTextColumn";
  static override readonly attributes = schema;
  private readonly resolvedTokenizer: Tokenizer | undefined;

  constructor(...args: OptionsArgs<StepOptions<typeof schema>>) {
    super(...args);
    const name = this.attrs.tokenizer;
    this.resolvedTokenizer = name === undefined ? undefined : getTokenizer(name);
    if (name !== undefined && !this.resolvedTokenizer) {
      throw new OptionError(
        `${this.describeSelf()}: unknown tokenizer '${name}'; known tokenizers are: ${knownTokenizers().join(", ")} (Hugging Face tokenizers are not available here)`,
        { component: this.name, field: "tokenizer", expected: `one of ${knownTokenizers().join(", ")}` },
      );
    }
  }

  override get inputs(): StepColumns {
    return [this.attrs.column];
  }

  override get outputs(): StepColumns {
    return [this.attrs.column];
  }

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    const { column, maxLength } = this.attrs;
    return (inputs[0] ?? []).map((row, index) => {
      const where = { step: this.name, row: index };
      const text = requireColumn(row, column, where);
      if (text === null) return { ...row };
      if (typeof text !== "string") throw rowDataError(where, column, `expected a string to truncate, got ${describeValue(text)}`);
      return { ...row, [column]: this.truncate(text, maxLength) };
    });
  }

  private truncate(text: string, maxLength: number): string {
    if (this.resolvedTokenizer) return truncateTokens(this.resolvedTokenizer, text, maxLength);
    if (text.length <= maxLength) return text;
    // code points, not UTF-16 units, so an emoji is one character as in Python
    return Array.from(text).slice(0, maxLength).join("");
  }
}
