// Secrets and optional bindings the Worker reads when present (set with `wrangler secret put`
// or `.dev.vars`). `wrangler types` only sees what wrangler.toml declares.
declare namespace Cloudflare {
  interface Env {
    /** When set, every /v1 route requires `Authorization: Bearer <API_TOKEN>`. */
    API_TOKEN?: string;
    OPENAI_API_KEY?: string;
    OPENAI_BASE_URL?: string;
    HF_TOKEN?: string;
    HF_ENDPOINT?: string;
    ANTHROPIC_API_KEY?: string;
    AZURE_OPENAI_API_KEY?: string;
    /** Workers AI, when `[ai] binding = "AI"` is configured. */
    AI?: unknown;
  }
}
