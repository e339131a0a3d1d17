import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import { OptionError } from "../../errors.js";
import type { ChatType } from "../../llms/types.js";
import type { StepOptions } from "../../steps/base-step.js";
import { renderTemplate } from "../../templates/render.js";
import { parsePrometheusReply } from "./prometheus-result.js";
import { stringInput, stringListInput } from "../support/row-inputs.js";
import { Task, taskAttributes } from "../base/task.js";
import {
  PROMETHEUS_ABSOLUTE_SYSTEM_PROMPT,
  PROMETHEUS_ABSOLUTE_TEMPLATE,
  PROMETHEUS_DEFAULT_RUBRICS,
  PROMETHEUS_RELATIVE_SYSTEM_PROMPT,
  PROMETHEUS_RELATIVE_TEMPLATE,
} from "../templates/prometheus-eval.js";

const schema = taskAttributes.extend({
  mode: attribute(z.enum(["absolute", "relative"]), "absolute: score one generation 1-5; relative: pick the better of two generations, A or B."),
  rubric: attribute(z.string(), "The key in `rubrics` of the score rubric to judge by."),
  rubrics: attribute(
    z.record(z.string(), z.string()).default({ ...PROMETHEUS_DEFAULT_RUBRICS }),
    "Score rubrics by name; the defaults are helpfulness, harmlessness, honesty, factual-validity and reasoning.",
  ),
  reference: attribute(z.boolean().default(false), "Whether rows carry a `reference` answer to judge against."),
});

/**
 * A rubric: the criterion in brackets on the first line, then one line per score 1 to 5
 * (the shape distilabel checks, so rubrics written for it work here).
 */
const RUBRIC_SHAPE = /^\[.*?\]\n(?:Score [1-4]: .*?\n){4}Score 5: .*/;

/** Checks `rubric`/`rubrics` before the step exists, so a bad option never joins a pipeline. */
function checkRubrics<T extends { rubric?: unknown; rubrics?: unknown }>(options: T): T {
  const rubrics = options.rubrics ?? PROMETHEUS_DEFAULT_RUBRICS;
  if (typeof rubrics !== "object" || Array.isArray(rubrics) || Object.keys(rubrics).length === 0) {
    throw new OptionError("PrometheusEval: 'rubrics' must be a non-empty mapping of rubric name to rubric text", {
      component: "PrometheusEval",
      field: "rubrics",
      expected: "a non-empty object of strings",
    });
  }
  for (const [name, text] of Object.entries(rubrics)) {
    if (typeof text === "string" && !RUBRIC_SHAPE.test(text)) {
      throw new OptionError(
        `PrometheusEval: rubric '${name}' must look like "[<criterion>]\\nScore 1: <description>\\nScore 2: ...\\nScore 5: <description>"`,
        { component: "PrometheusEval", field: `rubrics.${name}`, expected: "[criterion] then lines Score 1: to Score 5:" },
      );
    }
  }
  if (typeof options.rubric === "string" && !(options.rubric in rubrics)) {
    throw new OptionError(`PrometheusEval: rubric '${options.rubric}' is not among the available rubrics: ${Object.keys(rubrics).join(", ")}`, {
      component: "PrometheusEval",
      field: "rubric",
      expected: `one of ${Object.keys(rubrics).join(", ")}`,
    });
  }
  return options;
}

/**
 * A Prometheus 2.0 judge (arXiv:2405.01535). `mode: "absolute"` scores `generation` from 1 to
 * 5; `mode: "relative"` compares the two `generations` and answers "A" (the first) or "B".
 * Both write `feedback`, and both can judge against a `reference` column (`reference: true`).
 *
 * @example
 * new PrometheusEval({ llm, mode: "absolute", rubric: "factual-validity" });
 */
export class PrometheusEval extends Task<typeof schema> {
  static override readonly typeName = "PrometheusEval";
  static override readonly attributes = schema;
  static override readonly outputs = ["feedback", "result", "model_name"];

  constructor(options: StepOptions<typeof schema>) {
    super(checkRubrics(options));
  }

  override get inputs(): StepColumns {
    const generated = this.attrs.mode === "absolute" ? "generation" : "generations";
    return this.attrs.reference ? ["instruction", generated, "reference"] : ["instruction", generated];
  }

  formatInput(row: Row): ChatType {
    const context: Record<string, unknown> = { instruction: stringInput(row, "instruction", this.name), rubric: this.attrs.rubrics[this.attrs.rubric] };
    if (this.attrs.reference) context.reference = stringInput(row, "reference", this.name);
    if (this.attrs.mode === "absolute") {
      context.generation = stringInput(row, "generation", this.name);
      return [
        { role: "system", content: PROMETHEUS_ABSOLUTE_SYSTEM_PROMPT },
        { role: "user", content: renderTemplate(PROMETHEUS_ABSOLUTE_TEMPLATE, context) },
      ];
    }
    context.generations = stringListInput(row, "generations", this.name, 2);
    return [
      { role: "system", content: PROMETHEUS_RELATIVE_SYSTEM_PROMPT },
      { role: "user", content: renderTemplate(PROMETHEUS_RELATIVE_TEMPLATE, context) },
    ];
  }

  formatOutput(output: string | null, _input: Row | undefined): Row {
    const { feedback, result } = parsePrometheusReply(output, this.attrs.mode);
    return { feedback, result };
  }
}
