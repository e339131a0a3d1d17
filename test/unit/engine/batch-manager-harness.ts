import type { BufferedBatch, CreatedFrom, InputBatch } from "../../../src/engine/batch.js";
import {
  addBatch,
  createBatchManagerStep,
  emptyBuffers,
  getBatch,
  setNextExpectedSeqNo,
  type BatchManagerStepState,
} from "../../../src/engine/batch-manager-step.js";

/** An output batch of `step` as the engine hands it to a successor's batch manager. */
export function output(
  step: string,
  seqNo: number,
  size: number,
  options: { last?: boolean; createdFrom?: CreatedFrom; routedTo?: string[] } = {},
): BufferedBatch {
  return {
    step,
    seq_no: seqNo,
    size,
    consumed: 0,
    last_batch: options.last ?? false,
    created_from: options.createdFrom ?? {},
    batch_routed_to: options.routedTo ?? [],
  };
}

/**
 * Drives a batch manager step. With `roundTrip`, the state goes through JSON after every single
 * transition (what the Durable Object does with its storage), so a test run in both modes shows
 * serialising never changes a result.
 */
export class BatchManagerHarness {
  state: BatchManagerStepState;
  /** Every batch built, in order. */
  readonly built: InputBatch[] = [];

  constructor(
    options: Parameters<typeof createBatchManagerStep>[0],
    private readonly roundTrip: boolean,
  ) {
    this.state = createBatchManagerStep(options);
    this.settle();
  }

  private settle(): void {
    if (this.roundTrip) this.state = JSON.parse(JSON.stringify(this.state)) as BatchManagerStepState;
  }

  add(...batches: BufferedBatch[]): this {
    for (const batch of batches) {
      addBatch(this.state, batch);
      this.settle();
    }
    return this;
  }

  get(): InputBatch | null {
    const batch = getBatch(this.state);
    this.settle();
    if (batch) this.built.push(batch);
    return batch;
  }

  /** Builds every batch that can be built now. */
  drain(): InputBatch[] {
    const out: InputBatch[] = [];
    for (let batch = this.get(); batch; batch = this.get()) out.push(batch);
    return out;
  }

  skip(from: string, next: number): this {
    setNextExpectedSeqNo(this.state, from, next);
    this.settle();
    return this;
  }

  emptyBuffers(): string[] {
    const result = emptyBuffers(this.state);
    this.settle();
    return result;
  }
}

/** A built batch reduced to what tests compare: `{from: [[seq_no, start, end], ...]}`. */
export function slicesOf(batch: InputBatch): Record<string, Array<[number, number, number]>> {
  return Object.fromEntries(batch.data.map((part) => [part.from, part.slices.map((s) => [s.seq_no, s.start, s.end] as [number, number, number])]));
}
