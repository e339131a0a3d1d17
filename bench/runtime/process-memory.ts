import { execFileSync } from "node:child_process";

/** Resident memory (bytes) of every process in a process group, by command name. */
function groupRss(pgid: number): Map<string, number> {
  const byCommand = new Map<string, number>();
  let output = "";
  try {
    output = execFileSync("ps", ["-o", "rss=,comm=", "-g", String(pgid)], { encoding: "utf8" });
  } catch {
    return byCommand;
  }
  for (const line of output.trim().split("\n")) {
    const match = /^\s*(\d+)\s+(.+)$/.exec(line);
    if (!match) continue;
    const [, kb, command] = match;
    byCommand.set(command!, Math.max(byCommand.get(command!) ?? 0, Number(kb) * 1024));
  }
  return byCommand;
}

/** Samples the peak resident memory of wrangler's workerd (the runtime under test) until stopped. */
export class PeakMemorySampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pgid: number,
    private readonly command = "workerd",
  ) {}

  start(intervalMs = 500): this {
    this.peak = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  private sample(): void {
    this.peak = Math.max(this.peak, groupRss(this.pgid).get(this.command) ?? 0);
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
