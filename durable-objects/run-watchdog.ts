import type { RunState } from "../src/engine/run-state.js";
import type { LeasePolicy } from "../src/engine/work-leases.js";
import { nextAlarmAt, STATUS_CHECK_EVERY_MS } from "../src/runtime/run-watchdog.js";

/**
 * The run object's alarm: when it rings the object looks for lost work and due batch-job polls
 * (`src/runtime/run-watchdog.ts` decides what), and runs a due Hub push. Keeps the time it is
 * set for, so it is re-set only when an earlier look is needed.
 */
export class RunWatchdog {
  private alarmAt: number | undefined;
  private lastLook = 0;

  constructor(private readonly storage: DurableObjectStorage) {}

  async load(): Promise<void> {
    this.alarmAt = (await this.storage.getAlarm()) ?? undefined;
  }

  /** The alarm rang: it is no longer set. */
  rang(): void {
    this.alarmAt = undefined;
  }

  /** Whether to look for lost work now: always from the alarm, at most every few seconds from status calls. */
  shouldLook(fromAlarm: boolean, now: number): boolean {
    if (!fromAlarm && now - this.lastLook < STATUS_CHECK_EVERY_MS) return false;
    this.lastLook = now;
    return true;
  }

  /** Sets the alarm for the next moment some of the run's work may be presumed lost. */
  async arm(state: RunState, policy: LeasePolicy): Promise<void> {
    const at = nextAlarmAt(state, policy, Date.now(), this.alarmAt);
    if (at !== undefined) await this.setAt(at);
  }

  async setAt(at: number): Promise<void> {
    this.alarmAt = at;
    await this.storage.setAlarm(at);
  }

  async clear(): Promise<void> {
    await this.storage.deleteAlarm();
    this.alarmAt = undefined;
  }
}
