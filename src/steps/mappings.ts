import type { Row } from "../core/row.js";

/**
 * distilabel's `input_mappings` ({step_input: dataset_column}): before `process`, the dataset
 * column is renamed to the input name the step reads. With a single predecessor, a value the
 * rename overwrote is kept so it can be restored afterwards.
 */
export function applyInputMappings(inputs: Row[][], inputMappings: Record<string, string>): { renamed: Row[][]; overridden: Row[] } {
  const entries = Object.entries(inputMappings);
  if (entries.length === 0) return { renamed: inputs, overridden: [] };
  const reverted = new Map(entries.map(([input, column]) => [column, input]));
  const overridden: Row[] = [];
  const renamed = inputs.map((rows) =>
    rows.map((row) => {
      const out: Row = {};
      const saved: Row = {};
      for (const [key, value] of Object.entries(row)) {
        const target = reverted.get(key) ?? key;
        if (!(target in out) || key !== target) {
          out[target] = value;
          if (key !== target && target in row && inputs.length === 1) saved[target] = row[target];
        }
      }
      if (inputs.length === 1) overridden.push(saved);
      return out;
    }),
  );
  return { renamed, overridden };
}

/**
 * After `process`: every output key `k` becomes `output_mappings[k] ?? input_mappings[k] ?? k`,
 * so renamed inputs return to their dataset names and outputs get their mapped names. Values a
 * rename overwrote are restored; rows beyond the input count (one row per generation) realign
 * with `i % inputs`.
 */
export function applyOutputMappings(rows: Row[], inputMappings: Record<string, string>, outputMappings: Record<string, string>, overridden: Row[] = []): Row[] {
  const hasMappings = Object.keys(inputMappings).length > 0 || Object.keys(outputMappings).length > 0;
  if (!hasMappings) return rows;
  return rows.map((row, i) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) out[outputMappings[key] ?? inputMappings[key] ?? key] = value;
    const saved = overridden.length > 0 ? overridden[i % overridden.length] : undefined;
    if (saved) Object.assign(out, saved);
    return out;
  });
}
