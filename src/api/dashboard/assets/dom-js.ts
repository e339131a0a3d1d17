/** Browser module: DOM and SVG builders; text only through textContent. Served as `/dashboard/dom.js`. */
export const DOM_JS = String.raw`// Builds DOM nodes from data: text always goes through textContent, so nothing a run
// carries (step names, error messages, rows) is ever parsed as HTML.
const SVG_NS = "http://www.w3.org/2000/svg";

function fill(node, props, children) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function h(tag, props, ...children) {
  return fill(document.createElement(tag), props, children);
}

export function svg(tag, props, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), props, children);
}

export function byId(id) {
  return document.getElementById(id);
}

export function show(parent, ...children) {
  parent.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

export function progressBar(percent, label) {
  const fillBar = h("span", { class: "bar-fill" });
  fillBar.style.width = Math.max(0, Math.min(100, percent)) + "%";
  return h("span", { class: "bar", role: "progressbar", "aria-valuenow": Math.round(percent), "aria-valuemin": 0, "aria-valuemax": 100, "aria-label": label }, fillBar);
}

export function statusBadge(status) {
  return h("span", { class: "badge status-" + status, text: status });
}
`;
