import type { Registry } from "../components/registry.js";
import type { RunView } from "../engine/run-view.js";
import type { RunBudget } from "../engine/run-budget.js";
import type { PushResult } from "../hub/push-to-hub.js";
import type { BlobStore } from "../runtime/blob-store.js";
import type { PipelineCatalog } from "../runtime/pipeline-catalog.js";
import type { StepServices } from "../steps/step-context.js";
import type { PushToHubOptions, RunSummaryView, StartRunRequest } from "./schemas.js";

export type { RunSummaryView };

export interface StartRunResult {
  /** 202 for a new or resumed run, 200 when the cache served a finished one. */
  status: 200 | 202;
  run: RunView;
  cached: boolean;
}

/**
 * What the HTTP API needs from a runtime. The Workers runtime implements it with Durable
 * Objects, queues and R2; the API layer stays runtime-agnostic.
 */
export interface RunService {
  readonly registry: Registry;
  readonly pipelines: PipelineCatalog;
  readonly store: BlobStore;
  /** Services for validation-time discovery (e.g. reading a remote dataset's columns). */
  services(): StepServices;
  startRun(request: StartRunRequest): Promise<StartRunResult>;
  listRuns(options: { limit: number; cursor?: string | undefined }): Promise<{ runs: RunSummaryView[]; next_cursor: string | null }>;
  getRun(id: string): Promise<RunView>;
  stopRun(id: string): Promise<RunView>;
  /** `budget`: new limits (a field left out keeps the run's, null lifts it). */
  resumeRun(id: string, options?: { budget?: Partial<RunBudget> | undefined }): Promise<RunView>;
  logs(id: string): Promise<string>;
  /** Pushes a succeeded run's Distiset to the Hub (a run in any other state is a `conflict`). */
  pushToHub(id: string, options: PushToHubOptions): Promise<PushResult>;
}
