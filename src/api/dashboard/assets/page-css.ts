/** The runs page's stylesheet, served as `/dashboard/page.css`. */
export const PAGE_CSS = `:root {
  --ink: #1c1f24; --muted: #6b7280; --line: #e4e7ec; --panel: #ffffff; --bg: #f4f5f7;
  --blue: #2563eb; --blue-soft: #dbeafe; --green: #15803d; --green-soft: #dcfce7;
  --red: #b91c1c; --red-soft: #fee2e2; --amber: #b45309; --amber-soft: #fef3c7;
  --grey-soft: #eef0f3;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
h1 { font-size: 1.15rem; margin: 0; font-weight: 650; }
h2 { font-size: 1.05rem; margin: 0 0 .6rem; display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; }
h3 { font-size: .95rem; margin: 1.2rem 0 .5rem; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.error { color: var(--red); }
button { font: inherit; border: 1px solid var(--blue); background: var(--blue); color: #fff; border-radius: 6px; padding: .35rem .8rem; cursor: pointer; }
button:disabled { opacity: .6; cursor: progress; }
button.quiet { background: var(--panel); color: var(--ink); border-color: var(--line); }
input, select, textarea { font: inherit; border: 1px solid var(--line); border-radius: 6px; padding: .35rem .5rem; background: #fff; color: var(--ink); }
textarea { width: 100%; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; resize: vertical; }
label { display: block; margin: 0 0 .6rem; font-weight: 500; }
label > select, label > textarea { display: block; width: 100%; margin-top: .25rem; font-weight: 400; }
label.check { display: inline-flex; align-items: center; gap: .3rem; margin-right: 1rem; font-weight: 400; }

.top { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; padding: .8rem 1.5rem; background: var(--panel); border-bottom: 1px solid var(--line); }
.token { display: flex; align-items: center; gap: .5rem; flex-wrap: wrap; }
.token label { display: inline-flex; align-items: center; gap: .4rem; margin: 0; font-weight: 400; color: var(--muted); }
.token input { width: 16rem; }
.layout { display: grid; grid-template-columns: minmax(260px, 340px) minmax(0, 1fr); gap: 1rem; padding: 1rem 1.5rem 2rem; align-items: start; }
@media (max-width: 860px) { .layout { grid-template-columns: 1fr; } }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; margin-bottom: 1rem; }
.side .card h2 { font-size: .95rem; }
.row { margin: 0 0 .6rem; }
.message { min-height: 1.2em; margin: .5rem 0 0; font-size: 12px; color: var(--muted); }
.message.error { color: var(--red); }
.param-step { margin: .4rem 0; } .param-step ul { margin: .2rem 0 0; padding-left: 1.1rem; }
.notice { position: fixed; bottom: 1rem; right: 1rem; max-width: 30rem; margin: 0; padding: .7rem 1rem; border-radius: 8px; background: var(--red-soft); color: var(--red); border: 1px solid #fecaca; }

.runs { list-style: none; margin: 0; padding: 0; max-height: 60vh; overflow: auto; }
.run-item { display: grid; grid-template-columns: 1fr auto; gap: .1rem .5rem; width: 100%; text-align: left; background: none; color: var(--ink); border: 1px solid transparent; border-radius: 8px; padding: .45rem .6rem; }
.run-item:hover { background: var(--grey-soft); }
.run-item.selected { background: var(--blue-soft); border-color: #bfdbfe; }
.run-name { font-weight: 550; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.run-time { grid-column: 1 / -1; }

.badge { display: inline-block; font-size: 11px; font-weight: 600; letter-spacing: .02em; padding: .1rem .5rem; border-radius: 999px; background: var(--grey-soft); color: var(--muted); }
.badge.status-succeeded, .badge.status-finished { background: var(--green-soft); color: var(--green); }
.badge.status-running { background: var(--blue-soft); color: var(--blue); }
.badge.status-failed { background: var(--red-soft); color: var(--red); }
.badge.status-stopped, .badge.status-stopping { background: var(--amber-soft); color: var(--amber); }

.bar { display: inline-block; vertical-align: middle; width: 9rem; height: .5rem; border-radius: 999px; background: var(--grey-soft); overflow: hidden; }
.bar-fill { display: block; height: 100%; background: var(--blue); border-radius: 999px; transition: width .4s ease; }
tr.status-finished .bar-fill, .overall.status-succeeded .bar-fill { background: var(--green); }
tr.status-failed .bar-fill, .overall.status-failed .bar-fill { background: var(--red); }
.overall { display: flex; align-items: center; gap: .7rem; margin: .3rem 0 1rem; }
.overall .bar { flex: 1; max-width: 32rem; height: .7rem; }
.percent { font-weight: 650; font-variant-numeric: tabular-nums; }

.dag-scroll { overflow-x: auto; padding: .3rem 0 .6rem; }
.dag { display: block; max-width: none; }
.dag .edge { fill: none; stroke: #9aa3b2; stroke-width: 1.6; }
.dag .arrow { fill: #9aa3b2; }
.dag .node-box { fill: #fff; stroke: #cfd5de; stroke-width: 1.2; }
.dag .node-name { font-size: 13px; font-weight: 600; fill: var(--ink); }
.dag .node-detail { font-size: 11px; fill: var(--muted); }
.dag .node-track { fill: var(--grey-soft); }
.dag .node-fill { fill: var(--blue); }
.dag .status-finished .node-box { fill: #f3fbf5; stroke: #86d19c; }
.dag .status-finished .node-fill { fill: var(--green); }
.dag .status-running .node-box { fill: #f5f8ff; stroke: #93b4f5; }
.dag .status-failed .node-box { fill: #fff5f5; stroke: #f19999; }
.dag .status-failed .node-fill { fill: var(--red); }
.dag .current .node-box { stroke: var(--blue); stroke-width: 2.4; }

table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.progress-cell { white-space: nowrap; }
.failures { margin-top: 1rem; padding: .2rem .9rem .6rem; border-radius: 8px; background: #fffafa; border: 1px solid #fbd5d5; }
.failures ul { margin: 0; padding-left: 1.1rem; } .failures li { margin: .25rem 0; }
.links { display: flex; gap: 1rem; margin: 1rem 0 .4rem; }
.file-link { color: var(--blue); text-decoration: none; font-weight: 500; }
.file-link:hover { text-decoration: underline; }
.preview .file-link { margin-right: .6rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.viewer-head { display: flex; justify-content: space-between; align-items: center; margin-top: .6rem; }
.viewer-text { max-height: 24rem; overflow: auto; background: #0f172a; color: #e2e8f0; padding: .8rem 1rem; border-radius: 8px; font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; }
.table-scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table.rows td { max-width: 28rem; font-size: 12.5px; white-space: pre-wrap; word-break: break-word; }
table.rows tr:last-child td { border-bottom: 0; }
.run-actions { margin-top: .8rem; }
`;
