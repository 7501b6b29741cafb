/** Tiny path helpers (JSR's std is unreachable here). @module */

/** `file:///a/b%20c/` → `/a/b c/`. */
export function fromFileUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== "file:") throw new TypeError(`lib/backend: not a file URL: ${url}`);
  return decodeURIComponent(u.pathname);
}

/** Whether a path exists (false without read permission). */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
