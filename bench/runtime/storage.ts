import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Bytes on disk of the local Durable Objects of a class (SQLite files, WAL included) under wrangler's persist directory. */
export function durableObjectBytes(persistTo: string, className: string): number {
  let total = 0;
  const walk = (dir: string, inside: boolean): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      const stat = statSync(path);
      const match = inside || entry.includes(className);
      if (stat.isDirectory()) walk(path, match);
      else if (match) total += stat.size;
    }
  };
  walk(join(persistTo, "v3", "do"), false);
  return total;
}
