import type { InflightEntry } from "../src/engine/run-state.js";
import type { WorkItem } from "../src/engine/work.js";
import type { WorkMessage } from "../src/runtime/queue-message.js";
import { encodeRunValue } from "../src/runtime/run-object-values.js";
import { queueOf, sendBatches, workMessage } from "../src/runtime/work-dispatch.js";
import type { RunStorage } from "./run-storage.js";
import { NO_ROW_CHANGES } from "./run-storage.js";

/** The bindings the outbox sends through (read at each send: tests swap the queues). */
export type OutboxBindings = Pick<Env, "CONTROL_QUEUE" | "STEP_QUEUE" | "DATA">;

const PREFIX = "outbox:";

/**
 * Work a transition dispatched, on its way to the queues. The ids are stored with the
 * transition that dispatched them (`open`), sent, and only then cleared, so work a crash
 * caught between the write and the send is sent again by the next watchdog look (`flush`).
 */
export class RunOutbox {
  private seq = 0;
  /** Outboxes this instance is sending right now: a watchdog must not send them a second time. */
  private readonly sending = new Set<string>();

  /** `spilled`: ids of work items whose JSON is in R2 already (kept there by `RunStorage.spill`). */
  constructor(
    private readonly store: RunStorage,
    private readonly spilled: ReadonlySet<string>,
  ) {}

  /** Continues the numbering after the outboxes a crash left behind. */
  load(): void {
    const last = this.store.listValues("outbox", PREFIX).at(-1);
    this.seq = last === undefined ? 0 : Number(last.key.slice(PREFIX.length)) + 1;
  }

  /** The stored value of a dispatch, to be written in the same transaction as the transition. */
  open(dispatch: readonly WorkItem[]): { key: string; value: string } | undefined {
    if (dispatch.length === 0) return undefined;
    const key = `${PREFIX}${String(this.seq++).padStart(12, "0")}`;
    return {
      key,
      value: encodeRunValue(
        "outbox",
        dispatch.map((w) => w.id),
      ),
    };
  }

  /** Sends an opened outbox, then clears it. */
  async deliver(key: string, works: WorkItem[], bindings: OutboxBindings): Promise<void> {
    this.sending.add(key);
    try {
      await this.send(works, bindings);
      this.store.write(NO_ROW_CHANGES, { [key]: null });
    } finally {
      this.sending.delete(key);
    }
  }

  /** Sends every stored outbox not being sent right now: the work still in flight of each. */
  async flush(inflight: Record<string, InflightEntry>, bindings: OutboxBindings): Promise<void> {
    for (const { key, value } of this.store.listValues("outbox", PREFIX)) {
      if (this.sending.has(key)) continue;
      await this.send(
        value.flatMap((id) => (inflight[id] ? [inflight[id].work] : [])),
        bindings,
      );
      this.store.write(NO_ROW_CHANGES, { [key]: null });
    }
  }

  async message(work: WorkItem, bindings: OutboxBindings): Promise<WorkMessage> {
    const { message, store } = workMessage(work, this.spilled.has(work.id));
    if (store) await bindings.DATA.put(store.key, store.json, { httpMetadata: { contentType: "application/json" } });
    return message;
  }

  private async send(works: WorkItem[], bindings: OutboxBindings): Promise<void> {
    const control: WorkMessage[] = [];
    const steps: WorkMessage[] = [];
    for (const work of works) (queueOf(work) === "steps" ? steps : control).push(await this.message(work, bindings));
    const asRequests = (batch: WorkMessage[]): MessageSendRequest<WorkMessage>[] => batch.map((body) => ({ body, contentType: "json" }));
    for (const batch of sendBatches(control)) await bindings.CONTROL_QUEUE.sendBatch(asRequests(batch));
    for (const batch of sendBatches(steps)) await bindings.STEP_QUEUE.sendBatch(asRequests(batch));
  }
}
