/**
 * W1 as researchers meet it: one large `.nii.gz` — the HCP-size DWI of W8 (145x174x145x96 int16, gzip,
 * made by `../shared/bench/ref_subject.py make` into `.bench/hcp-subject/` the first time, ~1 min) — read once
 * in a fresh process into scaled float32, as nibabel's `get_fdata(dtype=float32)` (bench/peers/nibabel_once.py,
 * run beside it by `deno task bench --only nifti_large`). Reports MB/s of decoded float32 and the resident memory after the read.
 *
 * @module
 */
import { readNifti } from "../lib/nifti/mod.ts";

const DIR = new URL("../.bench/hcp-subject/", import.meta.url).pathname;
const FILE = `${DIR}dwi.nii.gz`;

async function ensureSubject(): Promise<boolean> {
  try {
    await Deno.stat(FILE);
    return true;
  } catch { /* make it */ }
  const script = new URL("../../shared/bench/ref_subject.py", import.meta.url).pathname;
  console.error(`[nifti_large] making the HCP-size subject in ${DIR} (~1 min)`);
  try {
    const out = await new Deno.Command("/usr/bin/python3", { args: [script, "make", DIR], stdout: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/** Resident memory now, MB (Deno reads /proc/self/status only with --allow-all, so not the peak). */
function rssMB(): number {
  return Math.round(Deno.memoryUsage().rss / 2 ** 20);
}

if (!(await ensureSubject())) {
  console.error(
    `[nifti_large] skip: ${FILE} is absent and ref_subject.py (numpy, nibabel) could not make it`,
  );
} else {
  const t = performance.now();
  const v = await readNifti(FILE, { dtype: "float32" });
  const seconds = (performance.now() - t) / 1000;
  console.log(JSON.stringify({
    workload: "W1",
    tool: "cam-dmri",
    file: "large:dwi.nii.gz",
    value: Math.round(v.data.byteLength / seconds / 1e6 * 100) / 100,
    unit: "MB/s",
    seconds: Math.round(seconds * 1000) / 1000,
    rssMB: rssMB(),
  }));
}
