import type { Row } from "../../../src/core/row.js";
import { writeParquet } from "../../../src/distiset/parquet/index.js";
import type { BlobStore } from "../../../src/runtime/blob-store.js";
import { BufferLogger, defaultServices, type StepContext } from "../../../src/steps/step-context.js";
import { testContext } from "../../support/test-context.js";
import type { FakeHubServer } from "../../support/fake-hub-server.js";
import { noise } from "../../support/noise.js";

export function numberedRows(start: number, count: number, textLength = 400): Row[] {
  return Array.from({ length: count }, (_, i) => ({ id: start + i, prompt: `prompt ${start + i}`, text: noise(start + i, textLength) }));
}

/** A dataset split in `files` Parquet shards of `rowsPerFile` rows, `rowGroupSize` rows per row group. */
export function shardedDataset(options: {
  files: number;
  rowsPerFile: number;
  rowGroupSize: number;
  split?: string;
  textLength?: number;
}): Record<string, Uint8Array> {
  const split = options.split ?? "train";
  const out: Record<string, Uint8Array> = {};
  for (let f = 0; f < options.files; f++) {
    const rows = numberedRows(f * options.rowsPerFile, options.rowsPerFile, options.textLength);
    const name = `data/${split}-${String(f).padStart(5, "0")}-of-${String(options.files).padStart(5, "0")}.parquet`;
    out[name] = writeParquet(rows, undefined, { rowGroupSize: options.rowGroupSize });
  }
  return out;
}

export function hubContext(
  hub: FakeHubServer,
  options: { token?: string | undefined; blobs?: BlobStore | undefined; runId?: string; stepName?: string; endpoint?: string } = {},
): StepContext {
  const secrets: Record<string, string | undefined> = { HF_ENDPOINT: options.endpoint ?? hub.url, HF_TOKEN: options.token };
  return testContext({
    runId: options.runId ?? "run-1",
    stepName: options.stepName ?? "load",
    logger: new BufferLogger(""),
    services: defaultServices({ secret: (name) => secrets[name], blobs: options.blobs }),
  });
}
