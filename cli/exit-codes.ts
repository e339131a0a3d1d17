/**
 * The CLI's exit codes (documented in README.md). Scripts branch on them, so they never change
 * meaning: a new failure kind gets a new number.
 */
export const EXIT = {
  /** The command did what it was asked; for `run` and `logs --follow`, the run succeeded (or `run` detached). */
  ok: 0,
  /** The watched run ended without succeeding (failed or stopped), or its push to the Hub failed. */
  runNotSucceeded: 1,
  /** The command line is wrong: unknown command or option, missing argument, unreadable file. */
  usage: 2,
  /** The Worker answered with an error (its `error.code` and message are printed). */
  apiError: 3,
  /** The Worker could not be reached at `--url`. */
  unreachable: 4,
  /** `dev` could not start wrangler dev. */
  devFailed: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the CLI with `exitCode` and one line naming the problem. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);
