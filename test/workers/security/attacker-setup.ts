import type { TestProject } from "vitest/node";
import { startAttackerServer } from "../../support/attacker-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    attackerOrigin: string;
  }
}

/** Starts the attacker's loopback server in Node (workerd cannot listen) for the security tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const attacker = await startAttackerServer();
  project.provide("attackerOrigin", attacker.origin);
  return () => attacker.close();
}
