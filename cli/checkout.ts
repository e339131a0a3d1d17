import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root when the CLI runs from a checkout (its TypeScript source next to
 * wrangler.toml and the tests); undefined when it runs from an installed package's dist/.
 */
export function checkoutRoot(): string | undefined {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  return existsSync(join(root, "cli", "main.ts")) && existsSync(join(root, "wrangler.toml")) ? root : undefined;
}
