/** Browser module: the form that starts a registered pipeline. Served as `/dashboard/start-form.js`. */
export const START_FORM_JS = String.raw`import { getJson, postJson } from "./api.js";
import { byId, h, show } from "./dom.js";

// Starts a registered pipeline: parameters are JSON nested per step, as in distilabel's
// pipeline.run(parameters=...); the help lists each step's runtime parameters.
let pipelines = [];

function parameterHelp(pipeline) {
  return pipeline.steps.map((step) =>
    h(
      "div",
      { class: "param-step" },
      h("strong", { text: step.name }),
      h("span", { class: "muted", text: " " + step.type }),
      h("ul", {}, step.runtime_parameters_info.map((p) => h("li", {}, h("code", { text: p.name }), p.description ? " " + p.description : ""))),
    ),
  );
}

function describe() {
  const pipeline = pipelines.find((p) => p.name === byId("start-pipeline").value);
  if (!pipeline) return;
  byId("start-description").textContent = pipeline.description || "";
  show(byId("start-parameters-help"), parameterHelp(pipeline));
  const defaults = pipeline.default_parameters || {};
  byId("start-parameters").value = JSON.stringify(defaults, null, 2);
}

export async function loadPipelines() {
  ({ pipelines } = await getJson("/v1/pipelines"));
  const select = byId("start-pipeline");
  const chosen = select.value;
  show(select, pipelines.map((p) => h("option", { value: p.name, text: p.name })));
  if (pipelines.some((p) => p.name === chosen)) select.value = chosen;
  describe();
}

export function bindStartForm(onStarted) {
  byId("start-pipeline").addEventListener("change", describe);
  byId("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const message = byId("start-message");
    message.className = "message";
    let parameters;
    try {
      parameters = JSON.parse(byId("start-parameters").value || "{}");
    } catch (error) {
      message.className = "message error";
      message.textContent = "Parameters are not valid JSON: " + error.message;
      return;
    }
    byId("start-submit").disabled = true;
    message.textContent = "Starting\u2026";
    try {
      const started = await postJson("/v1/runs", {
        pipeline: byId("start-pipeline").value,
        parameters,
        use_cache: byId("start-use-cache").checked,
        dry_run: byId("start-dry-run").checked,
      });
      message.textContent = (started.cached ? "Served from the cache: " : "Started ") + started.id;
      onStarted(started.id);
    } catch (error) {
      message.className = "message error";
      message.textContent = error.message;
    } finally {
      byId("start-submit").disabled = false;
    }
  });
}
`;
