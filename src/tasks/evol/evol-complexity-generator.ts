import { EvolInstructGenerator, evolInstructGeneratorAttributes } from "./evol-instruct-generator.js";
import { EVOL_COMPLEXITY_GENERATION_MUTATION_TEMPLATES } from "../templates/evol-complexity.js";

/**
 * EvolInstructGenerator with DEITA's complexity-only mutations (distilabel's
 * `EvolComplexityGenerator`, after arXiv:2312.15685). Same options and outputs.
 *
 * @example
 * new EvolComplexityGenerator({ llm, numInstructions: 50, minLength: 64 });
 */
export class EvolComplexityGenerator extends EvolInstructGenerator {
  static override readonly typeName: string = "EvolComplexityGenerator";
  static override readonly attributes = evolInstructGeneratorAttributes(EVOL_COMPLEXITY_GENERATION_MUTATION_TEMPLATES);
}
