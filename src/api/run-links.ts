/** Links of a run, as returned by `POST /v1/runs`. */
export function runLinks(id: string): Record<"self" | "distiset" | "logs" | "pipeline" | "stop" | "resume", string> {
  const base = `/v1/runs/${id}`;
  return { self: base, distiset: `${base}/distiset`, logs: `${base}/logs`, pipeline: `${base}/pipeline.yaml`, stop: `${base}/stop`, resume: `${base}/resume` };
}
