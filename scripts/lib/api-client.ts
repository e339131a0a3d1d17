/** A tiny client of the v1 API for end-to-end tests and the demo. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { ...init, headers: { ...this.headers(), ...((init.headers as Record<string, string>) ?? {}) } });
  }

  async json<T = Record<string, unknown>>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
    const response = await this.request(path, init);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<{ status: number; body: T }> {
    return this.json<T>(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  async waitForRun(
    id: string,
    options: { timeoutMs?: number; until?: string[]; onProgress?: (run: Record<string, unknown>) => void } = {},
  ): Promise<Record<string, unknown>> {
    const until = options.until ?? ["succeeded", "failed", "stopped"];
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const { status, body } = await this.json<Record<string, unknown>>(`/v1/runs/${id}`);
      if (status === 200) {
        options.onProgress?.(body);
        if (until.includes(String(body.status))) return body;
      }
      if (Date.now() > deadline) throw new Error(`run ${id} did not reach ${until.join("/")}: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
