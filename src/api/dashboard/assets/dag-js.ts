/** Browser module: the run's DAG drawn as SVG, the running stage highlighted. Served as `/dashboard/dag.js`. */
export const DAG_JS = String.raw`import { svg } from "./dom.js";
import { currentStage, stepPercent } from "./progress.js";

// The run's DAG as SVG: one column per depth (longest path from a generator), edges as
// curves between columns, each node coloured by its status, the running load stage outlined.
const NODE_W = 190;
const NODE_H = 62;
const GAP_X = 70;
const GAP_Y = 22;
const PAD = 12;

function depths(names, connections) {
  const preds = new Map(names.map((n) => [n, []]));
  for (const { from, to } of connections) for (const target of to) if (preds.has(target)) preds.get(target).push(from);
  const depth = new Map();
  const visit = (name, seen) => {
    if (depth.has(name)) return depth.get(name);
    if (seen.has(name)) return 0;
    seen.add(name);
    const d = preds.get(name).reduce((max, p) => Math.max(max, visit(p, seen) + 1), 0);
    depth.set(name, d);
    return d;
  };
  for (const name of names) visit(name, new Set());
  return depth;
}

function layout(run) {
  const names = Object.keys(run.steps);
  const depth = depths(names, run.connections || []);
  const columns = [];
  for (const name of names) (columns[depth.get(name)] ||= []).push(name);
  const tallest = Math.max(...columns.map((c) => c.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  const at = new Map();
  columns.forEach((column, x) => {
    const columnHeight = column.length * NODE_H + (column.length - 1) * GAP_Y;
    const top = (height - columnHeight) / 2;
    column.forEach((name, y) => at.set(name, { x: PAD + x * (NODE_W + GAP_X), y: top + y * (NODE_H + GAP_Y) }));
  });
  return { at, width: PAD * 2 + columns.length * NODE_W + (columns.length - 1) * GAP_X, height };
}

function clip(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
}

function edge(from, to) {
  const x1 = from.x + NODE_W;
  const y1 = from.y + NODE_H / 2;
  const x2 = to.x - 6;
  const y2 = to.y + NODE_H / 2;
  const bend = (x2 - x1) / 2;
  return svg("path", { class: "edge", d: "M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 + " " + x2 + "," + y2, "marker-end": "url(#arrow)" });
}

function node(name, step, where, current) {
  const percent = stepPercent(step);
  const detail = step.status + (step.reused_from ? " (reused)" : "") + " \u00b7 " + step.rows_out + " rows" + (step.errors ? " \u00b7 " + step.errors + " errors" : "");
  return svg(
    "g",
    { class: "node status-" + step.status + (current ? " current" : ""), transform: "translate(" + where.x + "," + where.y + ")", "data-step": name },
    svg("title", { text: name + ": " + detail }),
    svg("rect", { class: "node-box", width: NODE_W, height: NODE_H, rx: 8 }),
    svg("text", { class: "node-name", x: 12, y: 22, text: clip(name, 24) }),
    svg("text", { class: "node-detail", x: 12, y: 40, text: clip(detail, 30) }),
    svg("rect", { class: "node-track", x: 12, y: 48, width: NODE_W - 24, height: 5, rx: 2.5 }),
    svg("rect", { class: "node-fill", x: 12, y: 48, width: ((NODE_W - 24) * percent) / 100, height: 5, rx: 2.5 }),
  );
}

export function dagView(run) {
  const { at, width, height } = layout(run);
  const stage = currentStage(run);
  const running = new Set(stage === null ? [] : run.stages[stage].steps);
  const edges = [];
  for (const { from, to } of run.connections || []) for (const target of to) if (at.has(from) && at.has(target)) edges.push(edge(at.get(from), at.get(target)));
  const nodes = Object.entries(run.steps).map(([name, step]) => node(name, step, at.get(name), running.has(name)));
  return svg(
    "svg",
    { class: "dag", viewBox: "0 0 " + width + " " + height, width, height, role: "img", "aria-label": "Pipeline DAG" },
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { class: "arrow", d: "M 0 0 L 10 5 L 0 10 z" }))),
    edges,
    nodes,
  );
}
`;
