import { BufferLogger, defaultServices, type StepContext } from "../../src/steps/step-context.js";

/** A step context for tests: run "test", step "test", batch 0, a buffered logger and `defaultServices()`. */
export function testContext(overrides: Partial<StepContext> = {}): StepContext {
  return { runId: "test", stepName: "test", seqNo: 0, logger: new BufferLogger(""), services: defaultServices(), ...overrides };
}
