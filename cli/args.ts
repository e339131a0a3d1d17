import { parseArgs, type ParseArgsConfig } from "node:util";
import { usageError } from "./exit-codes.js";

type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
const GLOBAL_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} satisfies OptionSpec;

export interface CommandSpec {
  /** Positional arguments, in order; a trailing `?` marks an optional one. */
  args: string[];
  options: OptionSpec;
  summary: string;
}

/** Every command, its arguments and options: the one source of `--help` and of parsing. */
export const COMMANDS = {
  dev: {
    args: [],
    options: { port: { type: "string" }, "persist-to": { type: "string" } },
    summary: "Start the runtime locally (wrangler dev with local state; a stand-in model server when OPENAI_API_KEY is not set)",
  },
  run: {
    args: ["FILE.yaml|FILE.json|NAME"],
    options: {
      param: { type: "string", multiple: true },
      "use-cache": { type: "boolean" },
      "no-cache": { type: "boolean" },
      "accept-failed-rows": { type: "boolean" },
      out: { type: "string" },
      "push-to-hub": { type: "string" },
      private: { type: "boolean" },
      "hf-token": { type: "string" },
      detach: { type: "boolean" },
      "dry-run": { type: "boolean" },
      "max-cost-usd": { type: "string" },
      "max-requests": { type: "string" },
    },
    summary: "Start a run, show per-step progress until it ends, optionally save its Distiset to --out",
  },
  info: { args: ["FILE|NAME"], options: {}, summary: "Steps, connections and runtime parameters of a pipeline" },
  validate: {
    args: ["FILE|NAME"],
    options: { param: { type: "string", multiple: true }, "sample-row": { type: "string" } },
    summary: "Validate a pipeline on the Worker (and show each task's prompt for --sample-row)",
  },
  status: { args: ["ID"], options: {}, summary: "A run's status and per-step progress" },
  logs: { args: ["ID"], options: { follow: { type: "boolean", short: "f" } }, summary: "A run's log (--follow until it ends)" },
  list: { args: [], options: { limit: { type: "string" } }, summary: "Recent runs" },
  stop: { args: ["ID"], options: {}, summary: "Stop a run (finished batches are kept; resume continues)" },
  resume: {
    args: ["ID"],
    options: { "max-cost-usd": { type: "string" }, "max-requests": { type: "string" } },
    summary: "Resume a stopped or failed run (with a new budget: --max-cost-usd, --max-requests)",
  },
  download: { args: ["ID"], options: { out: { type: "string" } }, summary: "Save a run's Distiset to --out DIR (Hugging Face datasets layout)" },
  push: {
    args: ["ID", "REPO"],
    options: { private: { type: "boolean" }, "hf-token": { type: "string" }, "commit-message": { type: "string" } },
    summary: "Push a run's Distiset to the Hugging Face Hub",
  },
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export interface GlobalOptions {
  url: string;
  token: string | undefined;
  json: boolean;
}

export interface ParsedCommandLine {
  command: CommandName | undefined;
  /** Positional arguments after the command, by the names in `COMMANDS[command].args`. */
  args: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  global: GlobalOptions;
  help: boolean;
}

export const DEFAULT_URL = "http://127.0.0.1:8787";

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/** Parses `argv` (without node and the script) for one command; unknown options are usage errors. */
export function parseCommandLine(argv: readonly string[], env: Record<string, string | undefined> = process.env): ParsedCommandLine {
  const name = argv.find((a) => !a.startsWith("-"));
  if (name !== undefined && !isCommand(name)) throw usageError(`Unknown command '${name}'; commands are: ${Object.keys(COMMANDS).join(", ")}`);
  const spec: CommandSpec | undefined = name === undefined ? undefined : COMMANDS[name];
  let parsed: { values: unknown; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...(spec?.options ?? {}) }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${error instanceof Error ? error.message.split("\n")[0] : String(error)}${name ? ` (see distilflare ${name} --help)` : ""}`);
  }
  const positionals = parsed.positionals.slice(1);
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = values.help === true || name === undefined;
  if (spec && !help) {
    const required = spec.args.filter((a) => !a.endsWith("?"));
    if (positionals.length < required.length)
      throw usageError(`distilflare ${name} needs ${required.map((a) => a).join(" ")}; missing ${required.slice(positionals.length).join(" ")}`);
    if (positionals.length > spec.args.length)
      throw usageError(`distilflare ${name} takes ${spec.args.length} argument(s), got an extra '${positionals[spec.args.length]}'`);
  }
  if (values["use-cache"] && values["no-cache"]) throw usageError("--use-cache and --no-cache contradict each other; pass one");
  const url = (typeof values.url === "string" ? values.url : env.DISTILFLARE_URL) ?? DEFAULT_URL;
  if (!/^https?:\/\/[^/]+/.test(url)) throw usageError(`--url '${url}' is not an http(s) URL`);
  return {
    command: name,
    args: positionals,
    options: values,
    global: {
      url: url.replace(/\/+$/, ""),
      token: (typeof values.token === "string" ? values.token : undefined) ?? env.DISTILFLARE_TOKEN,
      json: values.json === true,
    },
    help,
  };
}

const optionHelp = (options: OptionSpec): string =>
  Object.entries(options)
    .map(([key, o]) => (o.type === "string" ? `--${key} ${o.multiple ? "VALUE..." : "VALUE"}` : `--${key}`))
    .join(" ");

/** `distilflare --help`, or one command's usage. */
export function helpText(command?: CommandName): string {
  const globals = "Options for every command: --url URL (default http://127.0.0.1:8787, or DISTILFLARE_URL), --token TOKEN (or DISTILFLARE_TOKEN), --json";
  if (command) {
    const spec: CommandSpec = COMMANDS[command];
    return [`distilflare ${command} ${spec.args.join(" ")} ${optionHelp(spec.options)}`.replace(/\s+$/, ""), "", spec.summary, "", globals].join("\n");
  }
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "distilflare: run distilabel pipelines on a distilflare Worker (local or deployed)",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    "",
    globals,
    "Exit codes: 0 ok (run succeeded), 1 run failed/stopped, 2 usage, 3 API error, 4 Worker unreachable, 5 dev failed",
    "Run `distilflare COMMAND --help` for a command's arguments.",
  ].join("\n");
}
