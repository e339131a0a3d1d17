/**
 * A live view of runs for a browser: polls the v1 API every two seconds. Plain HTML and a
 * little script, no build step; the API token (when the Worker has one) stays in localStorage.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>distilflare runs</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e5e5ea; }
  tr.run { cursor: pointer; } tr.run:hover { background: #f5f5f7; }
  .bar { background: #e5e5ea; border-radius: 3px; height: .6rem; width: 12rem; display: inline-block; vertical-align: middle; }
  .bar > span { background: #0a84ff; display: block; height: 100%; border-radius: 3px; }
  .status-succeeded { color: #248a3d; } .status-failed { color: #d70015; } .status-running { color: #0a84ff; }
  #token { width: 20rem; } .muted { color: #6e6e73; } code { font-size: 12px; }
</style>
</head>
<body>
<h1>distilflare runs</h1>
<p class="muted">API token (only if the Worker sets API_TOKEN): <input id="token" type="password" autocomplete="off"></p>
<table><thead><tr><th>run</th><th>pipeline</th><th>status</th><th>created</th></tr></thead><tbody id="runs"></tbody></table>
<div id="run"></div>
<script>
const tokenInput = document.getElementById("token");
tokenInput.value = localStorage.getItem("distilflare-token") || "";
tokenInput.onchange = () => { localStorage.setItem("distilflare-token", tokenInput.value); refresh(); };
let selected = new URLSearchParams(location.search).get("run");
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
async function api(path) {
  const headers = tokenInput.value ? { authorization: "Bearer " + tokenInput.value } : {};
  const response = await fetch(path, { headers });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}
async function refresh() {
  try {
    const { runs } = await api("/v1/runs?limit=20");
    document.getElementById("runs").innerHTML = runs.map((r) =>
      '<tr class="run" data-id="' + esc(r.id) + '"><td><code>' + esc(r.id) + '</code></td><td>' + esc(r.name) + '</td><td class="status-' + esc(r.status) + '">' + esc(r.status) + (r.dry_run ? " (dry run)" : "") + '</td><td>' + esc(r.created_at) + '</td></tr>').join("");
    for (const row of document.querySelectorAll("tr.run")) row.onclick = () => { selected = row.dataset.id; history.replaceState(null, "", "?run=" + selected); refresh(); };
    if (selected) showRun(await api("/v1/runs/" + encodeURIComponent(selected)));
  } catch (error) {
    document.getElementById("run").innerHTML = '<p class="status-failed">' + esc(error.message) + '</p>';
  }
}
function showRun(run) {
  const steps = Object.entries(run.steps).map(([name, s]) => {
    const pct = s.batches_sent ? Math.round((100 * s.batches_done) / s.batches_sent) : 0;
    return '<tr><td>' + esc(name) + '</td><td>' + esc(s.status) + '</td><td><span class="bar"><span style="width:' + pct + '%"></span></span> ' + s.batches_done + '/' + s.batches_sent + '</td><td>' + s.rows_in + '</td><td>' + s.rows_out + '</td><td>' + s.errors + '</td></tr>';
  }).join("");
  const base = "/v1/runs/" + encodeURIComponent(run.id);
  const errors = (run.errors || []).slice(-5).map((e) => '<li>' + esc(e.step) + ': ' + esc(e.message) + '</li>').join("");
  document.getElementById("run").innerHTML =
    '<h2>' + esc(run.name) + ' <span class="status-' + esc(run.status) + '">' + esc(run.status) + '</span></h2>' +
    (run.error ? '<p class="status-failed">' + esc(run.error.message) + '</p>' : "") +
    '<table><thead><tr><th>step</th><th>status</th><th>batches</th><th>rows in</th><th>rows out</th><th>errors</th></tr></thead><tbody>' + steps + '</tbody></table>' +
    (errors ? '<p>Latest errors (' + run.error_count + ' in all):</p><ul>' + errors + '</ul>' : "") +
    '<p><a href="' + base + '/distiset">Distiset manifest</a> · <a href="' + base + '/rows">rows</a> · <a href="' + base + '/logs">log</a> · <a href="' + base + '/pipeline.yaml">pipeline.yaml</a> · <a href="' + base + '/README.md">dataset card</a></p>';
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;
