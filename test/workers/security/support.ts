import { expect, inject } from "vitest";
import type { ReceivedRequest } from "../../support/attacker-server.js";

/** The secrets of the deployment under test: none may ever reach the attacker. */
export const SECRETS = {
  API_TOKEN: "api-token-0123456789-never-leaves",
  OPENAI_API_KEY: "sk-openai-0123456789-never-leaves",
  HF_TOKEN: "hf_token0123456789neverleaves",
  ANTHROPIC_API_KEY: "sk-ant-0123456789-never-leaves",
} as const;

export const attackerOrigin = (): string => inject("attackerOrigin");

/** What the attacker's server has received so far. */
export async function received(): Promise<ReceivedRequest[]> {
  return (await (await fetch(`${attackerOrigin()}/__received`)).json()) as ReceivedRequest[];
}

/** The invariant of every case: no secret value in any URL, header or body the attacker got. */
export async function expectNoSecretReceived(): Promise<void> {
  const text = JSON.stringify(await received());
  for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${name} reached the attacker`).toBe(false);
}

/** The error of a refused request: its status, code and message. */
export async function refusal(response: Response): Promise<{ status: number; code: string; message: string; details: Record<string, unknown> }> {
  const body = (await response.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } };
  return { status: response.status, code: body.error.code, message: body.error.message, details: body.error.details ?? {} };
}
