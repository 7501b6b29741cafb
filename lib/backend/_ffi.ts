/**
 * Opening optional native libraries through Deno's FFI: an environment variable may name the file or turn
 * the library off, FFI permission is checked first, and candidates are tried in order.
 *
 * @module
 */

/** The outcome of {@link openNative}: the opened value, or why nothing opened. */
export type Opened<T> = { ok: true; value: T } | { ok: false; reason: string };

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: as if unset
  }
}

/**
 * Tries `open(library)` on each candidate in turn and returns the first success. `envName` (e.g. `CAM_BLAS`)
 * set to `off`, `0` or `none` disables the library; set to anything else, it is the only candidate. Otherwise
 * `explicit` (an option) is, or else `candidates`. Without FFI permission nothing is tried.
 */
export function openNative<T>(
  envName: string,
  explicit: string | undefined,
  candidates: readonly string[],
  open: (library: string) => T,
): Opened<T> {
  const env = readEnv(envName);
  if (env === "off" || env === "0" || env === "none") return { ok: false, reason: `${envName}=${env}` };
  let granted = false;
  try {
    granted = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch { /* no permissions API: treat as not granted */ }
  if (!granted) return { ok: false, reason: "no FFI permission (--allow-ffi)" };
  const failures: string[] = [];
  for (const library of env ? [env] : explicit ? [explicit] : candidates) {
    try {
      return { ok: true, value: open(library) };
    } catch (e) {
      failures.push(`${library}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return { ok: false, reason: `none opened (${failures.join("; ")})` };
}
