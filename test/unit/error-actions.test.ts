import { describe, expect, it } from "vitest";
import { ERROR_ACTIONS, queueActionOf } from "../../src/error-actions.js";
import { DistilflareError, ERROR_CODES, OptionError } from "../../src/errors.js";

describe("the error table", () => {
  it("gives every error code an HTTP error status and a queue action", () => {
    expect(Object.keys(ERROR_ACTIONS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(ERROR_ACTIONS[code].status, code).toBeGreaterThanOrEqual(400);
      expect(ERROR_ACTIONS[code].status, code).toBeLessThan(600);
      expect(["retry", "impute", "fail_run"], code).toContain(ERROR_ACTIONS[code].queue);
    }
  });

  it("retries what may pass, imputes bad options at once and fails the run on a broken step load", () => {
    expect(queueActionOf(new Error("socket hang up"))).toBe("retry");
    expect(queueActionOf(new DistilflareError("rate_limited", "slow down"))).toBe("retry");
    expect(queueActionOf(new OptionError("bad", { field: "temperature" }))).toBe("impute");
    expect(queueActionOf(new DistilflareError("step_load_failed", "no key"))).toBe("fail_run");
  });
});
