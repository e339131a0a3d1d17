import { OptionError } from "../errors.js";
import type { Component } from "../components/component.js";
import type { StepServices } from "../steps/step-context.js";
import { egressRefusal } from "./egress-guard.js";
import { originOf, PROVIDER_KEYS_VARIABLE, type SecretPolicy } from "./secret-policy.js";

/**
 * Refuses, before anything is sent, a pipeline whose LLM, embeddings, loader or Hub step would
 * read a variable that is not a declared provider key, send a secret to an origin the owner did
 * not allow for it, or call a loopback/private address the owner did not list. The error names
 * the step, the attribute, the origin and the variable to set.
 */
export function assertPipelineEgress(steps: ReadonlyArray<Component & { name: string }>, services: Pick<StepServices, "secret" | "egressPolicy">): void {
  const policy = services.egressPolicy;
  if (!policy) return;
  for (const step of steps) {
    for (const target of step.egressTargets(services)) {
      const who = `Step '${step.name}' (${target.field})`;
      if (target.keyVariable !== undefined && !policy.isProviderKey(target.keyVariable)) {
        throw new OptionError(
          `${who}: api_key_env '${target.keyVariable}' is not a provider key the owner declared; steps may read only the secrets listed in ${PROVIDER_KEYS_VARIABLE} (default: *_API_KEY and HF_TOKEN), never API_TOKEN`,
          { step: step.name, component: step.name, field: "api_key_env", variable: PROVIDER_KEYS_VARIABLE, expected: "a declared provider key" },
        );
      }
      const origin = originOf(target.url);
      if (!origin) {
        throw new OptionError(`${who}: '${target.url}' is not an http(s) URL`, { step: step.name, field: target.field, expected: "an http(s) URL" });
      }
      const secret = target.keyVariable !== undefined && hasValue(policy, target.keyVariable) ? target.keyVariable : undefined;
      const refusal = egressRefusal(policy, origin, secret, who, { step: step.name, field: target.field });
      if (refusal) throw refusal;
    }
  }
}

function hasValue(policy: SecretPolicy, name: string): boolean {
  return policy.secretValues().some((secret) => secret.name === name);
}
