import type { ParsedCommandLine } from "./args.js";
import { DistilflareClient, type RunView } from "./api-client.js";
import type { ProgressStream } from "./progress.js";

export interface CliStreams {
  stdout: ProgressStream;
  stderr: ProgressStream;
  stdin: NodeJS.ReadStream;
}

/** What every command gets: its parsed line, a client for `--url`, and where to print. */
export interface CommandContext {
  line: ParsedCommandLine;
  client: DistilflareClient;
  streams: CliStreams;
  /** How long to wait between status polls (tests shorten it). */
  pollMs: number;
}

export function createContext(line: ParsedCommandLine, streams: CliStreams): CommandContext {
  return { line, client: new DistilflareClient(line.global.url, line.global.token), streams, pollMs: 500 };
}

export const stringOption = (ctx: CommandContext, name: string): string | undefined => {
  const value = ctx.line.options[name];
  return typeof value === "string" ? value : undefined;
};

export const listOption = (ctx: CommandContext, name: string): string[] => {
  const value = ctx.line.options[name];
  return Array.isArray(value) ? value : [];
};

export const flag = (ctx: CommandContext, name: string): boolean => ctx.line.options[name] === true;

/** `--json` prints `data` as one JSON document; otherwise `text` lines are printed. */
export function print(ctx: CommandContext, data: unknown, text: () => string | string[]): void {
  const out = ctx.line.global.json ? JSON.stringify(data, null, 2) : [text()].flat().join("\n");
  ctx.streams.stdout.write(`${out}\n`);
}

export const TERMINAL_STATUSES: ReadonlySet<RunView["status"]> = new Set(["succeeded", "failed", "stopped"]);

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
