/**
 * The object layout of a run (DESIGN.md section 2). Batch keys are deterministic per
 * (step, seq_no), so a redelivered batch writes the same key and never a second copy.
 */
export const runKeys = {
  root: (runId: string) => `runs/${runId}/`,
  batch: (runId: string, step: string, seqNo: number) => `runs/${runId}/batches/${step}/${seqNo}.json`,
  batches: (runId: string) => `runs/${runId}/batches/`,
  distisetPrefix: (runId: string) => `runs/${runId}/distiset/`,
  distisetFile: (runId: string, config: string, split: string, fileIndex: number) =>
    `runs/${runId}/distiset/${config}/${split}/${String(fileIndex).padStart(5, "0")}.parquet`,
  pipelineYaml: (runId: string) => `runs/${runId}/pipeline.yaml`,
  /** The same pipeline as JSON, which consumers load: parsing it is ~100x faster than YAML for large inline data. */
  pipelineJson: (runId: string) => `runs/${runId}/pipeline.json`,
  log: (runId: string) => `runs/${runId}/pipeline.log`,
  card: (runId: string) => `runs/${runId}/README.md`,
  manifest: (runId: string) => `runs/${runId}/distiset.json`,
  /** Work descriptions too large for a queue message (global steps over many batches). */
  work: (runId: string, id: string) => `runs/${runId}/work/${encodeURIComponent(id)}.json`,
  /** The provider batch job a step batch submitted (offline batch generation). */
  offlineBatch: (runId: string, step: string, seqNo: number) => `runs/${runId}/offline-batches/${step}/${seqNo}.json`,
};

/** A run id is part of object keys and URLs: keep it to a safe alphabet. */
export const RUN_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/;
