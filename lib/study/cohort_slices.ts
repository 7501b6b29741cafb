/**
 * From a cohort folder (simulated or a real HCP-style download) to labelled 2.5D FA slices: tensor fit per
 * subject and acquisition (FA cached as NIfTI under the cache folder), then the centre slices along each
 * axis, each a training sample labelled by age group and tagged with its subject for subject-level splits.
 *
 * **The FA cache.** Each map `<cacheDir>/<subject>/<acquisition>_FA_<method>_masked.nii.gz` has a record next
 * to it, `..._masked.json` (sealed JSON, see lib/experiments/atomic.ts), {@linkcode FaCacheRecord}: the map's
 * size and SHA-256, the fit settings, and the identity of its inputs (path, size, mtime and SHA-256 of the
 * DWI, b-values and b-vectors). A map is used only when the record is intact, the map matches it, the fit
 * settings are the same and the inputs are the same files (b-values and b-vectors: same SHA-256; DWI: same
 * path, size and mtime, else same SHA-256). Otherwise the reason is reported on one line naming the file, and
 * the map is fitted again. The fit runs under a lock (`..._masked.lock`, lib/experiments/lock.ts), so runs
 * sharing the cache fit each map once.
 *
 * @module
 */
import {
  type Cohort,
  CohortError,
  type CohortProblem,
  loadCohort,
  type LoadCohortOptions,
} from "../data/cohort.ts";
import type { Sample } from "../data/dataset.ts";
import { brainMask, fitTensor, loadGradients } from "../dmri/mod.ts";
import {
  atomicWrite,
  atomicWriteSealedJson,
  checkDigest,
  digestBytes,
  digestFile,
  type FileDigest,
  IntegrityError,
  readSealedJson,
} from "../experiments/atomic.ts";
import { type LockOptions, waitLock } from "../experiments/lock.ts";
import { decodeNifti, encodeNifti, readNifti, type Volume } from "../nifti/mod.ts";
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
  /** Options for reading the cohort (problem handling, age groups). @default { minSubjects: 1 } */
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

/** Version of the FA cache's records; a record of another version is refitted. */
export const FA_CACHE_FORMAT = "cam-dmri/fa-cache@1";

/** Identity of an input file: where it was, its size and mtime, and the SHA-256 of its bytes. */
export interface InputIdentity extends FileDigest {
  /** The path as given. */
  path: string;
  /** Modification time, ms since the epoch (null where the filesystem has none). */
  mtimeMs: number | null;
}

/** The record next to a cached FA map (`<map>.json` without `.nii.gz`), sealed with its own checksum. */
export interface FaCacheRecord {
  /** {@linkcode FA_CACHE_FORMAT}. */
  format: string;
  /** Size and SHA-256 of the cached map's file. */
  map: FileDigest;
  /** The fit that made it. */
  fit: { method: "ols" | "wls"; mask: "median-otsu" };
  /** The files it was made from. */
  inputs: { dwi: InputIdentity; bval: InputIdentity; bvec: InputIdentity };
  /** When it was made (ISO 8601). */
  createdAt: string;
  [key: string]: unknown;
}

/** The record and lock paths of a cached map: `x_FA_wls_masked.nii.gz` → `x_FA_wls_masked.json` / `.lock`. */
export function faCachePaths(cachePath: string): { record: string; lock: string } {
  const stem = cachePath.replace(/\.nii(\.gz)?$/i, "");
  return { record: `${stem}.json`, lock: `${stem}.lock` };
}

async function identity(path: string, hash: "always" | "when-changed", before?: InputIdentity) {
  const info = await Deno.stat(path);
  const mtimeMs = info.mtime?.getTime() ?? null;
  if (
    hash === "when-changed" && before && before.path === path && before.bytes === info.size &&
    before.mtimeMs !== null && before.mtimeMs === mtimeMs
  ) {
    return before;
  }
  return { path, mtimeMs, ...(await digestFile(path)) } satisfies InputIdentity;
}

type Acquisition = { dwiPath: string; bvalPath: string; bvecPath: string };

async function inputIdentities(acquisition: Acquisition, before?: FaCacheRecord["inputs"]) {
  return {
    dwi: await identity(acquisition.dwiPath, "when-changed", before?.dwi),
    bval: await identity(acquisition.bvalPath, "always"),
    bvec: await identity(acquisition.bvecPath, "always"),
  };
}

