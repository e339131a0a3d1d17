/** Browser module: calls to the v1 API with the token in the Authorization header. Served as `/dashboard/api.js`. */
export const API_JS = String.raw`import { currentToken } from "./token.js";

// Every call to the v1 API goes through here, so the token rides in the Authorization
// header and never in a URL.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call(path, init) {
  const headers = new Headers((init && init.headers) || {});
  const token = currentToken();
  if (token) headers.set("authorization", "Bearer " + token);
  const response = await fetch(path, { ...init, headers });
  if (!response.ok) {
    let code = "http_" + response.status;
    let message = response.statusText || "Request failed";
    try {
      const body = await response.json();
      if (body && body.error) ({ code, message } = body.error);
    } catch {
      // not a JSON error body: keep the status text
    }
    throw new ApiError(response.status, code, message);
  }
  return response;
}

export async function getJson(path) {
  return (await call(path)).json();
}

export async function postJson(path, body) {
  const response = await call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return response.json();
}

export async function getText(path) {
  return (await call(path)).text();
}

export async function getBlob(path) {
  return (await call(path)).blob();
}

export function runPath(id, rest) {
  return "/v1/runs/" + encodeURIComponent(id) + (rest || "");
}
`;
