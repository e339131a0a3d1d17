/**
 * The runs page: a shell whose parts the modules under `/dashboard/` fill in. Nothing inline
 * (see page-headers.ts), no external origin: the Worker serves everything.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>distilflare runs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/page.css">
<script type="module" src="/dashboard/app.js"></script>
</head>
<body>
<header class="top">
  <h1>distilflare <span class="muted">runs</span></h1>
  <form id="token-form" class="token" autocomplete="off">
    <label>API token <input id="token" type="password" placeholder="only if the Worker sets API_TOKEN" autocomplete="off"></label>
    <label>remember <select id="token-keep" title="Where the token is kept: nowhere but this page's memory, unless you choose">
      <option value="memory">no</option>
      <option value="session">in this tab</option>
      <option value="local">on this device</option>
    </select></label>
    <button type="submit">Use</button>
    <button type="button" id="token-forget" class="quiet">Forget</button>
  </form>
</header>
<main class="layout">
  <aside class="side">
    <section class="card">
      <h2>Start a run</h2>
      <form id="start-form">
        <label>Pipeline <select id="start-pipeline" required></select></label>
        <p id="start-description" class="muted small"></p>
        <label>Parameters (JSON, per step)
          <textarea id="start-parameters" rows="6" spellcheck="false">{}</textarea>
        </label>
        <details id="start-help" class="small"><summary>Runtime parameters</summary><div id="start-parameters-help"></div></details>
        <div class="row">
          <label class="check"><input id="start-use-cache" type="checkbox" checked> use cache</label>
          <label class="check"><input id="start-dry-run" type="checkbox"> dry run</label>
        </div>
        <button type="submit" id="start-submit">Start run</button>
        <p id="start-message" class="message" role="status"></p>
      </form>
    </section>
    <section class="card">
      <h2>Runs</h2>
      <ul id="runs" class="runs"></ul>
    </section>
  </aside>
  <section id="run" class="main card" aria-live="polite">
    <p class="muted">Pick a run, or start one.</p>
  </section>
</main>
<p id="notice" class="notice" role="alert" hidden></p>
</body>
</html>
`;
