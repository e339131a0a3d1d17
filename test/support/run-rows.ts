import { expect } from "vitest";
import type { Pipeline } from "../../src/pipeline/pipeline.js";
import type { Harness } from "./worker-harness.js";

export type ApiRow = Record<string, unknown>;

export interface FinishedRun {
  id: string;
  run: Record<string, unknown>;
  /** The rows of one Distiset config (a leaf step's name when the pipeline has several leaves). */
  rows(config: string): Promise<ApiRow[]>;
}

/**
 * Posts the dumped pipeline to the HTTP API of a test Worker, waits for the run to succeed and
 * gives access to its rows through `/v1/runs/{id}/rows` (the pipeline goes over the wire, so
 * every step and LLM is rebuilt from its serialized form by the registry).
 */
export async function runThroughApi(harness: Harness, pipeline: Pipeline, options: { timeoutMs?: number } = {}): Promise<FinishedRun> {
  const { status, body } = await harness.startRun({ pipeline, use_cache: false });
  expect(status, JSON.stringify(body)).toBe(202);
  const run = await harness.waitForRun(body.id, { timeoutMs: options.timeoutMs ?? 50_000 });
  expect(run.status, JSON.stringify(run.error ?? run.errors)).toBe("succeeded");
  return {
    id: body.id,
    run,
    async rows(config: string) {
      const response = await harness.json<{ rows: ApiRow[]; num_rows: number; error?: unknown }>(
        `/v1/runs/${body.id}/rows?config=${encodeURIComponent(config)}&length=100`,
      );
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.rows;
    },
  };
}

/** The `distilabel_metadata` of an API row, as a record. */
export function metadataOf(row: ApiRow | undefined): Record<string, unknown> {
  const meta = row?.distilabel_metadata;
  return meta && typeof meta === "object" && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
}
