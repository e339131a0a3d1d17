/** Browser module: run files fetched with the token (text shown, Parquet downloaded). Served as `/dashboard/files.js`. */
export const FILES_JS = String.raw`import { getBlob, getText } from "./api.js";
import { h, show } from "./dom.js";

// Files of a run are fetched with the token, never by plain links (a link cannot carry an
// Authorization header): text is shown in the page, Parquet is saved as a download.
function fileLink(label, path, open) {
  const onclick = (event) => {
    event.preventDefault();
    open();
  };
  return h("a", { href: path, class: "file-link", onclick, text: label });
}

export function textLink(label, path, viewer) {
  return fileLink(label, path, async () => {
    show(viewer, h("p", { class: "muted", text: "Loading " + label + "\u2026" }));
    try {
      const text = await getText(path);
      show(viewer, h("div", { class: "viewer-head" }, h("strong", { text: label }), h("button", { type: "button", class: "quiet", text: "Close", onclick: () => show(viewer) })), h("pre", { class: "viewer-text", text }));
    } catch (error) {
      show(viewer, h("p", { class: "error", text: label + ": " + error.message }));
    }
  });
}

export function downloadLink(label, path, filename) {
  return fileLink(label, path, async () => {
    const url = URL.createObjectURL(await getBlob(path));
    const anchor = h("a", { href: url, download: filename });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
}
`;
