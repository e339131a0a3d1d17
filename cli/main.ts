/**
 * `distilflare`: the command line over a distilflare Worker's v1 API. Every failure is one line
 * naming the problem (the API's error code and message) and a documented exit code (exit-codes.ts).
 */
import { helpText, parseCommandLine, type CommandName } from "./args.js";
import { createContext, type CliStreams, type CommandContext } from "./context.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import { dev } from "./commands/dev.js";
import { info, validate } from "./commands/inspect.js";
import { run } from "./commands/run.js";
import { download, list, logs, push, resume, status, stop } from "./commands/runs.js";

const HANDLERS: Record<CommandName, (ctx: CommandContext) => Promise<ExitCode>> = {
  dev,
  run,
  info,
  validate,
  status,
  logs,
  list,
  stop,
  resume,
  download,
  push,
};

/** Runs one command line and returns its exit code; never throws. */
export async function main(
  argv: readonly string[],
  streams: CliStreams = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
): Promise<ExitCode> {
  try {
    const line = parseCommandLine(argv);
    if (line.help || line.command === undefined) {
      streams.stdout.write(`${helpText(line.command)}\n`);
      return EXIT.ok;
    }
    return await HANDLERS[line.command](createContext(line, streams));
  } catch (error) {
    if (error instanceof CliError) {
      streams.stderr.write(`distilflare: ${error.message}\n`);
      return error.exitCode;
    }
    streams.stderr.write(`distilflare: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.apiError;
  }
}
