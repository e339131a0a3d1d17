import { commit, createRepo, HubApiError, type CommitOperation } from "@huggingface/hub";
import { errorMessage } from "../errors.js";
import { Semaphore } from "../steps/step-context.js";
import type { HubClient } from "./hub-client.js";
import { HubError, networkCause, type HubFailureReason } from "./hub-error.js";
import { StoredObjectBlob } from "./stored-object-blob.js";

export interface HubCommitFile {
  path: string;
  content: Blob;
}

export interface HubCommitOptions {
  /** Endpoint, token and fetch of the push. */
  client: HubClient;
  repoId: string;
  /** Visibility of the repository when this push creates it. */
  private: boolean;
  files: readonly HubCommitFile[];
  /** Files to remove in the same commit (shards of an earlier, larger push). */
  deletes?: readonly string[] | undefined;
  title: string;
  /**
   * Offer the Xet transfer (default false). @huggingface/hub's Xet upload compiles WebAssembly
   * at run time, which workerd forbids; plain LFS (`basic`, `multipart`) works everywhere and
   * the Hub accepts it. The client falls back to LFS by itself when the Hub does not choose Xet.
   */
  useXet?: boolean | undefined;
}

/** Files uploaded at once: each holds its bytes in memory while it uploads. */
const UPLOAD_CONCURRENCY = 2;

/**
 * @huggingface/hub hashes files below `useWebWorkers.minSize` with WebCrypto and larger ones with
 * node:crypto or a Web Worker. Its browser build (the one Workers bundle) stubs node:crypto out and
 * workerd has no Web Workers, so every file takes the WebCrypto path: each is read whole while it
 * is hashed; StoredObjectBlob reads one at a time to bound that.
 */
const WEBCRYPTO_FOR_ALL_SIZES = Number.MAX_SAFE_INTEGER;

/**
 * Creates the dataset repository if needed and writes `files` (and `deletes`) in one commit
 * through @huggingface/hub: preupload, LFS batch and uploads for the large files, then the
 * NDJSON commit. Stored-object files are read by ranges while they are hashed and uploaded.
 *
 * @throws HubError naming the repository: `unauthorized` (missing or bad token), `forbidden`
 *   (no write access), `unreachable`, `http_error`.
 */
export async function commitToHub(options: HubCommitOptions): Promise<{ repo_id: string; url: string; commit: { oid: string; url: string } }> {
  const { client, repoId } = options;
  const token = requireToken(client, repoId);
  const fetch = uploadFetch(client.fetch, new Semaphore(UPLOAD_CONCURRENCY));
  await ensureRepo({ client, repoId, token, fetch, private: options.private });
  const operations: CommitOperation[] = [
    ...options.files.map((file) => ({ operation: "addOrUpdate" as const, path: file.path, content: file.content })),
    ...(options.deletes ?? []).map((path) => ({ operation: "delete" as const, path })),
  ];
  try {
    const output = await commit({
      repo: { type: "dataset", name: repoId },
      accessToken: token,
      hubUrl: client.endpoint,
      fetch,
      operations,
      title: options.title,
      useXet: options.useXet ?? false,
      useWebWorkers: { minSize: WEBCRYPTO_FOR_ALL_SIZES },
    });
    return { repo_id: repoId, url: client.datasetUrl(repoId), commit: { oid: output?.commit.oid ?? "", url: output?.commit.url ?? "" } };
  } catch (error) {
    throw pushError(error, client, repoId, "committing the files");
  }
}

/** Creates the repository; one that already exists (HTTP 409) is fine. */
async function ensureRepo(options: { client: HubClient; repoId: string; token: string; fetch: typeof fetch; private: boolean }): Promise<void> {
  try {
    await createRepo({
      repo: { type: "dataset", name: options.repoId },
      accessToken: options.token,
      hubUrl: options.client.endpoint,
      fetch: options.fetch,
      visibility: options.private ? "private" : "public",
    });
  } catch (error) {
    if (error instanceof HubApiError && error.statusCode === 409) return;
    throw pushError(error, options.client, options.repoId, "creating the repository");
  }
}

/** The push token, checked before any request: a missing or malformed one is a clear HubError. */
export function requireToken(client: HubClient, repoId: string): string {
  const token = client.token;
  if (token?.startsWith("hf_")) return token;
  const problem = token
    ? ": the Hub token does not look like one (Hub tokens start with 'hf_')"
    : " needs a Hub token with write access: pass token or set the HF_TOKEN secret";
  throw new HubError(`Pushing to dataset '${repoId}'${problem}`, { repo_id: repoId, reason: "unauthorized" });
}

/**
 * The fetch handed to @huggingface/hub: a stored-object body is read into memory only when its
 * upload starts, and at most `slots` uploads hold their bytes at once. (A stream body would
 * need chunked encoding, which presigned storage URLs refuse.)
 */
function uploadFetch(inner: typeof fetch, slots: Semaphore): typeof fetch {
  return async (input, init) => {
    const body = init?.body;
    if (body instanceof StoredObjectBlob) return slots.run(async () => inner(input, { ...init, body: await body.arrayBuffer() }));
    return inner(input, init);
  };
}

const REASON_OF_STATUS: Record<number, HubFailureReason> = { 401: "unauthorized", 403: "forbidden", 404: "repo_not_found" };

function pushError(error: unknown, client: HubClient, repoId: string, action: string): HubError {
  if (error instanceof HubError) return error;
  if (error instanceof HubApiError) {
    const said = error.message.split(". URL: ")[0] ?? error.message;
    const hint =
      error.statusCode === 401
        ? ": the token is invalid or expired"
        : error.statusCode === 403
          ? ": the token needs write access to the repository or its namespace"
          : "";
    return new HubError(
      `Pushing to dataset '${repoId}' failed while ${action} (HTTP ${error.statusCode}: ${said})${hint}`,
      { repo_id: repoId, reason: REASON_OF_STATUS[error.statusCode] ?? "http_error", status: error.statusCode, url: error.url },
      { cause: error },
    );
  }
  if (error instanceof TypeError && /fetch/i.test(error.message)) {
    return new HubError(
      `Could not reach the Hub at ${client.endpoint} while ${action} for dataset '${repoId}': ${networkCause(error)}`,
      { repo_id: repoId, reason: "unreachable" },
      { cause: error },
    );
  }
  return new HubError(
    `Pushing to dataset '${repoId}' failed while ${action}: ${errorMessage(error)}`,
    { repo_id: repoId, reason: "http_error" },
    { cause: error },
  );
}
