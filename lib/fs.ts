/**
 * The file helpers every folder shares (floor 0 of the README's Architecture): one atomic write and one
 * existence check. A crash or kill during {@link atomicWrite} leaves the old file or the new one, never a torn
 * one, which is what lets every long run resume from what it finds on disk.
 *
 * @example
 * import { atomicWrite, isFile } from "./fs.ts";
 * await atomicWrite("experiments/g/manifest.json", new TextEncoder().encode("{}"));
 * if (await isFile("data/cache/x.nii.gz")) { ... }
 *
 * @module
 */

/** Options of {@link atomicWrite}. */
export interface AtomicWriteOptions {
  /** Create missing parent folders. @default true */
  createFolders?: boolean;
}

/**
 * Write `data` to `path` atomically: to a temporary file beside it (`<path>.<pid>-<random>.tmp`, same folder,
 * so the rename stays on one file system), then `rename` over the target. The temporary file is removed when
 * the write fails.
 */
export async function atomicWrite(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const slash = path.lastIndexOf("/");
  if (slash > 0 && options.createFolders !== false) {
    await Deno.mkdir(path.slice(0, slash), { recursive: true });
  }
  const tmp = `${path}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Whether `path` is a regular file. False when it does not exist, is something else, or cannot be seen
 * (no read permission); other errors (e.g. an I/O error) are thrown.
 */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotCapable) return false;
    if (e instanceof Deno.errors.PermissionDenied) return false;
    throw e;
  }
}

/** Synchronous {@link isFile}-like check for any kind of entry (file or folder): whether `path` exists. */
export function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
