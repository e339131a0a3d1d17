import type { TestProject } from "vitest/node";
import { startFakeOpenAIServer } from "../support/fake-openai-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    fakeOpenAIUrl: string;
  }
}

/** Starts the loopback OpenAI stand-in in Node (workerd cannot listen); tests drive it over its `/__fake/` routes. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // vitest.config.mts chose the port and listed its origin in ALLOWED_ORIGINS.
  const server = await startFakeOpenAIServer({ port: Number(process.env.FAKE_OPENAI_PORT) });
  project.provide("fakeOpenAIUrl", server.url);
  return () => server.stop();
}
