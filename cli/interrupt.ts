import type { CliStreams } from "./context.js";

export type InterruptChoice = "stop" | "detach" | "continue";

/** The answer to the Ctrl+C prompt; anything unrecognised keeps watching, a second Ctrl+C detaches. */
export function interruptChoiceOf(key: string): InterruptChoice {
  const k = key.trim().toLowerCase();
  if (key === "\u0003" || k.startsWith("d")) return "detach";
  if (k.startsWith("s")) return "stop";
  return "continue";
}

/**
 * Ctrl+C while a run is watched. On a terminal it asks whether to stop the run or detach
 * (the run goes on in the Worker either way until stopped); without a terminal to ask on it
 * stops the run, as distilabel does, and a second Ctrl+C detaches.
 */
export class InterruptHandler {
  private pending = 0;
  private readonly onSignal = (): void => {
    this.pending += 1;
  };

  constructor(private readonly streams: CliStreams) {}

  install(): void {
    process.on("SIGINT", this.onSignal);
  }

  uninstall(): void {
    process.off("SIGINT", this.onSignal);
  }

  /** Ctrl+C presses not yet handled. */
  get interrupted(): boolean {
    return this.pending > 0;
  }

  async choose(alreadyStopping: boolean): Promise<InterruptChoice> {
    const presses = this.pending;
    this.pending = 0;
    const stdin = this.streams.stdin;
    if (!stdin.isTTY || typeof stdin.setRawMode !== "function") return alreadyStopping || presses > 1 ? "detach" : "stop";
    this.streams.stderr.write(`\n${alreadyStopping ? "The run is stopping. " : ""}[s] stop the run, [d] detach (the run goes on), [c] keep watching? `);
    const key = await new Promise<string>((done) => {
      stdin.setRawMode(true);
      stdin.resume();
      stdin.once("data", (data: Buffer) => done(data.toString("utf8")));
    });
    stdin.setRawMode(false);
    stdin.pause();
    const choice = interruptChoiceOf(key);
    this.streams.stderr.write(`${choice}\n`);
    return choice;
  }
}
