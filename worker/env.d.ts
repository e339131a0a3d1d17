// Secrets and optional bindings the Worker reads when present (set with `wrangler secret put`
// or `.dev.vars`). `wrangler types` only sees what wrangler.toml declares.
declare namespace Cloudflare {
  interface Env {
    /** Every /v1 route requires `Authorization: Bearer <API_TOKEN>`; unset, /v1 answers 401. */
    API_TOKEN?: string;
    /** "true" opens /v1 without a token when API_TOKEN is unset (local `wrangler dev` only). */
    ALLOW_UNAUTHENTICATED?: string;
    /** Comma-separated exact origins secrets and calls may go to beyond the providers' own (SECURITY.md). */
    ALLOWED_ORIGINS?: string;
    /** Comma-separated secret names steps may use as `api_key_env` (default: *_API_KEY and HF_TOKEN). */
    PROVIDER_KEYS?: string;
    /** Comma-separated R2 key prefixes loaders may read (default: inputs/,runs/). */
    READABLE_PREFIXES?: string;
    ANTHROPIC_BASE_URL?: string;
    AZURE_OPENAI_ENDPOINT?: string;
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
