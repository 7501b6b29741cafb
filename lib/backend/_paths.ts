/** Tiny path helpers (JSR's std is unreachable here). @module */

/** `file:///a/b%20c/` → `/a/b c/`. */
export function fromFileUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== "file:") throw new TypeError(`lib/backend: not a file URL: ${url}`);
  return decodeURIComponent(u.pathname);
}

export { existsSync as exists } from "../fs.ts";
