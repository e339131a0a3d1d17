import { DurableObject } from "cloudflare:workers";

export class PipelineRun extends DurableObject {
  async ping(): Promise<string> {
    await this.ctx.storage.put("x", 1);
    return "pong";
  }
}

export default {
  async fetch(_req: Request, env: Env): Promise<Response> {
    const stub = env.PIPELINE_RUN.get(env.PIPELINE_RUN.idFromName("a"));
    return new Response(await stub.ping());
  },
  async queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
    for (const m of batch.messages) {
      await env.DATA.put("got", JSON.stringify(m.body));
      m.ack();
    }
  },
} satisfies ExportedHandler<Env>;
