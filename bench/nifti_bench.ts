/**
 * W1 (../shared/bench/WORKLOADS.md): read nibabel_example4d.nii.gz and avg152T1_LR_nifti.nii.gz into
 * scaled float32 arrays, 20 repeats each after one warm-up, and report MB/s of decoded float32 — the
 * same work and JSON line format as ../shared/bench/ref_nifti.py (nibabel get_fdata(dtype=float32)).
 *
 * Usage: deno run --allow-read --allow-ffi bench/nifti_bench.ts [--warmup N] [--repeats N] [files...]
 * (defaults 1 and 20, the reference script's protocol). A secondary line since W1 was redefined: a loop that
 * reads one small file again and again is decided by how fast freed memory is reused (numpy frees at once, V8
 * when it collects), not by reading; bench/nifti_large_bench.ts measures one large file read once.
 *
 * @module
 */

import { readNifti } from "../lib/nifti/mod.ts";

const DATA = new URL("../../shared/data/nifti/", import.meta.url).pathname;

const args = [...Deno.args];
function flag(name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  args.splice(at, 2);
  return value;
}
const warmup = flag("--warmup", 1);
const repeats = flag("--repeats", 20);
const files = args.length > 0
  ? args
  : ["nibabel_example4d.nii.gz", "avg152T1_LR_nifti.nii.gz"].map((f) => DATA + f);

for (const path of files) {
  try {
    await Deno.stat(path);
  } catch {
    console.error(`skip: ${path} not found`);
    continue;
  }
  for (let i = 0; i < warmup; i++) await readNifti(path, { dtype: "float32" });
  const n = repeats;
  let nbytes = 0;
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const v = await readNifti(path, { dtype: "float32" });
    nbytes += v.data.byteLength;
  }
  const dt = (performance.now() - t) / 1000;
  console.log(JSON.stringify({
    workload: "W1",
    tool: "cam-dmri",
    file: path.split("/").pop(),
    value: Math.round(nbytes / dt / 1e6 * 100) / 100,
    unit: "MB/s",
    ...(warmup !== 1 || repeats !== 20 ? { warmup, repeats } : {}),
  }));
}
