import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The servers a local Worker talks to instead of real providers, and the vars that point it there. */
export interface LocalServices {
  vars: Record<string, string>;
  /** Lines saying which model server and Hub answer. */
  description: string[];
  stop(): Promise<void>;
}

const STAND_IN_MODEL = "test/support/fake-openai-server.ts";
const STAND_IN_HUB = "test/support/fake-hub-server.ts";
const QUICKSTART_DATASET = "distilabel-internal-testing/instruction-dataset-mini";

interface StandInModelModule {
  startFakeOpenAIServer(options: { delayMs?: number; replyFor?: (request: { prompt: string }) => string }): Promise<{ baseUrl: string; stop(): Promise<void> }>;
}
interface StandInHubModule {
  FakeHubServer: { start(): Promise<{ url: string; addDataset(repo: string, options: { files: Record<string, Uint8Array> }): void; close(): Promise<void> }> };
  quickstartRows(): Array<Record<string, unknown>>;
}

// Loaded by path, so the package build never includes test code.
const load = async <T>(root: string, path: string): Promise<T> => (await import(pathToFileURL(join(root, path)).href)) as T;

/**
 * A real model server when OPENAI_API_KEY or OPENAI_BASE_URL is set. Otherwise, in a checkout
 * of this repository (`root`), the loopback stand-ins the tests use: a model server, and (unless
 * HF_ENDPOINT is set) a Hub serving the quickstart's dataset, so examples/quickstart.yaml runs
 * with no key and no network. An installed package ships no test code, so it has no stand-ins.
 */
export async function startLocalServices(root: string | undefined, env: Record<string, string | undefined> = process.env): Promise<LocalServices> {
  const vars: Record<string, string> = {};
  if (env.OPENAI_BASE_URL || env.OPENAI_API_KEY) {
    if (env.OPENAI_BASE_URL) vars.OPENAI_BASE_URL = env.OPENAI_BASE_URL;
    if (env.OPENAI_API_KEY) vars.OPENAI_API_KEY = env.OPENAI_API_KEY;
    return { vars, description: [`Using a real model server: ${env.OPENAI_BASE_URL ?? "https://api.openai.com/v1"}`], stop: async () => {} };
  }
  if (root === undefined || !existsSync(join(root, STAND_IN_MODEL))) {
    return {
      vars,
      description: ["No OPENAI_API_KEY or OPENAI_BASE_URL is set: LLM steps will fail. Set one (OPENAI_BASE_URL for Ollama, vLLM...)."],
      stop: async () => {},
    };
  }
  const { startFakeOpenAIServer } = await load<StandInModelModule>(root, STAND_IN_MODEL);
  const model = await startFakeOpenAIServer({ delayMs: 150, replyFor: (request) => `(stand-in model) Here is an answer to "${request.prompt}".` });
  vars.OPENAI_BASE_URL = model.baseUrl;
  const description = [
    `No OPENAI_API_KEY or OPENAI_BASE_URL is set, so a local stand-in model server answers (${model.baseUrl}).`,
    "The whole runtime still runs: Durable Object, queues, R2, Parquet. Set OPENAI_API_KEY (or OPENAI_BASE_URL) to use a real model.",
  ];
  let closeHub = async (): Promise<void> => {};
  if (!env.HF_ENDPOINT) {
    const [{ FakeHubServer, quickstartRows }, { writeParquet }] = await Promise.all([
      load<StandInHubModule>(root, STAND_IN_HUB),
      import("../src/distiset/parquet/index.js"),
    ]);
    const hub = await FakeHubServer.start();
    hub.addDataset(QUICKSTART_DATASET, { files: { "data/test-00000-of-00001.parquet": writeParquet(quickstartRows()) } });
    vars.HF_ENDPOINT = hub.url;
    description.push(`A local stand-in Hugging Face Hub (${hub.url}) serves ${QUICKSTART_DATASET}; set HF_ENDPOINT=https://huggingface.co for the real Hub.`);
    closeHub = () => hub.close();
  }
  return {
    vars,
    description,
    stop: async () => {
      await model.stop();
      await closeHub();
    },
  };
}
