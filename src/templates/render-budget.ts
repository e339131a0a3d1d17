import { TemplateValueError } from "./template-error.js";

/**
 * What one render may spend. Templates come from pipeline authors (any API caller), so a render
 * is bounded like any other untrusted program: in characters built and in evaluation steps
 * (loop iterations, macro calls, expressions).
 */
export const TEMPLATE_BUDGET = {
  /** Characters of any one value and of the whole output: far above any real prompt. */
  chars: 2_000_000,
  /** Nodes evaluated in one render: loops and macro calls each cost at least one per pass. */
  steps: 250_000,
} as const;

/** A render went over its budget: the row fails with this, the Worker stays healthy. */
export class TemplateBudgetError extends TemplateValueError {
  constructor(message: string) {
    super(message);
    this.name = "TemplateBudgetError";
  }
}

interface Spend {
  steps: number;
  output: number;
}

/** The render in progress. Rendering is synchronous, so one slot (saved around nested renders) is exact. */
let current: Spend | undefined;

/** Runs one render with a fresh budget. */
export function withRenderBudget<T>(render: () => T): T {
  const previous = current;
  current = { steps: 0, output: 0 };
  try {
    return render();
  } finally {
    current = previous;
  }
}

/** Counts evaluation steps; throws past the step budget. */
export function spendSteps(count = 1): void {
  if (!current) return;
  current.steps += count;
  if (current.steps > TEMPLATE_BUDGET.steps) {
    throw new TemplateBudgetError(`the template ran more than ${TEMPLATE_BUDGET.steps} steps (loops, macro calls); it is over its step budget`);
  }
}

/** Refuses, before it is built, a value longer than the character budget (`"a" * n`, `center(n)`). */
export function checkLength(length: number, what: string): void {
  if (length > TEMPLATE_BUDGET.chars) {
    throw new TemplateBudgetError(`${what} would be ${length} characters long; a template may build at most ${TEMPLATE_BUDGET.chars}`);
  }
}

/** Counts characters written to the output; throws past the character budget. */
export function spendOutput(length: number): void {
  if (!current) return;
  current.output += length;
  if (current.output > TEMPLATE_BUDGET.chars) {
    throw new TemplateBudgetError(`the template wrote more than ${TEMPLATE_BUDGET.chars} characters; it is over its output budget`);
  }
}
