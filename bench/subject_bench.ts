/**
 * W8: one HCP-size subject end to end (../shared/bench/WORKLOADS.md) — read `dwi.nii.gz` (145x174x145x96
 * int16, gzip) with its gradients and `mask.nii.gz`, WLS tensor fit in the mask, FA written as `.nii.gz` —
 * each run a fresh process (bench/_subject_run.ts) timed whole, from start to exit, under /usr/bin/time for
 * its peak resident memory. `deno task bench --only subject` runs it beside MRtrix3 (`dwi2tensor` +
 * `tensor2metric`, 2 threads) and nibabel + dipy (ref_subject.py), which are timed the same way.
 *
 * The files are made once by `ref_subject.py make` into `.bench/hcp-subject/` (~1 min; W1's large read uses
 * the same DWI). Lines: ours with the default "auto" workers (lib/dmri autoFitWorkers: the cores other
 * processes leave idle, measured over the read), with 2 and with the fit in the calling thread, all with the
 * default DGEMM kernel (a native BLAS); `--whole` adds the read of the whole grid (no `voxels`), `--js` the
 * calling thread with the per-voxel JavaScript kernel, for comparison.
 *
 * @module
 */
import { runWithPeakRss, SUBJECT_DIR } from "./main.ts";

const FILES = ["dwi.nii.gz", "dwi.bval", "dwi.bvec", "mask.nii.gz"];

async function ensureSubject(): Promise<boolean> {
  const have = await Promise.all(
    FILES.map((f) => Deno.stat(`${SUBJECT_DIR}${f}`).then(() => true, () => false)),
  );
  if (have.every(Boolean)) return true;
  const script = new URL("../../shared/bench/ref_subject.py", import.meta.url).pathname;
  console.error(`[subject] making the HCP-size subject in ${SUBJECT_DIR} (~1 min)`);
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [script, "make", SUBJECT_DIR],
      stdout: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

if (!(await ensureSubject())) {
  console.error(
    `[subject] skip: ${SUBJECT_DIR} lacks the W8 files and ref_subject.py (numpy, nibabel) could not make them`,
  );
} else {
  const runner = new URL("./_subject_run.ts", import.meta.url).pathname;
  const variants = [
    ["--workers", "auto"],
    ["--workers", "2"],
    ["--workers", "0"],
    ...(Deno.args.includes("--whole") ? [["--whole"]] : []),
    ...(Deno.args.includes("--js") ? [["--workers", "0", "--kernel", "js"]] : []),
  ];
  for (const extra of variants) {
    const t0 = performance.now();
    const { stdout, peakRssMB, code } = await runWithPeakRss(Deno.execPath(), [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      runner,
      SUBJECT_DIR,
      ...extra,
    ]);
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) {
      console.error(`[subject] ${runner} ${extra.join(" ")} exited with ${code}`);
      continue;
    }
    const inner = JSON.parse(stdout.trim().split("\n").pop()!);
    console.log(JSON.stringify({
      workload: "W8",
      tool: inner.tool,
      value: Math.round(seconds * 100) / 100,
      unit: "s per subject",
      read: inner.read,
      fit: inner.fit,
      write: inner.write,
      voxels: inner.voxels,
      workers: inner.workers,
      peak_rss_mb: peakRssMB,
    }));
  }
}