/** The cached map when it can be used, else why not ("" when nothing is cached). */
async function cachedFa(
  acquisition: Acquisition,
  cachePath: string,
  fit: FaCacheRecord["fit"],
): Promise<Volume | string> {
  const { record: recordPath } = faCachePaths(cachePath);
  let record: FaCacheRecord | undefined;
  try {
    record = await readSealedJson<FaCacheRecord>(recordPath);
  } catch (e) {
    if (e instanceof IntegrityError) return e.message;
    throw e;
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await Deno.readFile(cachePath);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) return `${cachePath}: cannot read (${(e as Error).message})`;
  }
  if (!record && !bytes) return "";
  if (!record) return `${cachePath}: no checksum record ${recordPath} (cached before checksums, or damaged)`;
  if (record.format !== FA_CACHE_FORMAT) {
    return `${recordPath}: record format '${record.format}', this code writes '${FA_CACHE_FORMAT}'`;
  }
  if (!bytes) return `${cachePath}: missing (its record ${recordPath} is there)`;
  if (record.fit?.method !== fit.method || record.fit?.mask !== fit.mask) {
    return `${cachePath}: fitted with ${JSON.stringify(record.fit)}, now ${JSON.stringify(fit)}`;
  }
  let now;
  try {
    now = await inputIdentities(acquisition, record.inputs);
  } catch (e) {
    return `${cachePath}: its inputs cannot be read (${(e as Error).message})`;
  }
  for (const key of ["dwi", "bval", "bvec"] as const) {
    const was = record.inputs?.[key], is = now[key];
    if (!was || was.sha256 !== is.sha256 || was.bytes !== is.bytes) {
      return `${cachePath}: made from other inputs (${is.path} is not the file it was fitted from: ${
        was ? `${was.bytes} bytes sha256 ${was.sha256.slice(0, 12)}…` : "no record"
      }, now ${is.bytes} bytes sha256 ${is.sha256.slice(0, 12)}…)`;
    }
  }
  try {
    checkDigest(cachePath, bytes, record.map);
    return decodeNifti(bytes, { name: cachePath });
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The FA map of one acquisition inside its brain mask (lib/dmri `brainMask`; 0 outside), from the cache or
 * fitted now and cached atomically with its record (see the module doc: a damaged, swapped or outdated map is
 * reported and fitted again, never used).
 * FA = sqrt(1/2)·sqrt((λ1−λ2)² + (λ2−λ3)² + (λ3−λ1)²) / sqrt(λ1² + λ2² + λ3²) (Basser & Pierpaoli, 1996).
 */
export async function acquisitionFa(
  acquisition: Acquisition,
  cachePath: string,
  options: { fitMethod?: "ols" | "wls"; lock?: LockOptions } = {},
): Promise<Volume> {
  const fit: FaCacheRecord["fit"] = { method: options.fitMethod ?? "wls", mask: "median-otsu" };
  const first = await cachedFa(acquisition, cachePath, fit);
  if (typeof first !== "string") return first;
  const paths = faCachePaths(cachePath);
  let ready: Volume | undefined;
  const lock = await waitLock(paths.lock, {
    ...options.lock,
    purpose: `fa ${cachePath}`,
    pollSeconds: 0.5,
    // Another run is fitting it: use its map once it is there.
    done: async () => {
      const now = await cachedFa(acquisition, cachePath, fit);
      if (typeof now !== "string") ready = now;
      return ready !== undefined;
    },
  });
  if (!lock) return ready!;
  try {
    // Fitted by another run between the first look and the lock?
    const cached = await cachedFa(acquisition, cachePath, fit);
    if (typeof cached !== "string") return cached;
    const problem = cached || first;
    if (problem) console.warn(`[integrity] ${problem}; fitting the FA map again`);
    const inputs = await inputIdentities(acquisition);
    const dwi = await readNifti(acquisition.dwiPath);
    const gtab = await loadGradients(acquisition.bvalPath, acquisition.bvecPath, { volumes: dwi.shape[3] });
    // FA only inside the brain (b0 median-Otsu mask): background noise fits to random, often high, FA that
    // would dominate the normalised slices. One thread: on 2 cores the worker pool measured slower (lib/dmri
    // bench).
    const mask = brainMask(dwi, gtab);
    const maps = fitTensor(dwi, gtab, { method: fit.method, mask });
    const bytes = encodeNifti(maps.fa, { gzip: /\.gz$/i.test(cachePath) }, cachePath);
    await atomicWrite(cachePath, bytes);
    const record: FaCacheRecord = {
      format: FA_CACHE_FORMAT,
      map: digestBytes(bytes),
      fit,
      inputs,
      createdAt: new Date().toISOString(),
    };
    await atomicWriteSealedJson(paths.record, record);
    return maps.fa;
  } finally {
    await lock.release();
  }
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
  // An empty cohort is a CohortError naming the folder here, not a model with 0 classes later.
  const skipped = (problems: CohortProblem[]) => {
    for (const p of problems) console.warn(`[cohort] skipped ${p.subject}: ${p.path}: ${p.reason}`);
  };
  let cohort: Cohort;
  try {
    cohort = await loadCohort(root, { minSubjects: 1, ...options.cohort });
  } catch (e) {
    if (e instanceof CohortError) skipped(e.problems);
    throw e;
  }
  skipped(cohort.problems);
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
