/**
 * Benchmarks (never timing assertions in tests): prints measured numbers and the ratios that
 * matter. Run with `npm run bench`.
 */
import { z } from "zod";
import { applyReport, startRun, type EngineContext } from "../src/engine/run-engine.js";
import { buildRunPlan, DEFAULT_MAX_BYTES_PER_FILE, DEFAULT_MAX_ROWS_PER_FILE } from "../src/engine/run-plan.js";
import { createRunState, type RunState } from "../src/engine/run-state.js";
import type { WorkItem, WorkReportInput } from "../src/engine/work.js";
import { runInProcess } from "../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../src/executor/run-cache.js";
import { LLM, llmAttributes, type GenerateOptions } from "../src/llms/llm.js";
import type { FormattedInput, GenerateOutput } from "../src/llms/types.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import type { DagSpec } from "../src/pipeline/dag.js";
import { readParquetRows, writeParquet } from "../src/distiset/parquet/index.js";
import { createDefaultRegistry } from "../src/default-registry.js";
import { routingResolver } from "../src/runtime/routing-resolver.js";
import { LoadDataFromDicts } from "../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../src/tasks/text-generation/text-generation.js";

const schema = llmAttributes.extend({ latencyMs: z.number().default(20) });

/** An LLM that only waits: isolates the runtime's scheduling from any model. */
class SleepLLM extends LLM<typeof schema> {
  static override readonly typeName = "SleepLLM";
  static override readonly attributes = schema;
  get modelName(): string {
    return "sleep";
  }
  async generateOne(_input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    await new Promise((r) => setTimeout(r, this.attrs.latencyMs));
    return { generations: Array.from({ length: options.numGenerations }, () => "ok"), statistics: { input_tokens: [1], output_tokens: [1] } };
  }
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

function concurrencyPipeline(rows: number, latency: number, batch: number): Pipeline {
  return new Pipeline({ name: "bench-concurrency" }).build(() => {
    const load = new LoadDataFromDicts({ data: Array.from({ length: rows }, (_, i) => ({ instruction: `q${i}` })), batchSize: 50 });
    load.connect(new TextGeneration({ llm: new SleepLLM({ latencyMs: latency, maxConcurrentRequests: batch }), inputBatchSize: batch }));
  });
}

async function concurrency(): Promise<void> {
  const rows = 400;
  const latency = 25;
  const batch = 10;
  const options = { cache: new MemoryRunCache(), useCache: false, concurrency: 16, maxInflightPerStep: 16 };
  await runInProcess(concurrencyPipeline(40, 1, batch), options); // warm-up: JIT and module loading are not the runtime's cost
  const started = performance.now();
  const result = await runInProcess(concurrencyPipeline(rows, latency, batch), options);
  const wall = performance.now() - started;
  const distilabelBaseline = (rows / batch) * latency; // one replica: batches one after another, inputs of a batch gathered at once
  const sequential = rows * latency;
  console.log(`concurrency: ${rows} rows, ${latency} ms per call, input_batch_size ${batch}: ${fmt(wall)} ms (${result.distiset.rows().length} rows)`);
  console.log(`  speed-up vs one batch at a time (distilabel, 1 replica): ${fmt(distilabelBaseline / wall, 2)}x`);
  console.log(`  speed-up vs one call at a time: ${fmt(sequential / wall, 2)}x`);
}

function engineOverhead(): void {
  const batches = 2_000;
  const registry = createDefaultRegistry();
  const spec: DagSpec = {
    steps: [
      {
        name: "gen",
        typeName: "G",
        kind: "generator" as const,
        inputs: {},
        outputs: ["x"],
        inputMappings: {},
        outputMappings: {},
        batchSize: 10,
        acceptsMultipleInputs: false,
        missingRuntimeParameters: [],
      },
      {
        name: "a",
        typeName: "S",
        kind: "normal" as const,
        inputs: { x: true },
        outputs: ["y"],
        inputMappings: {},
        outputMappings: {},
        inputBatchSize: 10,
        acceptsMultipleInputs: false,
        missingRuntimeParameters: [],
      },
      {
        name: "b",
        typeName: "S",
        kind: "normal" as const,
        inputs: { y: true },
        outputs: ["z"],
        inputMappings: {},
        outputMappings: {},
        inputBatchSize: 5,
        acceptsMultipleInputs: false,
        missingRuntimeParameters: [],
      },
    ],
    edges: [
      ["gen", "a"],
      ["a", "b"],
    ],
    routing: {},
  };
  const plan = buildRunPlan(spec, { pipelineName: "bench", seed: "bench", maxRowsPerFile: 1_000_000 });
  const context: EngineContext = { now: 0, routing: routingResolver(registry) };
  let state: RunState = createRunState("bench", plan);
  let transition = startRun(state, context);
  state = transition.state;
  const queue: WorkItem[] = [...transition.dispatch];
  let transitions = 0;
  let bytes = 0;
  const started = performance.now();
  while (queue.length > 0) {
    const work = queue.shift() as WorkItem;
    const report: WorkReportInput =
      work.type === "generate"
        ? {
            id: work.id,
            run_id: "bench",
            type: "generate",
            step: work.step,
            seq_no: work.seq_no,
            num_rows: 10,
            bytes: 100,
            last_batch: work.seq_no === batches - 1,
          }
        : work.type === "process"
          ? {
              id: work.id,
              run_id: "bench",
              type: "process",
              step: work.step,
              seq_no: work.seq_no,
              num_rows: work.data.reduce((s, p) => s + p.slices.reduce((t, x) => t + x.end - x.start, 0), 0),
              bytes: 100,
            }
          : work.type === "write_parquet"
            ? { id: work.id, run_id: "bench", type: "write_parquet", step: work.step, num_rows: 0, file: { path: "x", size_bytes: 1, num_rows: 1 } }
            : { id: work.id, run_id: "bench", type: "finalize" };
    transition = applyReport(state, report, context);
    // What the Durable Object does on every transition: serialise the state.
    const json = JSON.stringify(transition.state);
    bytes = Math.max(bytes, json.length);
    state = transition.state;
    queue.push(...transition.dispatch);
    transitions++;
  }
  const elapsed = performance.now() - started;
  const perTransition = elapsed / transitions;
  console.log(`engine: ${transitions} transitions (${batches} generator batches, 2 steps) in ${fmt(elapsed)} ms, status ${state.status}`);
  console.log(`  ${fmt(perTransition * 1000)} µs per transition incl. JSON persistence; largest state ${fmt(bytes / 1024)} KiB`);
  console.log(`  overhead vs a 1 s LLM batch: ${fmt((perTransition / 1000) * 100, 4)}% (ratio ${fmt(1000 / perTransition, 0)}:1)`);
}

async function parquet(): Promise<void> {
  const rows = Array.from({ length: 50_000 }, (_, i) => ({
    instruction: `Instruction number ${i} with some text to make it realistic`,
    generations: [`answer a ${i}`, `answer b ${i}`, `answer c ${i}`],
    ratings: [i % 5, (i + 1) % 5, (i + 2) % 5],
    score: i / 7,
    distilabel_metadata: { raw_output_rate: `Rating: ${i % 5}`, statistics_rate: { input_tokens: 120, output_tokens: 30 } },
  }));
  const json = JSON.stringify(rows).length;
  const heapBefore = process.memoryUsage().heapUsed;
  let started = performance.now();
  const bytes = writeParquet(rows);
  const writeMs = performance.now() - started;
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  started = performance.now();
  const back = await readParquetRows(bytes);
  const readMs = performance.now() - started;
  console.log(
    `parquet: ${rows.length} rows (lists, structs): write ${fmt(writeMs)} ms (${fmt(rows.length / (writeMs / 1000), 0)} rows/s), read ${fmt(readMs)} ms (${back.length} rows)`,
  );
  console.log(
    `  file ${fmt(bytes.byteLength / 1024 / 1024, 2)} MiB vs JSON ${fmt(json / 1024 / 1024, 2)} MiB: ratio ${fmt(json / bytes.byteLength, 2)}x smaller`,
  );
  const perFile = (DEFAULT_MAX_BYTES_PER_FILE * heapDelta) / json / 1024 / 1024;
  console.log(`  heap growth while writing: ${fmt(heapDelta / 1024 / 1024, 1)} MiB (${fmt(heapDelta / json, 2)}x the JSON size)`);
  console.log(
    `  files are cut at ${DEFAULT_MAX_ROWS_PER_FILE} rows or ${DEFAULT_MAX_BYTES_PER_FILE / 1024 / 1024} MiB of row JSON: about ${fmt(perFile, 0)} MiB of heap per file, ${fmt(128 / perFile, 1)}x under a Worker's 128 MiB`,
  );
}

await concurrency();
engineOverhead();
await parquet();
