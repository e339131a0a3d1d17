import type { StepClass } from "../steps/base-step.js";

export * from "./task.js";

/** Every built-in task, for the default registry. */
export const BUILTIN_TASKS: StepClass[] = [];
