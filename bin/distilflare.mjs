#!/usr/bin/env node
// The `distilflare` command. In a checkout of the repository it runs the TypeScript source
// through tsx (no build step); in an installed package it runs the compiled dist/.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const source = fileURLToPath(new URL("../cli/bin.ts", import.meta.url));
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(new URL("../dist/cli/bin.js", import.meta.url).href);
}
