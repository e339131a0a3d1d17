import { z } from "zod";
import { toDistilflareError } from "../errors.js";
import type { BlobStore } from "../runtime/blob-store.js";
import type { StepServices } from "../steps/step-context.js";
import { HubClient } from "./hub-client.js";
import { pushDistisetToHub } from "./push-to-hub.js";

/**
 * The `push_to_hub` part of a run's status: what was asked and what happened. It never holds
 * the token: a token given with the request is kept apart (the run's Durable Object storage)
 * and deleted once the push is done.
 */
export const pushToHubStatusSchema = z.object({
  status: z.enum(["pending", "running", "succeeded", "failed"]),
  repo_id: z.string(),
  private: z.boolean(),
  commit_message: z.string().optional(),
  url: z.string().optional(),
  commit: z.object({ oid: z.string(), url: z.string() }).optional(),
  num_rows: z.number().int().nonnegative().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  requested_at: z.string(),
  started_at: z.string().optional(),
  /** Pushes started so far (a push cut off by an eviction is started again, a bounded number of times). */
  attempts: z.number().int().nonnegative().optional(),
  finished_at: z.string().optional(),
});
export type PushToHubStatus = z.infer<typeof pushToHubStatusSchema>;

/** What a push request carries (the `push_to_hub` body, token included). */
export type PushToHubRequest = Pick<PushToHubStatus, "repo_id" | "private" | "commit_message"> & { token?: string | undefined };

/** A push that failed or was cut off this long ago may be tried again. */
export const PUSH_RETRY_AFTER_MS = 15 * 60 * 1000;

/** The status of a push just requested; the token is left out on purpose. */
export function pendingPush(request: PushToHubRequest, now = new Date()): PushToHubStatus {
  const status: PushToHubStatus = { status: "pending", repo_id: request.repo_id, private: request.private, requested_at: now.toISOString() };
  if (request.commit_message !== undefined) status.commit_message = request.commit_message;
  return status;
}

/** Pushes started before a push cut off every time is given up. */
export const MAX_PUSH_ATTEMPTS = 3;

/** The push's next attempt, started now. */
export function startPushAttempt(push: PushToHubStatus, now = new Date()): PushToHubStatus {
  return { ...push, status: "running", started_at: now.toISOString(), attempts: (push.attempts ?? 0) + 1 };
}

/** A due push that was cut off `MAX_PUSH_ATTEMPTS` times fails instead of starting again (else undefined). */
export function markPushCutOff(push: PushToHubStatus, now = new Date()): PushToHubStatus | undefined {
  if (push.status !== "running" || (push.attempts ?? 0) < MAX_PUSH_ATTEMPTS) return undefined;
  const message = `the push was started ${push.attempts} time(s) and cut off each time (the run's object was evicted or timed out); push again with POST /v1/runs/{id}/push_to_hub`;
  return { ...push, status: "failed", error: { code: "remote_failed", message }, finished_at: now.toISOString() };
}

/** Whether a push should run now: pending, or running for so long that its worker must be gone. */
export function pushIsDue(push: PushToHubStatus | undefined, now = Date.now()): boolean {
  if (!push) return false;
  if (push.status === "pending") return true;
  return push.status === "running" && push.started_at !== undefined && now - Date.parse(push.started_at) > PUSH_RETRY_AFTER_MS;
}

/**
 * Runs a scheduled push of a run's Distiset and returns the final status (never throws: a
 * failure is recorded in the status, with the Hub's message naming the repository).
 */
export async function executePush(options: {
  store: BlobStore;
  runId: string;
  push: PushToHubStatus;
  /** The token given with the request; the HF_TOKEN secret otherwise. */
  token?: string | undefined;
  services: Pick<StepServices, "secret" | "fetch">;
}): Promise<PushToHubStatus> {
  const { push } = options;
  const started = { ...push, status: "running" as const, started_at: push.started_at ?? new Date().toISOString() };
  try {
    const result = await pushDistisetToHub({
      store: options.store,
      runId: options.runId,
      target: {
        repoId: push.repo_id,
        private: push.private,
        client: HubClient.fromServices(options.services, { token: options.token }),
        commitMessage: push.commit_message,
      },
    });
    const { error: _previous, ...rest } = started;
    return { ...rest, status: "succeeded", url: result.url, commit: result.commit, num_rows: result.num_rows, finished_at: new Date().toISOString() };
  } catch (error) {
    const failure = toDistilflareError(error, "remote_failed");
    return { ...started, status: "failed", error: { code: failure.code, message: failure.message }, finished_at: new Date().toISOString() };
  }
}
