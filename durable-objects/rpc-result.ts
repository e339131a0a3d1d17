import { DistilflareError, toDistilflareError, type ErrorCode } from "../src/errors.js";

/** An error as it crosses Durable Object RPC: only serializable fields (details as JSON text). */
export interface RpcError {
  code: ErrorCode;
  message: string;
  details_json?: string;
}

/**
 * Durable Object RPC drops custom error properties, so methods return a result union and the
 * caller turns failures back into a DistilflareError with `unwrap`.
 */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };

export async function rpc<T>(fn: () => Promise<T> | T): Promise<RpcResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    const failure = toDistilflareError(error);
    const out: RpcError = { code: failure.code, message: failure.message };
    if (failure.details !== undefined) out.details_json = JSON.stringify(failure.details);
    return { ok: false, error: out };
  }
}

export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: RpcError }): T {
  if (result.ok) return result.value;
  const details = result.error.details_json === undefined ? undefined : (JSON.parse(result.error.details_json) as Record<string, unknown>);
  throw new DistilflareError(result.error.code, result.error.message, details);
}
