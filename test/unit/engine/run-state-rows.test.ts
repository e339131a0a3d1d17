import { describe, expect, it } from "vitest";
import type { RunState } from "../../../src/engine/run-state.js";
import { stateChanges, stateFromRows, type RowChanges, type RowKey, type StoredRow } from "../../../src/engine/run-state-rows.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";

/** A storage stand-in: rows by key, values as JSON text (as the Durable Object keeps them). */
class Rows {
  readonly values = new Map<string, { key: RowKey; json: string }>();
  writes = 0;

  apply(changes: RowChanges): void {
    for (const { key, value } of changes.put) {
      this.values.set(id(key), { key, json: JSON.stringify(value) });
      this.writes++;
    }
    for (const key of changes.delete) this.values.delete(id(key));
  }

  read(): StoredRow[] {
    return [...this.values.values()].map(({ key, json }) => ({ ...key, value: JSON.parse(json) as unknown }));
  }

  largest(): number {
    return Math.max(...[...this.values.values()].map((v) => v.json.length));
  }
}

const id = (key: RowKey) => JSON.stringify([key.kind, key.name, key.part, key.seq]);

/** gen (batch_size 2) -> global step -> leaf. */
const globalPlan = () =>
  plan(
    dagSpec(
      [dagStep("gen", "generator", { batchSize: 2 }), dagStep("all", "global"), dagStep("leaf", "normal", { inputBatchSize: 5 })],
      [
        ["gen", "all"],
        ["all", "leaf"],
      ],
    ),
  );

/** Drives the sim, persisting every transition as row changes, and checks storage reproduces the state. */
function persisted(sim: EngineSim, rows: Rows, steps: number): void {
  let previous: RunState | undefined;
  const persist = () => {
    rows.apply(stateChanges(previous, sim.state));
    previous = sim.state;
  };
  persist();
  for (let i = 0; i < steps && sim.pending.length > 0; i++) {
    sim.deliver(0);
    persist();
    expect(stateFromRows(rows.read())).toEqual(sim.state);
  }
}

describe("run state rows", () => {
  it("reads back every intermediate state of a run with a global step and two stages", () => {
    const sim = new EngineSim(globalPlan(), { generators: { gen: 9 } });
    sim.start();
    const rows = new Rows();
    persisted(sim, rows, 1_000);
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset()).toHaveLength(9);
  });

  it("writes a handful of rows per report however many batches a global step holds", () => {
    const sim = new EngineSim(globalPlan(), { generators: { gen: 4_000 } });
    sim.start();
    const rows = new Rows();
    let previous: RunState | undefined;
    let maxPerReport = 0;
    for (let i = 0; i < 1_990 && sim.pending.length > 0; i++) {
      sim.deliver(0);
      const changes = stateChanges(previous, sim.state);
      if (previous) maxPerReport = Math.max(maxPerReport, changes.put.length + changes.delete.length);
      rows.apply(changes);
      previous = sim.state;
    }
    expect(sim.state.batch_managers.all?.data.gen).toHaveLength(1_990);
    // core, the generator's in-flight request and its work, the new buffered batch
    expect(maxPerReport).toBeLessThanOrEqual(6);
    expect(rows.largest()).toBeLessThan(8_192);
    expect(stateFromRows(rows.read())).toEqual(sim.state);
  });

  it("refuses rows of another layout version", () => {
    const sim = new EngineSim(globalPlan(), { generators: { gen: 3 } });
    sim.start();
    const rows = new Rows();
    rows.apply(stateChanges(undefined, sim.state));
    const stored = rows.read().map((row) => (row.kind === "core" ? { ...row, value: { ...(row.value as object), layout_version: 1 } } : row));
    expect(() => stateFromRows(stored)).toThrow(/layout_version/);
  });
});
