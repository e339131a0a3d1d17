import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { extractJsonObject, nulls, objectJsonSchema } from "../support/reply-json.js";
import { stringInput } from "../support/row-inputs.js";
import { Task, taskAttributes } from "../base/task.js";
import { TEXT_CLASSIFICATION_SYSTEM_PROMPT, TEXT_CLASSIFICATION_TEMPLATE } from "../templates/text-classification.js";

const schema = taskAttributes.extend({
  systemPrompt: attribute(z.string().nullable().default(TEXT_CLASSIFICATION_SYSTEM_PROMPT), "The system message; null sends none."),
  n: attribute(z.number().int().positive().default(1), "How many labels to assign: 1 is single-label classification, more returns the n most fitting labels."),
  context: attribute(
    z.string().nullable().default("Choose concise, relevant labels that capture the main themes, topics or categories of the text."),
    "Guidance on what the labels should capture.",
  ),
  examples: attribute(z.array(z.string()).nullable().optional(), "Example texts shown to the model (few-shot)."),
  availableLabels: attribute(
    z
      .union([z.array(z.string()).min(1), z.record(z.string(), z.string())])
      .nullable()
      .optional(),
    "The labels to choose from: a list, or a mapping of label to description.",
  ),
  defaultLabel: attribute(
    z
      .union([z.string(), z.array(z.string())])
      .nullable()
      .default("Unclassified"),
    "The label for texts that are ambiguous or cannot be classified (a list is allowed when n > 1).",
  ),
  queryTitle: attribute(z.string().default("User Query"), "How the prompt names the text to classify."),
  useDefaultStructuredOutput: attribute(z.boolean().default(true), "Whether to ask the LLM for the task's default JSON schema."),
});

const labelsReplySchema = z.object({ labels: z.union([z.string(), z.array(z.unknown())]) });

/**
 * Assigns labels to `text` (zero- or few-shot), answered as JSON `{"labels": ...}`: `labels` is
 * a string when `n` is 1, a list otherwise. With `available_labels`, labels are matched to them
 * case-insensitively and an unknown label becomes `default_label`.
 *
 * @example
 * new TextClassification({ llm, availableLabels: { positive: "Praise", negative: "Complaints" } });
 */
export class TextClassification extends Task<typeof schema> {
  static override readonly typeName = "TextClassification";
  static override readonly attributes = schema;
  static override readonly inputs = ["text"];
  static override readonly outputs = ["labels", "model_name"];

  /** The allowed labels with their descriptions, or none when labels are free. */
  private get labelEntries(): Array<{ name: string; description: string | null }> {
    const available = this.attrs.availableLabels;
    if (!available) return [];
    if (Array.isArray(available)) return available.map((name) => ({ name, description: null }));
    return Object.entries(available).map(([name, description]) => ({ name, description }));
  }

  private get defaultLabels(): string[] {
    const fallback = this.attrs.defaultLabel;
    return fallback === null ? [] : Array.isArray(fallback) ? fallback : [fallback];
  }

  formatInput(row: Row): ChatType {
    const text = stringInput(row, "text", this.name);
    const fallback = this.attrs.defaultLabel;
    const user = renderTemplate(TEXT_CLASSIFICATION_TEMPLATE, {
      n: this.attrs.n,
      query_title: this.attrs.queryTitle,
      default_label: fallback === null ? "" : Array.isArray(fallback) ? JSON.stringify(fallback) : `"${fallback}"`,
      context: this.attrs.context ?? "",
      labels: this.labelEntries,
      examples: this.attrs.examples ?? [],
      text,
    });
    const messages: ChatType = [];
    if (this.attrs.systemPrompt) messages.push({ role: "system", content: this.attrs.systemPrompt });
    messages.push({ role: "user", content: user });
    return messages;
  }

  formatOutput(output: string | null, _input: Row | undefined): Row {
    const single = this.attrs.n === 1;
    const failed = { labels: single ? null : nulls(this.attrs.n) };
    if (output === null) return failed;
    const json = extractJsonObject(output, labelsReplySchema);
    const raw: unknown[] | undefined = json ? (Array.isArray(json.labels) ? json.labels : [json.labels]) : this.bareLabel(output);
    if (!raw) return failed;
    const labels = raw.filter((l): l is string => typeof l === "string").map((l) => this.canonical(l));
    if (single) return { labels: labels[0] ?? this.defaultLabels[0] ?? null };
    const known = [...new Set(labels.filter((l): l is string => l !== undefined))];
    return { labels: known.length > 0 ? known : this.defaultLabels };
  }

  /** A reply that is just one of the available labels, without the JSON around it. */
  private bareLabel(output: string): string[] | undefined {
    if (this.labelEntries.length === 0) return undefined;
    const text = output
      .trim()
      .replace(/^["'`*]+|["'`*.]+$/g, "")
      .trim();
    return this.canonical(text) === undefined ? undefined : [text];
  }

  /**
   * The label as the task spells it; undefined for a label outside `available_labels` (which
   * the caller replaces by the default label). Free labels are kept as given, trimmed.
   */
  private canonical(label: string): string | undefined {
    const trimmed = label.trim();
    const entries = this.labelEntries;
    if (entries.length === 0) return trimmed;
    const wanted = trimmed.toLowerCase();
    return [...entries.map((e) => e.name), ...this.defaultLabels].find((name) => name.toLowerCase() === wanted);
  }

  override defaultStructuredOutput(): Record<string, unknown> {
    const names = this.labelEntries.map((e) => e.name);
    const label: Record<string, unknown> = names.length > 0 ? { type: "string", enum: [...new Set([...names, ...this.defaultLabels])] } : { type: "string" };
    const labels = this.attrs.n === 1 ? { ...label, title: "Labels" } : { type: "array", title: "Labels", items: label };
    return objectJsonSchema(this.attrs.n === 1 ? "SingleLabelSchema" : "MultiLabelSchema", { labels });
  }
}
