import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { startWranglerDev, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { checkoutRoot } from "../checkout.js";
import { CliError, EXIT, usageError, type ExitCode } from "../exit-codes.js";
import { startLocalServices } from "../stand-ins.js";
import { stringOption, type CommandContext } from "../context.js";

/**
 * `wrangler dev` with local Durable Objects, Queues and R2 kept under `--persist-to`, open to
 * unauthenticated requests (it listens on loopback only), until Ctrl+C. In a checkout it serves
 * this repository's Worker; in a project that installed distilflare, that project's wrangler.toml.
 */
export async function dev(ctx: CommandContext): Promise<ExitCode> {
  const root = checkoutRoot();
  const cwd = root ?? process.cwd();
  if (!existsSync(resolve(cwd, "wrangler.toml")) && !existsSync(resolve(cwd, "wrangler.jsonc")) && !existsSync(resolve(cwd, "wrangler.json"))) {
    throw usageError(`No wrangler.toml in ${cwd}; start from the template in node_modules/distilflare/examples/worker/`);
  }
  const portText = stringOption(ctx, "port") ?? "8787";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw usageError(`--port must be a port number, got '${portText}'`);
  const persistTo = resolve(cwd, stringOption(ctx, "persist-to") ?? ".wrangler/state");

  const model = await startLocalServices(root);
  for (const line of model.description) ctx.streams.stderr.write(`${line}\n`);
  ctx.streams.stderr.write(`Starting wrangler dev in ${cwd} (local Durable Objects, Queues and R2 in ${persistTo})...\n`);
  // A local queue keeps nothing across a reload of wrangler dev: lost work is sent again once its
  // lease (WORK_LEASE_SECONDS in wrangler.toml) lapses.
  const vars = { ...model.vars, ALLOW_UNAUTHENTICATED: "true" };
  let server: WranglerDev;
  try {
    server = await startWranglerDev({ cwd, port, persistTo, vars, timeoutMs: 180_000, onOutput: (text) => ctx.streams.stderr.write(text) });
  } catch (error) {
    await model.stop();
    throw new CliError(`wrangler dev did not start: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`, EXIT.devFailed);
  }
  const urlOption = port === 8787 ? "" : ` --url ${server.url}`;
  ctx.streams.stdout.write(
    `distilflare dev: the Worker is at ${server.url}\n  try: npx distilflare run examples/quickstart.yaml --out out/${urlOption}\n  Ctrl+C stops it.\n`,
  );
  const signalled = await new Promise<boolean>((done) => {
    const onSignal = (): void => done(true);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    void server.exited.then(() => done(false));
  });
  await server.stop();
  await model.stop();
  if (!signalled) throw new CliError(`wrangler dev exited on its own:\n${server.output().slice(-2000)}`, EXIT.devFailed);
  return EXIT.ok;
}
