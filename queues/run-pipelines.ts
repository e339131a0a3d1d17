import { loadPipeline, parsePipelineText } from "../src/pipeline/serialize.js";
import type { Pipeline } from "../src/pipeline/pipeline.js";
import { NotFoundError } from "../src/errors.js";
import type { BlobStore } from "../src/runtime/blob-store.js";
import { getText } from "../src/runtime/blob-store.js";
import { runKeys } from "../src/runtime/run-keys.js";
import { runtimeRegistry } from "../src/runtime/runtime-registry.js";

const MAX_CACHED = 16;
const cache = new Map<string, Promise<Pipeline>>();

/**
 * The pipeline of a run, loaded from its `pipeline.json` (parameters already applied; runs
 * stored before it existed have only `pipeline.yaml`) and kept
 * per isolate: consecutive batches of a run reuse it.
 */
export function runPipeline(store: BlobStore, runId: string): Promise<Pipeline> {
  const cached = cache.get(runId);
  if (cached) return cached;
  const loading = (async () => {
    const json = await getText(store, runKeys.pipelineJson(runId));
    const text = json ?? (await getText(store, runKeys.pipelineYaml(runId)));
    if (text === null) throw new NotFoundError(`Run '${runId}' has no pipeline.json or pipeline.yaml`, { run_id: runId });
    return loadPipeline(parsePipelineText(text, json === null ? "yaml" : "json"), runtimeRegistry()).pipeline;
  })();
  cache.set(runId, loading);
  loading.catch(() => cache.delete(runId));
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
  return loading;
}
