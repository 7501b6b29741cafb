/**
 * Atomic file writes: write to a temporary file in the same folder, then rename over the target. A reader (or
 * a rerun after a kill) sees either the old file or the whole new one, never a partial one.
 *
 * @module
 */

/** Write bytes to `path` atomically (temp file + rename), creating parent folders. */
export async function atomicWrite(path: string, data: Uint8Array): Promise<void> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/** Write text to `path` atomically (UTF-8). */
export async function atomicWriteText(path: string, text: string): Promise<void> {
  await atomicWrite(path, new TextEncoder().encode(text));
}

/** Write a value as pretty JSON to `path` atomically. */
export async function atomicWriteJson(path: string, value: unknown): Promise<void> {
  await atomicWriteText(path, JSON.stringify(value, null, 2) + "\n");
}

/** Read JSON from `path`, or `undefined` when the file does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}
