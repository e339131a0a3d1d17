/** Browser module: the latest runs. Served as `/dashboard/run-list.js`. */
export const RUN_LIST_JS = String.raw`import { getJson } from "./api.js";
import { byId, h, show, statusBadge } from "./dom.js";

// The latest runs, newest first; the selected one is marked.
export async function loadRuns(selected, onSelect) {
  const { runs } = await getJson("/v1/runs?limit=30");
  show(
    byId("runs"),
    runs.length === 0
      ? h("li", { class: "muted", text: "No runs yet." })
      : runs.map((run) =>
          h(
            "li",
            {},
            h(
              "button",
              { type: "button", class: "run-item" + (run.id === selected ? " selected" : ""), "data-run": run.id, onclick: () => onSelect(run.id) },
              h("span", { class: "run-name", text: run.name }),
              statusBadge(run.status),
              h("span", { class: "muted small run-time", text: new Date(run.created_at).toLocaleString() + (run.dry_run ? " \u00b7 dry run" : "") }),
            ),
          ),
        ),
  );
}
`;
