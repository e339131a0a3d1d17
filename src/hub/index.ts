export {
  HubClient,
  DEFAULT_HUB_ENDPOINT,
  REPO_ID_PATTERN,
  type HubClientOptions,
  type DatasetInfo,
  type RepoFile,
} from "./hub-client.js";
export { HubError, isHubError, type HubFailureReason } from "./hub-error.js";
export { resolveHubSplitFiles, type HubSplitFiles, type HubSplitRequest } from "./dataset-files.js";
export { commitToHub, type HubCommitFile, type HubCommitOptions, type HubCommitResult } from "./hub-commit.js";
export { pushDistisetToHub, pushRowsToHub, pushResultSchema, type HubTarget, type PushResult } from "./push-to-hub.js";
export {
  executePush,
  pendingPush,
  pushIsDue,
  pushToHubStatusSchema,
  type PushToHubRequest,
  type PushToHubStatus,
} from "./scheduled-push.js";
export { hubConfigDir, hubShardPath, hubSplitPattern } from "./hub-layout.js";
