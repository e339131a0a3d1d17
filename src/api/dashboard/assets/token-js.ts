/** Browser module: the API token, in memory unless the user chooses a storage. Served as `/dashboard/token.js`. */
export const TOKEN_JS = String.raw`// The API token lives in this module's memory. It is written to sessionStorage or
// localStorage only when the user picks that, and "Forget" removes it from both.
const KEY = "distilflare-token";
let token = "";
let keep = "memory";

for (const [where, storage] of [["local", localStorage], ["session", sessionStorage]]) {
  const stored = storage.getItem(KEY);
  if (stored) {
    token = stored;
    keep = where;
    break;
  }
}

export function currentToken() {
  return token;
}

export function currentKeep() {
  return keep;
}

export function useToken(value, where) {
  token = value.trim();
  keep = where;
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
  if (!token) return;
  if (where === "local") localStorage.setItem(KEY, token);
  if (where === "session") sessionStorage.setItem(KEY, token);
}

export function forgetToken() {
  useToken("", "memory");
}
`;
