import { afterAll, afterEach, beforeAll } from "vitest";
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeServerOptions } from "./fake-openai-server.js";

/**
 * Starts the loopback OpenAI stand-in before the tests of the file (or `describe`) it is called in
 * and stops it after them. The server only exists once `beforeAll` ran, so this returns a handle
 * that forwards to it: tests keep writing `server.baseUrl`, `server.generationRequests`, ...
 * Called before the file's other hooks, it starts first and (vitest runs `after*` hooks as a
 * stack) stops last, after whatever was talking to it.
 */
export function useFakeOpenAIServer(options: FakeServerOptions = {}, { resetAfterEach = false } = {}): FakeOpenAIServer {
  let server: FakeOpenAIServer | undefined;
  beforeAll(async () => {
    server = await startFakeOpenAIServer(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  if (resetAfterEach) afterEach(() => server?.reset());
  return new Proxy({} as FakeOpenAIServer, {
    get(_target, property) {
      if (!server) throw new Error(`the fake OpenAI server is read (.${String(property)}) before its beforeAll started it`);
      const value = Reflect.get(server, property, server) as unknown;
      return typeof value === "function" ? value.bind(server) : value;
    },
  });
}
