/**
 * Runs the fake OpenAI-compatible server on its own, for `wrangler dev` end-to-end runs:
 *   node --import tsx test/support/fake-openai-server-cli.ts --port 8787 [--host 127.0.0.1] [--delay-ms 0]
 * Program it over HTTP: POST /__fake/script {behaviours, match?, repeat_last?, always?},
 * POST /__fake/reset, GET /__fake/requests, GET /__fake/health. `--delay-ms` is the latency of every
 * reply; a request with `stream: true` gets its headers at once and its chunks after that latency.
 */
import { startFakeOpenAIServer } from "./fake-openai-server.js";

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const port = Number(argument("port") ?? 0);
const host = argument("host") ?? "127.0.0.1";
const delayMs = Number(argument("delay-ms") ?? 0);
if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a port number, got ${argument("port")}`);

const server = await startFakeOpenAIServer({ port, host, delayMs });
console.log(`fake OpenAI server listening on ${server.url} (OpenAI base URL ${server.baseUrl})`);

const shutdown = (): void => {
  void server.stop().then(() => process.exit(0));
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
