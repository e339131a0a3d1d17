import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  allText,
  chatLogprobs,
  completionLogprobs,
  countWords,
  fakeEmbedding,
  promptOf,
  requestedSchema,
  sampleFromSchema,
  schemaMismatchFor,
  type RouteName,
} from "./fake-openai-responses.js";
import { sseEvent, streamChunks, wantsStream, wantsUsage } from "./fake-openai-stream.js";
import { FakeBatchApi, type FakeBatchSettings } from "./fake-openai-batches.js";

export { fakeEmbedding, sampleFromSchema } from "./fake-openai-responses.js";

/**
 * A loopback OpenAI-compatible server for tests (and, through fake-openai-server-cli.ts, for
 * `wrangler dev` end-to-end runs). It answers chat completions, completions, embeddings,
 * Anthropic messages and the Hugging Face routes our clients hit (router suffixes, Hub model
 * mapping, whoami, Inference Endpoints lookup), with programmable behaviour per request, and it
 * records every request and the peak number of generation requests in flight.
 */

export type FakeRoute = RouteName;

/** What the server does with one generation request. Plain JSON, so the CLI can take it over HTTP. */
export type FakeBehaviour =
  /** Answers normally; `text` overrides the default reply (a list gives exactly one choice per text, whatever `n`). */
  | { kind: "reply"; text?: string | string[]; delayMs?: number; usage?: { prompt_tokens: number; completion_tokens: number } | null }
  /** Answers with an HTTP error in the route's error format. */
  | { kind: "error"; status: number; message?: string; headers?: Record<string, string>; delayMs?: number }
  /** 200 with a body that is not JSON (streamed: an event whose data is not JSON). */
  | { kind: "malformed"; delayMs?: number }
  /** A valid reply whose content does not match the requested JSON schema. */
  | { kind: "wrong-schema"; delayMs?: number }
  /** Closes the connection without answering: a network error. */
  | { kind: "drop"; delayMs?: number }
  /** A streamed reply (`stream: true`) whose connection closes after the first chunk; a plain drop otherwise. */
  | { kind: "break-stream"; delayMs?: number };

export const behaviours = {
  reply: (text?: string | string[], options: { delayMs?: number } = {}): FakeBehaviour => ({
    kind: "reply",
    ...(text !== undefined ? { text } : {}),
    ...options,
  }),
  slow: (delayMs: number): FakeBehaviour => ({ kind: "reply", delayMs }),
  error: (status: number, message = `fake error ${status}`, headers?: Record<string, string>): FakeBehaviour => ({
    kind: "error",
    status,
    message,
    ...(headers ? { headers } : {}),
  }),
  /** 429 with `Retry-After` in seconds (or `retry-after-ms` when `{ ms }`). */
  rateLimited: (retryAfter: number | { ms: number } | null = null): FakeBehaviour => ({
    kind: "error",
    status: 429,
    message: "Rate limit reached",
    headers: retryAfter === null ? {} : typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : { "retry-after-ms": String(retryAfter.ms) },
  }),
  serverError: (status = 500): FakeBehaviour => ({ kind: "error", status, message: "The server had an error while processing your request" }),
  malformed: (): FakeBehaviour => ({ kind: "malformed" }),
  wrongSchema: (): FakeBehaviour => ({ kind: "wrong-schema" }),
  drop: (): FakeBehaviour => ({ kind: "drop" }),
  breakStream: (): FakeBehaviour => ({ kind: "break-stream" }),
};

export interface FakeRequest {
  route: FakeRoute;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body (or the raw text when it is not JSON). */
  body: unknown;
  /** The last user message, the raw prompt, or the joined embedding inputs. */
  prompt: string;
  startedAt: number;
  endedAt: number | undefined;
  status: number | undefined;
}

export interface FakeServerOptions {
  port?: number;
  host?: string;
  /**
   * Latency of every answer unless a behaviour sets its own. A streamed reply (`stream: true`)
   * sends its headers at once and its first chunk after this delay, as a model server does.
   */
  delayMs?: number;
  /** The default reply text of choice `index` (default: `echo: <prompt>`, numbered when n > 1). */
  replyFor?: (request: FakeRequest, index: number, n: number) => string;
  embeddingDimensions?: number;
}

type Matcher = (request: FakeRequest) => boolean;

interface ScriptEntry {
  match: Matcher;
  steps: FakeBehaviour[];
  repeatLast: boolean;
}

const GENERATION_ROUTES = new Set<FakeRoute>(["chat", "completions", "embeddings", "messages"]);

