/**
 * Run manifests: how a result was made (config, seed, backend, package versions, git commit, durations), and
 * the checksums of the cell's tables. A manifest is sealed JSON (its own `checksum` field, see atomic.ts).
 *
 * @module
 */
import {
  atomicWriteSealedJson,
  type FileDigest,
  IntegrityError,
  parseJson,
  parseSealedJson,
  readTextIfExists,
} from "../fs.ts";

/** What `manifest.json` of a run holds. */
export interface RunManifest {
  /** The cell id (folder name). */
  id: string;
  /**
   * "done" is written last, after every result file: a run is finished only when this says so. "failed":
   * the cell threw (see `error`); it runs again next time, like a "running" one whose process is gone.
   */
  status: "running" | "done" | "failed";
  /** The cell's full settings. */
  config: Record<string, unknown>;
  seed: number;
  /** TensorFlow.js backend that ran it, with thread count. */
  backend?: string;
  /** Pinned npm package versions from deno.json, plus deno / v8 / typescript. */
  versions: Record<string, string>;
  /** Git commit of the code (with "+dirty" unknown: only HEAD is read), or "unknown". */
  gitCommit: string;
  startedAt: string;
  finishedAt?: string;
  /** Seconds spent in each phase (data, train, evaluate, cam, ...), summed over resumed attempts. */
  durations: Record<string, number>;
  /** How many times this cell was started (1 unless it was interrupted and resumed). */
  attempts: number;
  /** Host and process of the latest attempt. */
  host?: string;
  pid?: number;
  /** With status "failed": the error the cell threw. */
  error?: { name: string; message: string };
  /** With status "done": size and SHA-256 of each table file of the cell, by file name (`results.arrow`). */
  files?: Record<string, FileDigest>;
  /** Damaged files found before this attempt (why the cell ran again), one line each. */
  recovered?: string[];
  [key: string]: unknown;
}

/**
 * Read and check a cell's `manifest.json`, or `undefined` when there is none. A manifest written before
 * checksums existed (neither `checksum` nor `files`) is accepted as it is.
 *
 * @throws {IntegrityError} naming the file when it is truncated, not JSON, or fails its checksum.
 */
export async function readManifest(path: string): Promise<RunManifest | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const raw = parseJson<Record<string, unknown>>(text, path);
  const legacy = raw !== null && typeof raw === "object" && !("checksum" in raw) && !("files" in raw);
  const manifest = parseSealedJson<RunManifest>(text, path, { allowUnsealed: legacy });
  if (typeof manifest.id !== "string" || typeof manifest.status !== "string") {
    throw new IntegrityError(path, "not a run manifest (no id or status)");
  }
  return manifest;
}

/** Write a manifest as sealed JSON, atomically. */
export async function writeManifest(path: string, manifest: RunManifest): Promise<void> {
  await atomicWriteSealedJson(path, manifest);
}

const ROOT = new URL("../../", import.meta.url);

/** Versions of the pinned npm packages (from deno.json's import map) and of Deno itself. */
export async function packageVersions(): Promise<Record<string, string>> {
  const out: Record<string, string> = {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
  };
  try {
    const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
    for (const [name, spec] of Object.entries<string>(config.imports ?? {})) {
      const m = /^npm:(@?[^@]+)@(.+)$/.exec(spec);
      if (m) out[name] = m[2];
    }
  } catch { /* outside the repository: only Deno's versions */ }
  return out;
}

/**
 * The git commit of the checkout, read from `.git` files (no `git` subprocess needed, so no --allow-run).
 * Returns "unknown" outside a git checkout.
 */
export async function gitCommit(): Promise<string> {
  try {
    const git = new URL(".git/", ROOT);
    const head = (await Deno.readTextFile(new URL("HEAD", git))).trim();
    if (!head.startsWith("ref: ")) return head;
    const ref = head.slice(5);
    try {
      return (await Deno.readTextFile(new URL(ref, git))).trim();
    } catch {
      const packed = await Deno.readTextFile(new URL("packed-refs", git));
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
      return line ? line.split(" ")[0] : "unknown";
    }
  } catch {
    return "unknown";
  }
}
