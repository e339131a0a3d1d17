import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
describe("workers smoke", () => {
  it("pings the DO", async () => {
    const res = await exports.default.fetch("http://x/");
    expect(await res.text()).toBe("pong");
  });
  it("delivers a queue message to the consumer", async () => {
    await env.STEP_QUEUE.send({ a: 1 });
    for (let i = 0; i < 50; i++) {
      const o = await env.DATA.get("got");
      if (o) { expect(await o.json()).toEqual({ a: 1 }); return; }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("not delivered");
  });
});
