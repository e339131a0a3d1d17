/** Browser module: the page's entry point, wiring and polling. Served as `/dashboard/app.js`. */
export const APP_JS = String.raw`import { ApiError, getJson, postJson, runPath } from "./api.js";
import { byId, h, show } from "./dom.js";
import { leafPreviews } from "./previews.js";
import { isTerminal } from "./progress.js";
import { runDetail } from "./run-detail.js";
import { loadRuns } from "./run-list.js";
import { bindStartForm, loadPipelines } from "./start-form.js";
import { currentKeep, currentToken, forgetToken, useToken } from "./token.js";

// Wires the page: the selected run is in the URL fragment (never sent to the server), the
// run is polled while it moves, the run list a little less often.
const RUN_POLL_MS = 1000;
const LIST_POLL_MS = 4000;
const viewer = h("div", { class: "viewer" });
let selected = new URLSearchParams(location.hash.slice(1)).get("run");
let runTimer = null;
let shownTerminal = null;

function notice(text) {
  const box = byId("notice");
  box.hidden = !text;
  box.textContent = text || "";
}

function explain(error) {
  if (error instanceof ApiError && error.status === 401) return "This Worker needs its API token: enter it above. (" + error.message + ")";
  return error.message;
}

function controls(run) {
  const act = (label, action) =>
    h("button", {
      type: "button",
      class: "quiet",
      text: label,
      onclick: async () => {
        try {
          await postJson(runPath(run.id, "/" + action), {});
          refreshRun();
        } catch (error) {
          notice(explain(error));
        }
      },
    });
  if (run.status === "running" || run.status === "pending") return act("Stop", "stop");
  if (run.status === "stopped" || run.status === "failed") return act("Resume", "resume");
  return null;
}

async function refreshRun() {
  clearTimeout(runTimer);
  if (!selected) return;
  const id = selected;
  try {
    const run = await getJson(runPath(id));
    if (id !== selected) return;
    const pane = byId("run");
    if (isTerminal(run) && shownTerminal === run.id + run.updated_at) return;
    show(pane, runDetail(run, viewer), h("div", { class: "run-actions" }, controls(run)));
    if (!isTerminal(run)) {
      runTimer = setTimeout(refreshRun, RUN_POLL_MS);
      return;
    }
    shownTerminal = run.id + run.updated_at;
    refreshList();
    if (run.status === "succeeded") {
      const previews = h("div", { class: "previews" }, h("p", { class: "muted", text: "Loading rows\u2026" }));
      pane.append(h("h3", { text: "Datasets" }), previews);
      try {
        show(previews, await leafPreviews(id));
      } catch (error) {
        show(previews, h("p", { class: "error", text: "Rows could not be read: " + explain(error) }));
      }
    }
    notice("");
  } catch (error) {
    notice(explain(error));
    runTimer = setTimeout(refreshRun, RUN_POLL_MS * 3);
  }
}

function select(id) {
  selected = id;
  shownTerminal = null;
  show(viewer);
  history.replaceState(null, "", "#run=" + encodeURIComponent(id));
  refreshRun();
  refreshList();
}

async function refreshList() {
  try {
    await loadRuns(selected, select);
    notice("");
  } catch (error) {
    notice(explain(error));
  }
}

async function refreshAll() {
  await refreshList();
  try {
    await loadPipelines();
  } catch (error) {
    notice(explain(error));
  }
  refreshRun();
}

function bindToken() {
  byId("token").value = currentToken();
  byId("token-keep").value = currentKeep();
  byId("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    useToken(byId("token").value, byId("token-keep").value);
    refreshAll();
  });
  byId("token-forget").addEventListener("click", () => {
    forgetToken();
    byId("token").value = "";
    byId("token-keep").value = "memory";
  });
}

bindToken();
bindStartForm(select);
refreshAll();
setInterval(refreshList, LIST_POLL_MS);
window.addEventListener("hashchange", () => {
  const id = new URLSearchParams(location.hash.slice(1)).get("run");
  if (id && id !== selected) select(id);
});
`;
