/**
 * Files, shared by every folder (floor 0 of the README's Architecture): written atomically (temp file + rename,
 * so a reader or a rerun after a kill sees the old file or the whole new one, never a partial one) and checked
 * (SHA-256, so a truncated or bit-flipped file is found by name instead of being used).
 *
 * One hash serves every check in the project: SHA-256 through `node:crypto` (synchronous and streaming; on
 * the CI machine about 1.6–2 GB/s, twice `crypto.subtle.digest` and faster than a JavaScript 64-bit hash up to
 * 4 MiB, so checkpoints and FA maps need no weaker hash).
 *
 * - **Sealed JSON** (manifests, cache records): the object carries `"checksum": "sha256:<hex>"`, the hash of
 *   `JSON.stringify(objectWithoutChecksum, null, 2)`; {@linkcode readSealedJson} recomputes it.
 * - **Digests** ({@linkcode FileDigest}): `{ bytes, sha256 }` of another file, recorded in a sealed JSON
 *   (a manifest lists its cell's tables) and checked with {@linkcode checkDigest}.
 *
 * Every failed check or parse is an {@linkcode IntegrityError} naming the file and the problem.
 *
 * @example
 * import { atomicWriteSealedJson, readSealedJson } from "./fs.ts";
 * await atomicWriteSealedJson("experiments/g/c/manifest.json", { status: "done" });
 * const m = await readSealedJson<{ status: string }>("experiments/g/c/manifest.json"); // IntegrityError if damaged
 *
 * @module
 */
import { createHash } from "node:crypto";
import { CamDmriError } from "./errors.ts";

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

/** A file that is unreadable, cannot be parsed, or fails its checksum; the message starts with the file. */
export class IntegrityError extends CamDmriError {
  /** The damaged file (the error's `source`). */
  readonly file: string;
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super(file, reason, options);
    this.name = "IntegrityError";
    this.file = file;
  }
}

/** Size and SHA-256 (lower-case hex) of a file's bytes. */
export interface FileDigest {
  /** Length in bytes. */
  bytes: number;
  /** SHA-256 of the bytes, 64 lower-case hex digits. */
  sha256: string;
}

/** SHA-256 of bytes (or of a string's UTF-8), as 64 lower-case hex digits. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Size and SHA-256 of bytes. */
export function digestBytes(data: Uint8Array): FileDigest {
  return { bytes: data.length, sha256: sha256Hex(data) };
}

/** Size and SHA-256 of a file, read in chunks (any size; `NotFound` when it does not exist). */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  let bytes = 0;
  using file = await Deno.open(path);
  const chunk = new Uint8Array(1 << 20);
  for (;;) {
    const n = await file.read(chunk);
    if (n === null) break;
    hash.update(chunk.subarray(0, n));
    bytes += n;
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** Throws an {@linkcode IntegrityError} naming `file` when `data` does not match `expected`. */
export function checkDigest(file: string, data: Uint8Array, expected: FileDigest): void {
  const actual = digestBytes(data);
  if (actual.bytes !== expected.bytes) {
    throw new IntegrityError(
      file,
      `${actual.bytes} bytes, expected ${expected.bytes} (truncated or overwritten)`,
    );
  }
  if (actual.sha256 !== expected.sha256) {
    throw new IntegrityError(
      file,
      `checksum mismatch (sha256 ${actual.sha256.slice(0, 12)}…, expected ${
        expected.sha256.slice(0, 12)
      }…): the file is damaged`,
    );
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

/** Parse JSON text; a syntax error becomes an {@linkcode IntegrityError} naming `file`. */
export function parseJson<T>(text: string, file: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    const what = text.trim() === "" ? "empty file" : `not valid JSON (${(e as Error).message})`;
    throw new IntegrityError(file, `${what}: truncated or damaged`, { cause: e });
  }
}

/** The text of `path`, or `undefined` when the file does not exist (other errors are thrown). */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Read JSON from `path`, or `undefined` when the file does not exist.
 *
 * @throws {IntegrityError} when the file is not valid JSON (the message names it).
 */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  return parseJson<T>(text, path);
}

const CHECKSUM = /^sha256:([0-9a-f]{64})$/;

function sealText(body: Record<string, unknown>): string {
  return `sha256:${sha256Hex(JSON.stringify(body, null, 2))}`;
}

/**
 * `value` as pretty JSON text with a `checksum` field (see the module doc); an old `checksum` is replaced.
 */
export function sealJson(value: Record<string, unknown>): string {
  const { checksum: _old, ...body } = value;
  // Round-trip first, so the sealed body is exactly what a reader will parse (undefined fields dropped, ...).
  const plain = JSON.parse(JSON.stringify(body));
  return JSON.stringify({ ...plain, checksum: sealText(plain) }, null, 2) + "\n";
}

/** Options of {@linkcode parseSealedJson} and {@linkcode readSealedJson}. */
export interface SealedJsonOptions {
  /**
   * Accept an object without a `checksum` field (written before checksums existed) unchecked; otherwise it
   * is an error. @default false
   */
  allowUnsealed?: boolean;
}

/**
 * Parse sealed JSON text and check its checksum; returns the object without the `checksum` field.
 *
 * @throws {IntegrityError} naming `file` when the text is not JSON, not an object, or fails its checksum.
 */
export function parseSealedJson<T>(text: string, file: string, options: SealedJsonOptions = {}): T {
  const value = parseJson<unknown>(text, file);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new IntegrityError(file, "not a JSON object: damaged");
  }
  const { checksum, ...body } = value as Record<string, unknown>;
  if (checksum === undefined) {
    if (options.allowUnsealed) return body as T;
    throw new IntegrityError(file, "no checksum field: written by another program or damaged");
  }
  if (typeof checksum !== "string" || !CHECKSUM.test(checksum)) {
    throw new IntegrityError(file, `checksum field '${String(checksum)}' is not 'sha256:<64 hex digits>'`);
  }
  if (sealText(body) !== checksum) {
    throw new IntegrityError(file, "checksum mismatch: the file was changed or damaged after it was written");
  }
  return body as T;
}

/** Write `value` as sealed JSON (see the module doc) to `path` atomically. */
export async function atomicWriteSealedJson(path: string, value: Record<string, unknown>): Promise<void> {
  await atomicWriteText(path, sealJson(value));
}

/**
 * Read sealed JSON from `path` and check it, or `undefined` when the file does not exist.
 *
 * @throws {IntegrityError} naming the file when it is not JSON or fails its checksum.
 */
export async function readSealedJson<T>(
  path: string,
  options: SealedJsonOptions = {},
): Promise<T | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  return parseSealedJson<T>(text, path, options);
}

/**
 * Report a damaged file on stderr as one line, `[integrity] <file>: <problem>; <action>`, e.g.
 * `[integrity] experiments/g/c/results.arrow: checksum mismatch ...; rerunning the cell`.
 */
export function warnDamaged(error: { message: string }, action: string): void {
  console.warn(`[integrity] ${error.message}; ${action}`);
}
