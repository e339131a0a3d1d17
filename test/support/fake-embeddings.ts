import { z } from "zod";
import { Embeddings } from "../../src/llms/llm.js";
import type { StepContext } from "../../src/steps/step-context.js";

const schema = z.object({ model: z.string().default("fake-embeddings"), dimensions: z.number().int().positive().default(4) });

/**
 * A deterministic embeddings model for unit tests: each text maps to a fixed vector derived
 * from its characters (same text, same vector). Records the batches it was asked to encode.
 */
export class FakeEmbeddings extends Embeddings<typeof schema> {
  static override readonly typeName = "FakeEmbeddings";
  readonly batches: string[][] = [];
  loaded = 0;

  static override readonly attributes = schema;

  get modelName(): string {
    return this.attrs.model;
  }

  override async load(_context: StepContext): Promise<void> {
    this.loaded++;
  }

  async encode(inputs: string[], _context: StepContext): Promise<number[][]> {
    this.batches.push([...inputs]);
    return inputs.map((text) => fakeVector(text, this.attrs.dimensions));
  }
}

/** The vector FakeEmbeddings gives `text`: per dimension, a character-code sum scaled to [0, 1). */
export function fakeVector(text: string, dimensions: number): number[] {
  const vector = Array.from({ length: dimensions }, () => 0);
  for (let i = 0; i < text.length; i++) vector[i % dimensions] = ((vector[i % dimensions] ?? 0) + text.charCodeAt(i) * (i + 1)) % 1000;
  return vector.map((v) => v / 1000);
}