export function defaultReply(request: FakeRequest, index: number, n: number): string {
  return n > 1 ? `echo: ${request.prompt} [${index + 1}]` : `echo: ${request.prompt}`;
}

export class FakeOpenAIServer {
  readonly requests: FakeRequest[] = [];
  private server: Server | undefined;
  private port = 0;
  private inFlightNow = 0;
  private peak = 0;
  private queue: FakeBehaviour[] = [];
  private scripts: ScriptEntry[] = [];
  private fallback: FakeBehaviour | undefined;
  private counter = 0;
  /** Files and batches (OpenAI's Batch API); each request line is answered as an online chat call. */
  readonly batchApi = new FakeBatchApi((body) => {
    const request: FakeRequest = {
      route: "chat",
      method: "POST",
      path: "/v1/chat/completions",
      headers: {},
      body,
      prompt: promptOf("chat", body),
      startedAt: Date.now(),
      endedAt: Date.now(),
      status: 200,
    };
    const behaviour = this.nextBehaviour(request);
    return { behaviour, reply: () => this.success("chat", request, behaviour) };
  });

  constructor(private readonly options: FakeServerOptions = {}) {}

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://${this.options.host ?? "127.0.0.1"}:${this.port}`;
  }

  /** The OpenAI-style base URL, `<url>/v1`. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  get peakInFlight(): number {
    return this.peak;
  }

  get inFlight(): number {
    return this.inFlightNow;
  }

  /** Generation requests only (no Hub lookups or control calls). */
  get generationRequests(): FakeRequest[] {
    return this.requests.filter((r) => GENERATION_ROUTES.has(r.route));
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    // Node closes idle keep-alive connections after 5 s, racing clients that reuse them (a reset
    // that is retried, but costs a loaded machine seconds): keep them as long as clients do.
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Behaviours for the next generation requests, in order, whatever their prompt. */
  script(...steps: FakeBehaviour[]): this {
    this.queue.push(...steps);
    return this;
  }

  /**
   * Behaviours for requests whose prompt contains `match` (or matches the regex or predicate),
   * in order; with `repeatLast` the last one repeats forever (a persistent failure).
   */
  scriptFor(match: string | RegExp | Matcher, steps: FakeBehaviour[], options: { repeatLast?: boolean } = {}): this {
    const matcher: Matcher = typeof match === "string" ? (r) => r.prompt.includes(match) : match instanceof RegExp ? (r) => match.test(r.prompt) : match;
    this.scripts.push({ match: matcher, steps: [...steps], repeatLast: options.repeatLast ?? false });
    return this;
  }

  /** What every request gets when no script applies (default: a normal reply). */
  always(behaviour: FakeBehaviour | undefined): this {
    this.fallback = behaviour;
    return this;
  }

  /** Forgets scripts, recordings and the in-flight peak. */
  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.scripts = [];
    this.fallback = undefined;
    this.peak = this.inFlightNow;
    this.batchApi.reset();
  }

  private nextBehaviour(request: FakeRequest): FakeBehaviour {
    for (const entry of this.scripts) {
      if (entry.steps.length === 0 || !entry.match(request)) continue;
      const step = entry.repeatLast && entry.steps.length === 1 ? entry.steps[0] : entry.steps.shift();
      if (step) return step;
    }
    const queued = this.queue.shift();
    return queued ?? this.fallback ?? { kind: "reply" };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readBody(req);
    const body = parseJson(raw);
    const route = routeOf(url.pathname);
    const request: FakeRequest = {
      route: route ?? "hub",
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")])),
      body,
      prompt: promptOf(route, body),
      startedAt: Date.now(),
      endedAt: undefined,
      status: undefined,
    };
    this.requests.push(request);
    const finish = (status: number): void => {
      request.status = status;
      request.endedAt = Date.now();
    };
    if (!route) return sendJson(res, 404, { error: { message: `fake server has no route ${req.method} ${url.pathname}` } }, finish);
    if (route === "control") return this.control(url.pathname, body, res, finish);
    if (route === "hub") return this.hub(url.pathname, res, finish);
    if (route === "batch") {
      const answer = await this.batchApi.handle(request.method, url.pathname, raw, request.headers["content-type"] ?? "");
      if (answer.text === undefined) return sendJson(res, answer.status, answer.body, finish);
      finish(answer.status);
      res.writeHead(answer.status, { "content-type": "application/octet-stream" });
      res.end(answer.text);
      return;
    }

    this.inFlightNow++;
    this.peak = Math.max(this.peak, this.inFlightNow);
    // A request stops counting once answered or once the client hung up (an aborted call).
    let counted = true;
    const settle = (): void => {
      if (!counted) return;
      counted = false;
      this.inFlightNow--;
    };
    res.on("close", settle);
    try {
      const behaviour = this.nextBehaviour(request);
      if (wantsStream(route, body) && ["reply", "wrong-schema", "break-stream", "malformed"].includes(behaviour.kind)) {
        return await this.stream(route as "chat" | "completions", request, behaviour, req, res, finish);
      }
      await delay(behaviour.delayMs ?? this.options.delayMs ?? 0);
      if (!counted) return finish(499);
      this.respond(route, request, behaviour, req, res, finish);
    } finally {
      settle();
    }
  }

  /** Headers at once, then the reply's chunks after the latency (or a broken connection after the first). */
  private async stream(
    route: "chat" | "completions",
    request: FakeRequest,
    behaviour: FakeBehaviour,
    req: IncomingMessage,
    res: ServerResponse,
    finish: (status: number) => void,
  ): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    await delay(behaviour.delayMs ?? this.options.delayMs ?? 0);
    if (res.destroyed) return finish(499);
    if (behaviour.kind === "malformed") {
      finish(200);
      res.end(sseEvent('{"choices": [ this is not json'));
      return;
    }
    const chunks = streamChunks(route, this.success(route, request, behaviour) as Record<string, unknown>, wantsUsage(request.body));
    if (behaviour.kind === "break-stream") {
      res.write(sseEvent(chunks[0] ?? {}));
      finish(0);
      // Let the first chunk reach the client before the connection goes.
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    res.end(chunks.map(sseEvent).join("") + sseEvent("[DONE]"));
    finish(200);
  }

  private respond(
    route: FakeRoute,
    request: FakeRequest,
    behaviour: FakeBehaviour,
    req: IncomingMessage,
    res: ServerResponse,
    finish: (status: number) => void,
  ): void {
    switch (behaviour.kind) {
      case "drop":
      case "break-stream":
        finish(0);
        req.socket.destroy();
        return;
      case "malformed":
        finish(200);
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"choices": [ this is not json');
        return;
      case "error": {
        const message = behaviour.message ?? `fake error ${behaviour.status}`;
        const payload =
          route === "messages" ? { type: "error", error: { type: "api_error", message } } : { error: { message, type: "fake_error", code: behaviour.status } };
        return sendJson(res, behaviour.status, payload, finish, behaviour.headers);
      }
      default:
        return sendJson(res, 200, this.success(route, request, behaviour), finish);
    }
  }

  private success(route: FakeRoute, request: FakeRequest, behaviour: FakeBehaviour): unknown {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const model = typeof body.model === "string" ? body.model : "fake-model";
    const id = `fake-${++this.counter}`;
    if (route === "embeddings") return this.embeddings(body, model);
    // A list of texts fixes the number of choices (to play a server that ignores `n`).
    const scripted = behaviour.kind === "reply" ? behaviour.text : undefined;
    const n = route === "messages" ? 1 : Array.isArray(scripted) ? scripted.length : Math.max(1, Number(body.n ?? 1));
    const schema = requestedSchema(route, body);
    const texts = Array.from({ length: n }, (_, i) => {
      if (behaviour.kind === "wrong-schema") return JSON.stringify(schemaMismatchFor(schema));
      if (scripted !== undefined) return Array.isArray(scripted) ? (scripted[i] ?? "") : scripted;
      if (schema) return JSON.stringify(sampleFromSchema(schema));
      return (this.options.replyFor ?? defaultReply)(request, i, n);
    });
    const promptTokens = countWords(allText(route, body));
    const completionTokens = texts.reduce((sum, text) => sum + countWords(text), 0);
    const usage =
      behaviour.kind === "reply" && behaviour.usage !== undefined ? behaviour.usage : { prompt_tokens: promptTokens, completion_tokens: completionTokens };
    const created = Math.floor(Date.now() / 1000);
    if (route === "messages") {
      const tool = Array.isArray(body.tools) ? (body.tools[0] as { name?: string } | undefined) : undefined;
      const text = texts[0] ?? "";
      return {
        id,
        type: "message",
        role: "assistant",
        model,
        content: tool && schema ? [{ type: "tool_use", id: `tool-${id}`, name: tool.name ?? "tool", input: parseJson(text) }] : [{ type: "text", text }],
        stop_reason: tool ? "tool_use" : "end_turn",
        usage: usage ? { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens } : undefined,
      };
    }
    const wantLogprobs = route === "chat" ? body.logprobs === true : typeof body.logprobs === "number";
    const topK = route === "chat" ? Number(body.top_logprobs ?? 0) : Number(body.logprobs ?? 0);
    const choices = texts.map((text, index) =>
      route === "chat"
        ? { index, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: wantLogprobs ? chatLogprobs(text, topK) : null }
        : { index, text, finish_reason: "stop", logprobs: wantLogprobs ? completionLogprobs(text, topK) : null },
    );
    return {
      id,
      object: route === "chat" ? "chat.completion" : "text_completion",
      created,
      model,
      system_fingerprint: null,
      choices,
      usage: usage ? { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } : null,
    };
  }

  private embeddings(body: Record<string, unknown>, model: string): unknown {
    const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? "")];
    const dims = typeof body.dimensions === "number" ? body.dimensions : (this.options.embeddingDimensions ?? 8);
    const base64 = body.encoding_format === "base64";
    return {
      object: "list",
      model,
      data: inputs.map((text, index) => {
        const vector = fakeEmbedding(text, dims);
        return { object: "embedding", index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector };
      }),
      usage: { prompt_tokens: inputs.reduce((s, t) => s + countWords(t), 0), total_tokens: inputs.reduce((s, t) => s + countWords(t), 0) },
    };
  }

  private hub(path: string, res: ServerResponse, finish: (status: number) => void): void {
    if (path === "/api/whoami-v2") return sendJson(res, 200, { type: "user", name: "fake-user" }, finish);
    const endpoint = /^\/v2\/endpoint\/([^/]+)\/([^/]+)$/.exec(path);
    if (endpoint) {
      const [, namespace, name] = endpoint;
      return sendJson(res, 200, { name, namespace, status: { state: "running", url: `${this.url}/endpoints/${namespace}/${name}` } }, finish);
    }
    const model = /^\/api\/models\/(.+)$/.exec(path)?.[1];
    if (model) {
      return sendJson(
        res,
        200,
        { id: model, inferenceProviderMapping: { "hf-inference": { status: "live", providerId: model, task: "text-generation" } } },
        finish,
      );
    }
    return sendJson(res, 404, { error: `fake server has no route ${path}` }, finish);
  }

  private control(path: string, body: unknown, res: ServerResponse, finish: (status: number) => void): void {
    if (path === "/__fake/health") return sendJson(res, 200, { ok: true }, finish);
    if (path === "/__fake/reset") {
      this.reset();
      return sendJson(res, 200, { ok: true }, finish);
    }
    if (path === "/__fake/requests") {
      return sendJson(res, 200, { peak_in_flight: this.peak, requests: this.requests.filter((r) => r.route !== "control") }, finish);
    }
    if (path === "/__fake/batches") {
      // A body configures the Batch API (`polls_to_complete`, `hold`); the answer lists its batches.
      if (body && typeof body === "object") this.batchApi.configure(body as Partial<FakeBatchSettings>);
      return sendJson(res, 200, { settings: this.batchApi.settings, batches: [...this.batchApi.batches.values()] }, finish);
    }
    if (path === "/__fake/script") {
      const spec = (body ?? {}) as { behaviours?: FakeBehaviour[]; match?: string; repeat_last?: boolean; always?: FakeBehaviour | null };
      if (spec.always !== undefined) this.always(spec.always ?? undefined);
      if (spec.behaviours && spec.match !== undefined) this.scriptFor(spec.match, spec.behaviours, { repeatLast: spec.repeat_last === true });
      else if (spec.behaviours) this.script(...spec.behaviours);
      return sendJson(res, 200, { ok: true }, finish);
    }
    return sendJson(res, 404, { error: `unknown control route ${path}` }, finish);
  }
}

/** Starts a fake server on a free loopback port (or `options.port`). */
export async function startFakeOpenAIServer(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  return new FakeOpenAIServer(options).start();
}

function routeOf(path: string): FakeRoute | undefined {
  if (path.startsWith("/__fake/")) return "control";
  if (/\/(files|batches)(\/|$)/.test(path)) return "batch";
  if (path.endsWith("/chat/completions")) return "chat";
  if (path.endsWith("/completions")) return "completions";
  if (path.endsWith("/embeddings")) return "embeddings";
  if (path.endsWith("/messages")) return "messages";
  if (path.startsWith("/api/") || path.startsWith("/v2/endpoint/")) return "hub";
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, status: number, payload: unknown, finish: (status: number) => void, headers: Record<string, string> = {}): void {
  finish(status);
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(payload));
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
