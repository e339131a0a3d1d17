#!/usr/bin/env node
// The npm registry this project installs from serves only the linux builds of some native
// packages (workerd, duckdb), so `npm install` leaves their other-platform optional
// dependencies out of package-lock.json, and `npm ci` then refuses the lock as out of sync.
// This adds those entries (marked optional, with their os/cpu) so `npm ci` skips them cleanly.
// Run it after any `npm install` that rewrites the lock: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;

const PLATFORMS = [
  [/darwin-arm64/, { os: ["darwin"], cpu: ["arm64"] }],
  [/darwin-(x64|64)/, { os: ["darwin"], cpu: ["x64"] }],
  [/linux-arm64-musl/, { os: ["linux"], cpu: ["arm64"], libc: ["musl"] }],
  [/linux-arm64/, { os: ["linux"], cpu: ["arm64"] }],
  [/linux-(x64|64)-musl/, { os: ["linux"], cpu: ["x64"], libc: ["musl"] }],
  [/linux-(x64|64)/, { os: ["linux"], cpu: ["x64"] }],
  [/win(32|dows)-arm64/, { os: ["win32"], cpu: ["arm64"] }],
  [/win(32|dows)-(x64|64)/, { os: ["win32"], cpu: ["x64"] }],
];

function resolve(fromPath, name) {
  // Node's lookup: the package's own node_modules, then each ancestor's.
  let base = fromPath;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf("node_modules/");
    base = at <= 0 ? "" : base.slice(0, at - 1);
  }
}

let added = 0;
for (const [location, info] of Object.entries({ ...packages })) {
  for (const [name, version] of Object.entries(info.optionalDependencies ?? {})) {
    const found = resolve(location, name);
    if (found && packages[found].version === version) continue;
    const platform = PLATFORMS.find(([pattern]) => pattern.test(name))?.[1];
    if (!platform) continue;
    const parent = location.slice(0, location.lastIndexOf("node_modules/"));
    const target = `${parent}node_modules/${name}`;
    packages[target] = { version, ...platform, dev: info.dev, optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
