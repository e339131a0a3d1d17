import type { Row } from "../../../core/row.js";
import type { ChatMessage } from "./format-helpers.js";
import { describeValue, requireColumn, requireList, rowDataError, type RowLocation } from "../../../core/row-checks.js";

/** Indices of the chosen (highest rated) and rejected (lowest rated) generations. */
export interface PreferencePick {
  chosen: number;
  rejected: number;
}

/**
 * Picks chosen and rejected from `ratings` as distilabel does with Python's `max`/`min` over
 * the enumerated ratings: ties go to the first index, so equal ratings give chosen = rejected = 0.
 * Null ratings (a failed judge) are skipped; when no rating is left, or `ratings` itself is
 * null, there is nothing to pick and the result is null.
 */
export function pickPreference(row: Row, where: RowLocation): PreferencePick | null {
  const ratings = requireColumn(row, "ratings", where);
  if (ratings === null || ratings === undefined) return null;
  if (!Array.isArray(ratings)) throw rowDataError(where, "ratings", `expected a list of numbers, got ${describeValue(ratings)}`);
  let pick: PreferencePick | null = null;
  for (const [index, rating] of ratings.entries()) {
    if (rating === null || rating === undefined) continue;
    if (typeof rating !== "number" || Number.isNaN(rating))
      throw rowDataError(where, "ratings", `rating ${index} must be a number or null, got ${describeValue(rating)}`);
    if (pick === null) {
      pick = { chosen: index, rejected: index };
      continue;
    }
    if (rating > (ratings[pick.chosen] as number)) pick.chosen = index;
    if (rating < (ratings[pick.rejected] as number)) pick.rejected = index;
  }
  return pick;
}

/**
 * The DPO columns for one row: `chosen`/`rejected` are `prompt` + the picked generation as an
 * assistant turn, `chosen_model`/`rejected_model` only when the row has `generation_models`.
 * Without a pick every one of them is null.
 */
export function preferenceColumns(row: Row, prompt: readonly ChatMessage[], where: RowLocation): Row {
  const pick = pickPreference(row, where);
  const generations = requireList(row, "generations", where);
  const hasModels = "generation_models" in row;
  const models = row.generation_models;
  if (hasModels && models !== null && !Array.isArray(models)) {
    throw rowDataError(where, "generation_models", `expected a list of model names, got ${describeValue(models)}`);
  }
  const side = (label: "chosen" | "rejected", index: number | undefined): Row => {
    if (index !== undefined && index >= generations.length) {
      throw rowDataError(
        where,
        "generations",
        `has ${generations.length} generations but the ${label} rating is at index ${index}; give one rating per generation`,
      );
    }
    const out: Row = { [label]: index === undefined ? null : [...prompt, { role: "assistant", content: generations[index] }] };
    if (hasModels) out[`${label}_model`] = index !== undefined && Array.isArray(models) ? (models[index] ?? null) : null;
    out[`${label}_rating`] = index === undefined ? null : (row.ratings as unknown[])[index];
    return out;
  };
  return { ...side("chosen", pick?.chosen), ...side("rejected", pick?.rejected) };
}
