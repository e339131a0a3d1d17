/** Browser module: one run (progress, DAG, steps, failures, links). Served as `/dashboard/run-detail.js`. */
export const RUN_DETAIL_JS = String.raw`import { runPath } from "./api.js";
import { h, progressBar, statusBadge } from "./dom.js";
import { dagView } from "./dag.js";
import { textLink } from "./files.js";
import { runPercent, stepPercent } from "./progress.js";

// One run: status and overall progress, its DAG, per-step counters, failures, and links to
// its files. The leaf previews are added by the caller once the run has succeeded.
function stepTable(run) {
  const rows = Object.entries(run.steps).map(([name, step]) =>
    h(
      "tr",
      { class: "step status-" + step.status, "data-step": name },
      h("td", { text: name }),
      h("td", {}, statusBadge(step.status)),
      h("td", { class: "progress-cell" }, progressBar(stepPercent(step), name + " progress"), h("span", { class: "small muted", text: " " + step.batches_done + "/" + step.batches_sent + " batches" })),
      h("td", { class: "num", text: step.rows_in }),
      h("td", { class: "num", text: step.rows_out }),
      h("td", { class: "num" + (step.errors ? " error" : ""), text: step.errors }),
      h("td", { class: "num", text: stepTokens(step) }),
      h("td", { class: "num" + (step.failed_rows ? " error" : ""), text: step.failed_rows || 0 }),
    ),
  );
  return h(
    "table",
    { class: "steps" },
    h("thead", {}, h("tr", {}, ["step", "status", "progress", "rows in", "rows out", "errors", "tokens", "null rows"].map((c) => h("th", { text: c })))),
    h("tbody", {}, rows),
  );
}

// LLM calls, tokens and cost so far (the run view's usage; cost is null for models without a price).
function usageLine(run) {
  const u = run.usage;
  if (!u || u.requests + u.cached_requests === 0) return null;
  const cost = u.cost_usd === null ? "cost unknown" : "$" + u.cost_usd.toFixed(4);
  return h(
    "p",
    { id: "run-usage", class: "small" },
    "LLM: " + u.requests + " requests (" + u.cached_requests + " cached) \u00b7 " + u.input_tokens + " input / " + u.output_tokens + " output tokens \u00b7 " + cost,
  );
}

// Why a stopping or stopped run stopped, and its budget, if it has one.
function stopLine(run) {
  const limits = [];
  if (run.budget && run.budget.max_requests !== null) limits.push("max_requests " + run.budget.max_requests);
  if (run.budget && run.budget.max_cost_usd !== null) limits.push("max_cost_usd $" + run.budget.max_cost_usd);
  const stopped = run.stop && (run.status === "stopping" || run.status === "stopped");
  if (!stopped && limits.length === 0) return null;
  return h(
    "p",
    { id: "run-stop", class: "small" },
    stopped ? h("strong", { text: "Stopped (" + run.stop.reason + "): " }) : null,
    stopped ? run.stop.message : "",
    limits.length > 0 ? (stopped ? " \u00b7 " : "") + "budget: " + limits.join(", ") : "",
  );
}

// Provider batch jobs the run waits on (offline batch generation): the provider's status and counts.
function batchJobs(run) {
  const jobs = run.offline_batches || [];
  if (jobs.length === 0) return null;
  return h(
    "ul",
    { id: "run-batch-jobs", class: "small" },
    jobs.map((j) =>
      h("li", {}, "batch job ", h("code", { text: j.job_id }), " (" + j.step + " #" + j.seq_no + "): " + j.status + ", " + j.counts.completed + "/" + j.counts.total + " done" + (j.counts.failed > 0 ? ", " + j.counts.failed + " failed" : "")),
    ),
  );
}

function stepTokens(step) {
  return step.usage ? step.usage.input_tokens + step.usage.output_tokens : 0;
}

function failures(run) {
  if (!run.error && run.errors.length === 0) return null;
  return h(
    "section",
    { class: "failures" },
    h("h3", { text: "Failures (" + run.error_count + ")" }),
    run.error ? h("p", { class: "error" }, h("strong", { text: run.error.code + ": " }), run.error.message) : null,
    h(
      "ul",
      {},
      run.errors
        .slice()
        .reverse()
        .map((e) => h("li", {}, h("strong", { text: (e.step || "run") + (e.seq_no !== undefined ? " #" + e.seq_no : "") + " " }), h("code", { text: e.code }), " " + e.message)),
    ),
  );
}

export function runDetail(run, viewer) {
  const percent = runPercent(run);
  const succeeded = run.status === "succeeded";
  return [
    h(
      "div",
      { class: "run-head" },
      h("h2", {}, run.name + " ", statusBadge(run.status), run.dry_run ? h("span", { class: "badge", text: "dry run" }) : null),
      h("p", { class: "muted small" }, h("code", { text: run.id }), " \u00b7 started " + new Date(run.created_at).toLocaleString() + " \u00b7 updated " + new Date(run.updated_at).toLocaleString()),
      h("div", { class: "overall status-" + run.status }, progressBar(percent, "run progress"), h("span", { id: "run-percent", class: "percent", text: percent + "%" })),
      usageLine(run),
      stopLine(run),
      batchJobs(run),
    ),
    h("div", { class: "dag-scroll" }, dagView(run)),
    stepTable(run),
    failures(run),
    h(
      "p",
      { class: "links" },
      textLink("pipeline.yaml", runPath(run.id, "/pipeline.yaml"), viewer),
      textLink("logs", runPath(run.id, "/logs"), viewer),
      succeeded ? textLink("dataset card", runPath(run.id, "/README.md"), viewer) : null,
    ),
    viewer,
  ];
}
`;
