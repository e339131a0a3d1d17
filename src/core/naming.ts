/** `inputBatchSize` -> `input_batch_size`. Attribute names only, never row values. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** `input_batch_size` -> `inputBatchSize`. */
export function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * distilabel's step-name inference: an underscore before every capital except the first,
 * lower-cased (`TextGeneration` -> `text_generation`, `URIAL` -> `u_r_i_a_l`).
 */
export function classNameToStepBase(className: string): string {
  return className.replace(/(?<!^)(?=[A-Z])/g, "_").toLowerCase();
}

export const STEP_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
