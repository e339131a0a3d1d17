import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface WranglerDev {
  url: string;
  port: number;
  persistTo: string;
  /** The process (group) id of wrangler, for measuring workerd under it. */
  pid: number | undefined;
  output(): string;
  /** Settles with the exit code when wrangler ends, by `stop` or on its own. */
  exited: Promise<number | null>;
  /** Ends the process: SIGKILL simulates a crash, SIGTERM a clean stop. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Starts `wrangler dev` on a free loopback port with local Durable Objects, Queues and R2
 * persisted under `persistTo` (so a restart on the same directory keeps the run's state).
 * Local development opens the API as an owner would (`ALLOW_UNAUTHENTICATED = "true"`) unless
 * `closed` is set, which leaves it as a deployment without `API_TOKEN` is: answering 401.
 */
export interface WranglerDevOptions {
  persistTo?: string;
  vars?: Record<string, string>;
  port?: number;
  timeoutMs?: number;
  /** Leave the API closed, as a deployment without API_TOKEN is (401). */
  closed?: boolean;
  /** The project folder with wrangler.toml (default: this repository). */
  cwd?: string;
  /** How to start wrangler (default `npx wrangler`). */
  wrangler?: string[];
  /** Called with wrangler's output as it comes. */
  onOutput?: (text: string) => void;
}

export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const port = options.port ?? (await freePort());
  const inspectorPort = await freePort();
  const persistTo = options.persistTo ?? tempDir("distilflare-e2e-");
  const [command, ...prefix] = options.wrangler ?? ["npx", "wrangler"];
  const args = [
    ...prefix,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    "--log-level",
    "info",
  ];
  const vars = { ...(options.closed ? {} : { ALLOW_UNAUTHENTICATED: "true" }), ...options.vars };
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  const child: ChildProcess = spawn(command!, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    options.onOutput?.(chunk.toString());
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new Error(`wrangler dev did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    persistTo,
    pid: child.pid,
    output: () => output,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      killGroup(child, signal);
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** wrangler runs workerd as a child: signal the whole process group so nothing is left behind. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}
