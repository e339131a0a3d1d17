/** Browser module: the first rows of every leaf dataset. Served as `/dashboard/previews.js`. */
export const PREVIEWS_JS = String.raw`import { getJson, runPath } from "./api.js";
import { h } from "./dom.js";
import { downloadLink } from "./files.js";

// The first rows of every leaf dataset (one Distiset config per leaf step), from /rows,
// with the config's Parquet files to download.
const PREVIEW_ROWS = 5;
const CELL_CHARS = 160;

function cell(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const shown = text === undefined ? "" : text.length > CELL_CHARS ? text.slice(0, CELL_CHARS - 1) + "\u2026" : text;
  return h("td", { title: text && text.length > CELL_CHARS ? text.slice(0, 2000) : null, text: shown });
}

function rowsTable(columns, rows) {
  return h(
    "div",
    { class: "table-scroll" },
    h("table", { class: "rows" }, h("thead", {}, h("tr", {}, columns.map((c) => h("th", { text: c })))), h("tbody", {}, rows.map((row) => h("tr", {}, columns.map((c) => cell(row[c])))))),
  );
}

export async function leafPreviews(runId) {
  const manifest = await getJson(runPath(runId, "/distiset"));
  const sections = [];
  for (const [config, entry] of Object.entries(manifest.configs)) {
    for (const [split, info] of Object.entries(entry.splits)) {
      const page = await getJson(runPath(runId, "/rows?config=" + encodeURIComponent(config) + "&split=" + encodeURIComponent(split) + "&length=" + PREVIEW_ROWS));
      const columns = entry.columns && entry.columns.length ? entry.columns : Object.keys(page.rows[0] || {});
      const files = info.files.map((file) => downloadLink(file.path.split("/").at(-1), file.path, config + "-" + split + "-" + file.path.split("/").at(-1)));
      sections.push(
        h(
          "section",
          { class: "preview", "data-config": config },
          h("h3", {}, config + " / " + split + " ", h("span", { class: "muted small", text: info.num_rows + " rows" })),
          h("p", { class: "small" }, "Parquet: ", files),
          rowsTable(columns, page.rows),
        ),
      );
    }
  }
  return sections;
}
`;
