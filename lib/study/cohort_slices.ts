/**
 * From a cohort folder (simulated or a real HCP-style download) to labelled 2.5D FA slices: tensor fit per
 * subject and acquisition (FA cached as NIfTI under the cache folder), then the centre slices along each
 * axis, each a training sample labelled by age group and tagged with its subject for subject-level splits.
 *
 * @module
 */
import { type Cohort, loadCohort, type LoadCohortOptions } from "../data/cohort.ts";
import type { Sample } from "../data/dataset.ts";
import { brainMask, fitTensor, loadGradients } from "../dmri/mod.ts";
import { readNifti, type Volume, writeNifti } from "../nifti/mod.ts";
import { type NormalizationOptions, sliceVolume } from "../slices/mod.ts";

/** Options of {@linkcode prepareCohortSlices}. */
export interface CohortSlicesOptions {
  /** Side of the square slice images, pixels. @default 64 */
  imageSize?: number;
  /** Centre slices per axis. @default 16 */
  slicesPerAxis?: number;
  /** Use at most this many acquisitions per subject (in folder order). @default all */
  maxAcquisitions?: number;
  /** Tensor fit method. @default "wls" */
  fitMethod?: "ols" | "wls";
  /** Slice intensity normalisation (recorded with each sample). @default { method: "zscore", mask: "nonzero" } */
  normalization?: NormalizationOptions;
  /** Where FA maps are cached: `<cacheDir>/<subject>/<acquisition>_FA_<method>_masked.nii.gz`. @default "data/cache/<cohort folder name>" */
  cacheDir?: string;
  /** Options for reading the cohort (problem handling, age groups). */
  cohort?: LoadCohortOptions;
  /** Called after each acquisition with (done, total, what). */
  onProgress?: (done: number, total: number, what: string) => void;
}

/** Labelled slices of a cohort. */
export interface CohortSlices {
  cohort: Cohort;
  /** One sample per slice: label = index of the subject's group in `groups`. */
  samples: Sample[];
  /** Group names in label order. */
  groups: string[];
  /** FA map path of each subject and acquisition: `faPaths[subject][acquisition]`. */
  faPaths: Record<string, Record<string, string>>;
  /** The settings used (recorded with results). */
  settings: {
    imageSize: number;
    slicesPerAxis: number;
    fitMethod: string;
    normalization: NormalizationOptions;
  };
}

function baseName(path: string): string {
  return path.replace(/\/+$/, "").split("/").pop() ?? "cohort";
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The FA map of one acquisition inside its brain mask (lib/dmri `brainMask`; 0 outside), from the cache or
 * fitted now (and cached atomically).
 * FA = sqrt(1/2)·sqrt((λ1−λ2)² + (λ2−λ3)² + (λ3−λ1)²) / sqrt(λ1² + λ2² + λ3²) (Basser & Pierpaoli, 1996).
 */
export async function acquisitionFa(
  acquisition: { dwiPath: string; bvalPath: string; bvecPath: string },
  cachePath: string,
  options: { fitMethod?: "ols" | "wls" } = {},
): Promise<Volume> {
  if (await exists(cachePath)) return await readNifti(cachePath);
  const dwi = await readNifti(acquisition.dwiPath);
  const gtab = await loadGradients(acquisition.bvalPath, acquisition.bvecPath, { volumes: dwi.shape[3] });
  // FA only inside the brain (b0 median-Otsu mask): background noise fits to random, often high, FA that would
  // dominate the normalised slices. One thread: on 2 cores the worker pool measured slower (lib/dmri bench).
  const mask = brainMask(dwi, gtab);
  const maps = fitTensor(dwi, gtab, { method: options.fitMethod ?? "wls", mask });
  await Deno.mkdir(cachePath.slice(0, cachePath.lastIndexOf("/")) || ".", { recursive: true });
  await writeNifti(maps.fa, cachePath);
  return maps.fa;
}

/**
 * Fit FA for every subject and acquisition of the cohort at `root` and cut its 2.5D slices.
 *
 * @example
 * const { samples, groups } = await prepareCohortSlices("data/synth/default-s0", { imageSize: 64 });
 */
export async function prepareCohortSlices(
  root: string,
  options: CohortSlicesOptions = {},
): Promise<CohortSlices> {
  const imageSize = options.imageSize ?? 64;
  const slicesPerAxis = options.slicesPerAxis ?? 16;
  const fitMethod = options.fitMethod ?? "wls";
  const normalization = options.normalization ?? { method: "zscore", mask: "nonzero" };
  const cacheDir = options.cacheDir ?? `data/cache/${baseName(root)}`;
  const cohort = await loadCohort(root, options.cohort);
  for (const p of cohort.problems) console.warn(`[cohort] skipped ${p.subject}: ${p.path}: ${p.reason}`);
  const groups = cohort.groups;
  const samples: Sample[] = [];
  const faPaths: Record<string, Record<string, string>> = {};
  const jobs = cohort.subjects.flatMap((s) =>
    s.acquisitions.slice(0, options.maxAcquisitions ?? s.acquisitions.length).map((a) => ({ s, a }))
  );
  let done = 0;
  for (const { s, a } of jobs) {
    const cachePath = `${cacheDir}/${s.id}/${a.name}_FA_${fitMethod}_masked.nii.gz`;
    const fa = await acquisitionFa(a, cachePath, { fitMethod });
    (faPaths[s.id] ??= {})[a.name] = cachePath;
    const label = groups.indexOf(s.group);
    for (
      const img of sliceVolume(fa, {
        count: slicesPerAxis,
        size: imageSize,
        normalization,
        subject: s.id,
        acquisition: a.name,
      })
    ) {
      samples.push({
        image: img.data,
        height: img.height,
        width: img.width,
        channels: 1,
        label,
        group: s.group,
        subject: s.id,
        meta: { provenance: img.provenance, age: s.age },
      });
    }
    options.onProgress?.(++done, jobs.length, `${s.id}/${a.name}`);
  }
  return {
    cohort,
    samples,
    groups,
    faPaths,
    settings: { imageSize, slicesPerAxis, fitMethod, normalization },
  };
}
