/**
 * Opening optional native libraries through Deno's FFI: an environment variable may name the file or turn
 * the library off, FFI permission is checked first, and candidates are tried in order.
 *
 * oneDNN and its OpenMP runtime (libgomp) are **pinned** once opened ({@link pinLibrary}): Deno unloads a
 * `Deno.dlopen`ed library when its handle is closed or the runtime that opened it ends (each `deno test` file,
 * each worker), while libgomp's idle pool threads still sit in the library's code (libgomp has no finalizer
 * that stops them). When such a thread next wakes it jumps to unmapped memory: the random segfaults of a
 * `tokio-runtime-w` thread that two test files in one process used to hit. Pinned libraries stay mapped until
 * the process exits, as they would in any program linked against them. OpenBLAS is not pinned: its finalizer
 * joins its threads before it is unmapped, and pinned it would run at process exit, racing other threads.
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

const RTLD_NOW = 2;
const RTLD_FLAGS: Partial<Record<typeof Deno.build.os, { noload: number; nodelete: number; libc: string }>> =
  {
    linux: { noload: 0x4, nodelete: 0x1000, libc: "libc.so.6" },
    darwin: { noload: 0x10, nodelete: 0x80, libc: "libSystem.B.dylib" },
  };

/** Libraries already pinned in this process (by the name they were pinned under). */
const pinned = new Set<string>();

/**
 * Keeps the already-loaded shared library `name` (a file name or path as given to `dlopen`) mapped until the
 * process exits: `dlopen(name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)` through the C library. Nothing is
 * loaded that was not loaded already (`RTLD_NOLOAD`); later `dlclose` calls, Deno's included, no longer
 * unmap it. Needed for any library whose threads outlive a call (thread pools): see the module docs.
 *
 * @returns whether the library is pinned (false on Windows, on a C library without these flags, or when
 *   `name` is not loaded).
 */
export function pinLibrary(name: string): boolean {
  if (pinned.has(name)) return true;
  const flags = RTLD_FLAGS[Deno.build.os];
  if (!flags) return false;
  let libc: Deno.DynamicLibrary<{ dlopen: { parameters: ["buffer", "i32"]; result: "pointer" } }> | undefined;
  try {
    libc = Deno.dlopen(flags.libc, { dlopen: { parameters: ["buffer", "i32"], result: "pointer" } });
    const handle = libc.symbols.dlopen(
      new TextEncoder().encode(name + "\0"),
      RTLD_NOW | flags.noload | flags.nodelete,
    );
    if (handle == null) return false;
    pinned.add(name);
    return true; // the handle is deliberately never closed
  } catch {
    return false;
  } finally {
    libc?.close(); // the C library itself is never unloaded
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
