import { DOM_JS } from "./dom-js.js";
import { TOKEN_JS } from "./token-js.js";
import { API_JS } from "./api-js.js";
import { PROGRESS_JS } from "./progress-js.js";
import { DAG_JS } from "./dag-js.js";
import { FILES_JS } from "./files-js.js";
import { PREVIEWS_JS } from "./previews-js.js";
import { RUN_DETAIL_JS } from "./run-detail-js.js";
import { RUN_LIST_JS } from "./run-list-js.js";
import { START_FORM_JS } from "./start-form-js.js";
import { APP_JS } from "./app-js.js";
import { PAGE_CSS } from "./page-css.js";

const JAVASCRIPT = "text/javascript; charset=utf-8";

/**
 * The runs page's files, served by the Worker itself under `/dashboard/` (no build step, no
 * other origin): plain ES modules the browser imports from one another, and the stylesheet.
 */
export const DASHBOARD_ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  "dom.js": { type: JAVASCRIPT, body: DOM_JS },
  "token.js": { type: JAVASCRIPT, body: TOKEN_JS },
  "api.js": { type: JAVASCRIPT, body: API_JS },
  "progress.js": { type: JAVASCRIPT, body: PROGRESS_JS },
  "dag.js": { type: JAVASCRIPT, body: DAG_JS },
  "files.js": { type: JAVASCRIPT, body: FILES_JS },
  "previews.js": { type: JAVASCRIPT, body: PREVIEWS_JS },
  "run-detail.js": { type: JAVASCRIPT, body: RUN_DETAIL_JS },
  "run-list.js": { type: JAVASCRIPT, body: RUN_LIST_JS },
  "start-form.js": { type: JAVASCRIPT, body: START_FORM_JS },
  "app.js": { type: JAVASCRIPT, body: APP_JS },
  "page.css": { type: "text/css; charset=utf-8", body: PAGE_CSS },
};
