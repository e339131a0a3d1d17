import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { createServer } from "node:net";
import { defineConfig } from "vitest/config";

/** A free loopback port for the OpenAI stand-in of the workers ring, so runs may call it (ALLOWED_ORIGINS). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
// globalSetup (test/workers/fake-openai-setup.ts) runs in this process and starts the stand-in here.
process.env.FAKE_OPENAI_PORT ??= String(await freePort());
const fakeOpenAIOrigin = `http://127.0.0.1:${process.env.FAKE_OPENAI_PORT}`;

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" } },
      {
        // The ring runs as local development does: the API open without a token (SECURITY.md).
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // The stand-in's origin is the one loopback origin runs may call, with a key of its own.
              bindings: { ALLOW_UNAUTHENTICATED: "true", ALLOWED_ORIGINS: fakeOpenAIOrigin, FAKE_OPENAI_API_KEY: "sk-fake-stand-in" },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          globalSetup: ["test/workers/security/attacker-setup.ts", "test/workers/fake-openai-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], environment: "node", testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false } },
    ],
  },
});
