/**
 * W1 (../shared/bench/WORKLOADS.md): read nibabel_example4d.nii.gz and avg152T1_LR_nifti.nii.gz into
 * scaled float32 arrays, 20 repeats each after one warm-up, and report MB/s of decoded float32 — the
 * same work and JSON line format as ../shared/bench/ref_nifti.py (nibabel get_fdata(dtype=float32)).
 *
 * Usage: deno run --allow-read bench/nifti_bench.ts [files...]
 *
 * @module
 */

import { readNifti } from "../lib/nifti/mod.ts";

const DATA = new URL("../../shared/data/nifti/", import.meta.url).pathname;
const files = Deno.args.length > 0
  ? Deno.args
  : ["nibabel_example4d.nii.gz", "avg152T1_LR_nifti.nii.gz"].map((f) => DATA + f);

for (const path of files) {
  try {
    await Deno.stat(path);
  } catch {
    console.error(`skip: ${path} not found`);
    continue;
  }
  await readNifti(path, { dtype: "float32" }); // warm-up
  const n = 20;
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
  }));
}
