import type { FakeBehaviour } from "./fake-openai-server.js";

/**
 * The Batch API of the OpenAI stand-in: files (`POST /v1/files` multipart with purpose `batch`,
 * `GET /v1/files/{id}/content`) and batches (`POST /v1/batches`, `GET /v1/batches/{id}`,
 * `POST /v1/batches/{id}/cancel`). A batch moves validating -> in_progress -> finalizing ->
 * completed, one step per look-up, unless held; when it completes each request line is answered
 * as the server answers an online chat call (scripts apply: a line scripted with an error goes to
 * the error file), and the output file lists the lines in reverse order, as real batches do not
 * keep the input order.
 */

export interface FakeBatchSettings {
  /** Look-ups (`GET /v1/batches/{id}`) a batch takes to complete. */
  polls_to_complete: number;
  /** Keeps every batch `in_progress` until released (`hold: false`). */
  hold: boolean;
}

export interface FakeBatch {
  id: string;
  input_file_id: string;
  endpoint: string;
  metadata: Record<string, string>;
  status: string;
  polls: number;
  output_file_id: string | null;
  error_file_id: string | null;
  request_counts: { total: number; completed: number; failed: number };
  created_at: number;
}

interface FakeFile {
  id: string;
  filename: string;
  purpose: string;
  content: string;
}

/** How the server answers one request line: its behaviour, and the response body of a reply. */
export type BatchLineAnswer = (body: Record<string, unknown>) => { behaviour: FakeBehaviour; reply: () => unknown };

export interface BatchApiResponse {
  status: number;
  body: unknown;
  /** Sent as it is (file contents), else as JSON. */
  text?: string;
}

const PROGRESSION = ["validating", "in_progress", "finalizing", "completed"];

export class FakeBatchApi {
  readonly files = new Map<string, FakeFile>();
  readonly batches = new Map<string, FakeBatch>();
  settings: FakeBatchSettings = { polls_to_complete: 3, hold: false };
  private counter = 0;

  constructor(private readonly answer: BatchLineAnswer) {}

  reset(): void {
    this.files.clear();
    this.batches.clear();
    this.settings = { polls_to_complete: 3, hold: false };
  }

  configure(settings: Partial<FakeBatchSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  async handle(method: string, path: string, raw: string, contentType: string): Promise<BatchApiResponse> {
    const parts = path.replace(/^.*?\/(files|batches)/, "$1").split("/");
    const [collection, id, action] = parts;
    if (collection === "files") {
      if (method === "POST" && !id) return this.upload(raw, contentType);
      const file = id ? this.files.get(id) : undefined;
      if (!file) return notFound(`file ${id}`);
      if (action === "content") return { status: 200, body: null, text: file.content };
      return { status: 200, body: fileObject(file) };
    }
    if (method === "POST" && !id) return this.create(raw);
    const batch = id ? this.batches.get(id) : undefined;
    if (!batch) return notFound(`batch ${id}`);
    if (method === "POST" && action === "cancel") {
      batch.status = "cancelled";
      return { status: 200, body: batch };
    }
    this.advance(batch);
    return { status: 200, body: batch };
  }

  private async upload(raw: string, contentType: string): Promise<BatchApiResponse> {
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const file = form.get("file") as unknown;
    if (!(file instanceof File)) return { status: 400, body: { error: { message: "fake: no file part" } } };
    if (form.get("purpose") !== "batch")
      return { status: 400, body: { error: { message: `fake: purpose must be batch, got ${String(form.get("purpose"))}` } } };
    const stored: FakeFile = { id: `file-fake-${++this.counter}`, filename: file.name, purpose: "batch", content: await file.text() };
    this.files.set(stored.id, stored);
    return { status: 200, body: fileObject(stored) };
  }

  private create(raw: string): BatchApiResponse {
    const body = JSON.parse(raw) as { input_file_id?: string; endpoint?: string; metadata?: Record<string, string> };
    const input = body.input_file_id ? this.files.get(body.input_file_id) : undefined;
    if (!input) return { status: 400, body: { error: { message: `fake: unknown input_file_id ${body.input_file_id}` } } };
    const lines = input.content.split("\n").filter((l) => l.trim() !== "");
    const batch: FakeBatch = {
      id: `batch_fake_${++this.counter}`,
      input_file_id: input.id,
      endpoint: body.endpoint ?? "",
      metadata: body.metadata ?? {},
      status: "validating",
      polls: 0,
      output_file_id: null,
      error_file_id: null,
      request_counts: { total: lines.length, completed: 0, failed: 0 },
      created_at: Math.floor(Date.now() / 1000),
    };
    this.batches.set(batch.id, batch);
    return { status: 200, body: batch };
  }

  private advance(batch: FakeBatch): void {
    if (!PROGRESSION.includes(batch.status) || batch.status === "completed") return;
    batch.polls++;
    if (this.settings.hold) {
      batch.status = "in_progress";
      return;
    }
    const step = Math.min(PROGRESSION.length - 1, Math.ceil((batch.polls * (PROGRESSION.length - 1)) / Math.max(1, this.settings.polls_to_complete)));
    batch.status = PROGRESSION[step] as string;
    if (batch.status === "completed") this.complete(batch);
  }

  /** Answers every request line; failed ones go to the error file. */
  private complete(batch: FakeBatch): void {
    const input = this.files.get(batch.input_file_id) as FakeFile;
    const output: string[] = [];
    const errors: string[] = [];
    for (const raw of input.content.split("\n")) {
      if (raw.trim() === "") continue;
      const line = JSON.parse(raw) as { custom_id: string; body: Record<string, unknown> };
      const { behaviour, reply } = this.answer(line.body);
      const id = `batch_req_${++this.counter}`;
      if (behaviour.kind === "error") {
        const error = { message: behaviour.message ?? `fake error ${behaviour.status}`, type: "invalid_request_error" };
        errors.push(
          JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: behaviour.status, request_id: id, body: { error } }, error: null }),
        );
      } else {
        output.push(JSON.stringify({ id, custom_id: line.custom_id, response: { status_code: 200, request_id: id, body: reply() }, error: null }));
      }
    }
    output.reverse();
    batch.request_counts = { total: output.length + errors.length, completed: output.length, failed: errors.length };
    batch.output_file_id = this.storeResult(batch, "output", output);
    batch.error_file_id = errors.length > 0 ? this.storeResult(batch, "errors", errors) : null;
  }

  private storeResult(batch: FakeBatch, kind: string, lines: string[]): string {
    const file: FakeFile = {
      id: `file-fake-${++this.counter}`,
      filename: `${batch.id}_${kind}.jsonl`,
      purpose: `batch_${kind}`,
      content: lines.map((l) => `${l}\n`).join(""),
    };
    this.files.set(file.id, file);
    return file.id;
  }
}

function fileObject(file: FakeFile): Record<string, unknown> {
  return {
    id: file.id,
    object: "file",
    bytes: file.content.length,
    created_at: Math.floor(Date.now() / 1000),
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
  };
}

function notFound(what: string): BatchApiResponse {
  return { status: 404, body: { error: { message: `fake: no ${what}` } } };
}
