import type { RunMeta } from "../src/engine/run-view.js";
import {
  executePush,
  markPushCutOff,
  pendingPush,
  pushIsDue,
  PUSH_RETRY_AFTER_MS,
  startPushAttempt,
  type PushToHubRequest,
  type PushToHubStatus,
} from "../src/hub/scheduled-push.js";
import { logLine } from "../src/runtime/run-log-line.js";
import { decodeRunValue, encodeRunValue } from "../src/runtime/run-object-values.js";
import { R2BlobStore } from "../bindings/r2-blob-store.js";
import { workerServices } from "../bindings/worker-services.js";
import type { RunLog } from "./run-log.js";
import { NO_ROW_CHANGES, type RunStorage } from "./run-storage.js";
import type { RunWatchdog } from "./run-watchdog.js";

const PUSH_KEY = "push";
const TOKEN_KEY = "push:token";

/**
 * The run's push of its Distiset to the Hub: the request and its outcome under `push`, the token
 * under its own key (never in the status, the log or R2), deleted after the push. The push runs
 * from the alarm, not from a request that may be cut off.
 */
export class RunHubPush {
  /** The requested push and its outcome, if a push was asked for. */
  status: PushToHubStatus | undefined;

  constructor(
    private readonly store: RunStorage,
    private readonly watchdog: RunWatchdog,
    private readonly log: RunLog,
  ) {}

  async load(): Promise<void> {
    this.status = this.store.readValue("push", PUSH_KEY) ?? (await this.adoptEarlierPush());
  }

  /**
   * Builds before the run's SQLite values kept the push (as bare JSON) and its token (as a plain
   * string) in the storage API's key-value store: a run created by one of them is moved over once,
   * new values first, so a push it asked for still happens after an upgrade.
   */
  private async adoptEarlierPush(): Promise<PushToHubStatus | undefined> {
    const earlier = await this.store.readEarlierValues([PUSH_KEY, TOKEN_KEY]);
    const push = earlier.get(PUSH_KEY);
    if (typeof push !== "string") return undefined;
    const status = decodeRunValue("push", push);
    const token = earlier.get(TOKEN_KEY);
    this.store.write(NO_ROW_CHANGES, {
      [PUSH_KEY]: encodeRunValue("push", status),
      [TOKEN_KEY]: typeof token === "string" ? encodeRunValue("push_token", token) : null,
    });
    await this.store.deleteEarlierValues([PUSH_KEY, TOKEN_KEY]);
    return status;
  }

  save(request: PushToHubRequest): void {
    const status = pendingPush(request);
    this.store.write(NO_ROW_CHANGES, {
      [PUSH_KEY]: encodeRunValue("push", status),
      [TOKEN_KEY]: request.token ? encodeRunValue("push_token", request.token) : null,
    });
    this.status = status;
  }

  isDue(): boolean {
    return pushIsDue(this.status);
  }

  /**
   * Runs a due push of a succeeded run. A second alarm is set first, so a push cut off by an
   * eviction is tried again — a bounded number of times.
   */
  async runIfDue(meta: RunMeta, env: Env): Promise<void> {
    const push = this.status;
    if (!push || !pushIsDue(push)) return;
    const cutOff = markPushCutOff(push);
    if (cutOff) {
      await this.finish(cutOff, meta, env.DATA);
      return;
    }
    const running = startPushAttempt(push);
    this.store.write(NO_ROW_CHANGES, { [PUSH_KEY]: encodeRunValue("push", running) });
    this.status = running;
    await this.watchdog.setAt(Date.now() + PUSH_RETRY_AFTER_MS + 1_000);
    const token = this.store.readValue("push_token", TOKEN_KEY);
    const result = await executePush({ store: new R2BlobStore(env.DATA), runId: meta.id, push: running, token, services: workerServices(env) });
    await this.finish(result, meta, env.DATA);
  }

  private async finish(result: PushToHubStatus, meta: RunMeta, bucket: R2Bucket): Promise<void> {
    this.store.write(NO_ROW_CHANGES, { [PUSH_KEY]: encodeRunValue("push", result), [TOKEN_KEY]: null });
    this.status = result;
    await this.watchdog.clear();
    this.log.append([
      logLine(
        result.status === "succeeded" ? "INFO" : "ERROR",
        result.status === "succeeded"
          ? `Pushed the Distiset to ${result.url}`
          : `Push to '${result.repo_id}' failed: ${result.error?.message ?? "unknown error"}`,
      ),
    ]);
    await this.log.saveTo(bucket, meta.id);
  }
}
