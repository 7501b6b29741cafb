/**
 * Run manifests: how a result was made (config, seed, backend, package versions, git commit, durations).
 *
 * @module
 */

/** What `manifest.json` of a run holds. */
export interface RunManifest {
  /** The cell id (folder name). */
  id: string;
  /** "done" is written last, after every result file: a run is finished only when this says so. */
  status: "running" | "done";
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
  [key: string]: unknown;
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
