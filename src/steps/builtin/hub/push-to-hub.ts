import { z } from "zod";
import { runtimeParameter, secretAttribute } from "../../../components/attributes.js";
import type { Row, StepColumns } from "../../../core/row.js";
import { HubClient, hubEndpointOf, REPO_ID_PATTERN } from "../../../hub/hub-client.js";
import type { EgressTarget } from "../../../security/egress-target.js";
import { pushRowsToHub } from "../../../hub/push-to-hub.js";
import { GlobalStep, stepAttributes } from "../../base-step.js";
import type { StepContext, StepServices } from "../../step-context.js";

const schema = stepAttributes.extend({
  repoId: runtimeParameter(
    z.string().regex(REPO_ID_PATTERN, "a Hub repository id such as 'user/dataset'").optional(),
    "The Hub dataset repository to push to.",
    { required: true },
  ),
  split: runtimeParameter(z.string().min(1).default("train"), "The split the rows are pushed as."),
  private: runtimeParameter(z.boolean().default(false), "Create the repository as private when it does not exist."),
  token: secretAttribute(
    z.string().min(1).optional(),
    "A Hub token with write access; default: the HF_TOKEN secret. Never serialized, so on Workers use the secret.",
  ),
});

/**
 * Pushes every row it receives to the Hub as one split of the `default` config, then passes
 * the rows through unchanged (distilabel's `PushToHub`), for pipelines that publish as they go.
 * The rows go up in a single commit: Parquet shards under `data/` and the card's `configs:`.
 *
 * @example
 * const push = new PushToHub({ repoId: "me/jokes" });
 * textGeneration.connect(push);
 */
export class PushToHub extends GlobalStep<typeof schema> {
  static override readonly typeName = "PushToHub";
  static override readonly attributes = schema;
  static override readonly inputs: StepColumns = [];
  static override readonly outputs: StepColumns = [];

  override egressTargets(services: Pick<StepServices, "secret">): EgressTarget[] {
    return [{ url: hubEndpointOf(services), keyVariable: this.attrs.token ? undefined : "HF_TOKEN", field: "repo_id" }];
  }

  async process(inputs: Row[][], context: StepContext): Promise<Row[]> {
    const rows = inputs[0] ?? [];
    const client = HubClient.fromServices(context.services, { token: this.attrs.token });
    const result = await pushRowsToHub({ rows, split: this.attrs.split, target: { repoId: this.attrs.repoId as string, private: this.attrs.private, client } });
    context.logger.info(`Pushed ${result.num_rows} rows to ${result.url} as split '${this.attrs.split}' (commit ${result.commit.oid.slice(0, 12)})`);
    return rows;
  }
}
