import type { LimiterClock } from "../../../../src/llms/rate-limit/local-rate-limiter.js";

/** A clock that only moves when every caller is waiting: jumps to the next timer, in order. */
export class FakeClock implements LimiterClock {
  time = 0;
  private seq = 0;
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];

  now = (): number => this.time;

  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.time + Math.max(0, ms), seq: this.seq++, resolve });
    });

  /** Drives the timers until `done` settles. */
  async runUntil<T>(done: Promise<T>): Promise<T> {
    let finished = false;
    void done.then(
      () => (finished = true),
      () => (finished = true),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (finished) return done;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error("fake clock: nothing scheduled and the work is not done (deadlock)");
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
  }
}
