import { EvolInstruct, evolInstructAttributes } from "./evol-instruct.js";
import { EVOL_COMPLEXITY_MUTATION_TEMPLATES } from "../templates/evol-complexity.js";

/**
 * EvolInstruct with DEITA's complexity-only mutations (distilabel's `EvolComplexity`, after
 * arXiv:2312.15685): every evolution makes the instruction more complex, none changes its topic.
 * Same options, inputs and outputs as `EvolInstruct`.
 *
 * @example
 * new EvolComplexity({ llm, numEvolutions: 4, storeEvolutions: true });
 */
export class EvolComplexity extends EvolInstruct {
  static override readonly typeName: string = "EvolComplexity";
  static override readonly attributes = evolInstructAttributes(EVOL_COMPLEXITY_MUTATION_TEMPLATES);
}
