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
 * **Refused acquisitions.** An acquisition whose gradient table cannot support a tensor fit (lib/dmri's
 * `loadGradients` / `validateGradientTable` / `fitTensor` / `brainMask` throw a DmriError: an all-b0 table,
 * too few directions, coplanar directions, no b0 for the mask, ...) is skipped with one `[cohort] skipped`
 * line naming its files and the reason, and is never cached nor sliced. The table is checked before the cache
 * is looked at, so a map cached by older code from such a table is not used either. A subject keeps its other
 * acquisitions (`maxAcquisitions` counts usable ones); a subject left with none is dropped, and when that
 * leaves fewer usable subjects than the cohort needs, it is the same CohortError as an empty cohort
 * ("no usable subjects").
 *
 * **Non-finite DWI samples.** lib/dmri fits a voxel with a NaN or ±∞ sample to NaN. Those voxels are set to
 * 0 in the FA map, the value outside the brain mask, before it is cached and sliced: a NaN would make every
 * z-scored slice through it NaN and the training loss with it, and any finite FA guess would be a plausible
 * wrong number. How many were set is recorded (`nonFiniteVoxels` in the cache record and in
 * {@linkcode CohortSlices}) and reported on a `[cohort]` line whenever the map is used.
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
import {
  brainMask,
  DmriError,
  fitTensorParallel,
  loadGradients,
  validateGradientTable,
} from "../dmri/mod.ts";
import {
  atomicWrite,
  atomicWriteSealedJson,
  checkDigest,
  digestBytes,
  digestFile,
  type FileDigest,
  IntegrityError,
  readSealedJson,
} from "../fs.ts";
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
  /**
   * Use at most this many subjects, taken from each group in proportion to its size ({@linkcode
   * selectSubjects}): a reduced run. @default all
   */
  maxSubjects?: number;
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
  /**
   * Voxels of each FA map whose DWI had a NaN or ±∞ sample, set to 0 (see the module doc):
   * `nonFiniteVoxels[subject][acquisition]`, 0 for a clean map.
   */
  nonFiniteVoxels: Record<string, Record<string, number>>;
  /** Acquisitions skipped because lib/dmri refused their gradient table (also in `cohort.problems`). */
  refused: CohortProblem[];
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

/** The FA cache folder of a cohort when none is given: `data/cache/<cohort folder name>`. */
export function defaultFaCacheDir(root: string): string {
  return `data/cache/${baseName(root)}`;
}

/** Where an acquisition's FA map is cached: `<cacheDir>/<subject>/<acquisition>_FA_<method>_masked.nii.gz`. */
export function faCachePath(cacheDir: string, subject: string, acquisition: string, method: string): string {
  return `${cacheDir}/${subject}/${acquisition}_FA_${method}_masked.nii.gz`;
}

/**
 * At most `n` subjects, each group keeping its share of them: group g of size n_g gets ⌊n·n_g/N⌋ plus one
 * more for the largest remainders (ties: the earlier group in `groups`), and at least one while n allows;
 * within a group, the first ones in the given (table) order. The result keeps the given order. All of them
 * when n ≥ N.
 *
 * @example
 * selectSubjects(subjects, 10, ["young", "old"]); // 12 young + 14 old → 5 young + 5 old
 */
export function selectSubjects<S extends { group: string }>(
  subjects: readonly S[],
  n: number,
  groups: readonly string[] = [...new Set(subjects.map((s) => s.group))],
): S[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`selectSubjects: n must be a positive integer, got ${n}`);
  }
  if (n >= subjects.length) return [...subjects];
  const order = [...groups, ...new Set(subjects.map((s) => s.group).filter((g) => !groups.includes(g)))];
  const sizes = order.map((g) => subjects.filter((s) => s.group === g).length);
  const exact = sizes.map((size) => (n * size) / subjects.length);
  const quota = exact.map(Math.floor);
  // At least one per group while there are subjects to give, then the largest remainders.
  for (let g = 0; g < order.length; g++) if (quota[g] === 0 && sizes[g] > 0) quota[g] = 1;
  let left = n - quota.reduce((a, b) => a + b, 0);
  const byRemainder = order.map((_, g) => g).sort((a, b) =>
    (exact[b] - quota[b]) - (exact[a] - quota[a]) || a - b
  );
  for (const g of byRemainder) {
    if (left <= 0) break;
    if (quota[g] < sizes[g]) {
      quota[g]++;
      left--;
    }
  }
  // More groups than n: take back from the groups with the most, the latest first.
  while (left < 0) {
    let g = -1;
    for (let i = 0; i < quota.length; i++) if (quota[i] > 0 && (g < 0 || quota[i] >= quota[g])) g = i;
    quota[g]--;
    left++;
  }
  const taken = new Map(order.map((g, i) => [g, quota[i]]));
  return subjects.filter((s) => {
    const k = taken.get(s.group) ?? 0;
    taken.set(s.group, k - 1);
    return k > 0;
  });
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
  /**
   * Voxels whose DWI had a NaN or ±∞ sample, set to 0 in the map (absent in records written before this
   * was counted: their maps are checked when read).
   */
  nonFiniteVoxels?: number;
  /**
   * The other maps cached beside it when asked for ({@linkcode acquisitionFa}'s `maps`): size and SHA-256 of
   * each, by name ("md", "ad", "rd"), at {@linkcode tensorMapPath}.
   */
  maps?: Partial<Record<TensorMapName, FileDigest>>;
  [key: string]: unknown;
}

/** The tensor maps besides FA that the cache can hold: mean, axial and radial diffusivity (mm²/s). */
export type TensorMapName = "md" | "ad" | "rd";

/** Where another map of a cached FA map goes: `..._FA_wls_masked.nii.gz` → `..._MD_wls_masked.nii.gz`. */
export function tensorMapPath(cachePath: string, map: TensorMapName): string {
  const at = cachePath.lastIndexOf("_FA_");
  if (at < 0) return cachePath.replace(/\.nii(\.gz)?$/i, (ext) => `_${map.toUpperCase()}${ext}`);
  return `${cachePath.slice(0, at)}_${map.toUpperCase()}_${cachePath.slice(at + 4)}`;
}

/** An acquisition's FA map as the study uses it (see {@linkcode acquisitionFa}). */
export interface AcquisitionFa {
  /** FA inside the brain mask; 0 outside it and at voxels with a non-finite DWI sample. */
  fa: Volume;
  /** Voxels whose DWI had a NaN or ±∞ sample (NaN in the fit), set to 0. */
  nonFiniteVoxels: number;
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

/** An acquisition's files, and its volume count when the cohort index read it. */
type Acquisition = { dwiPath: string; bvalPath: string; bvecPath: string; volumes?: number };

/** Set the non-finite values of a map to 0 (in place); returns how many there were. */
function zeroNonFinite(map: Volume): number {
  const data = map.data as { [i: number]: number; length: number };
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      data[i] = 0;
      count++;
    }
  }
  return count;
}

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
  maps: readonly TensorMapName[] = [],
): Promise<AcquisitionFa | string> {
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
  let fa: Volume;
  try {
    checkDigest(cachePath, bytes, record.map);
    fa = decodeNifti(bytes, { name: cachePath });
  } catch (e) {
    return (e as Error).message;
  }
  // Other maps asked for: never cached is not damage (""), a damaged or missing one is.
  for (const name of maps) {
    const path = tensorMapPath(cachePath, name), expected = record.maps?.[name];
    if (!expected) return "";
    try {
      checkDigest(path, await Deno.readFile(path), expected);
    } catch (e) {
      return e instanceof Deno.errors.NotFound
        ? `${path}: missing (its record ${recordPath} lists it)`
        : (e as Error).message;
    }
  }
  // Maps cached before non-finite voxels were set to 0 may still hold NaN: set and count them now.
  return { fa, nonFiniteVoxels: (record.nonFiniteVoxels ?? 0) + zeroNonFinite(fa) };
}

/**
 * The FA map of one acquisition inside its brain mask (lib/dmri `brainMask`; 0 outside), from the cache or
 * fitted now and cached atomically with its record (see the module doc: a damaged, swapped or outdated map is
 * reported and fitted again, never used). Voxels whose DWI has a NaN or ±∞ sample are 0 and counted.
 * FA = sqrt(1/2)·sqrt((λ1−λ2)² + (λ2−λ3)² + (λ3−λ1)²) / sqrt(λ1² + λ2² + λ3²) (Basser & Pierpaoli, 1996).
 *
 * `maps` (e.g. `["md", "ad", "rd"]`): the other maps of the same fit are cached too, at
 * {@linkcode tensorMapPath}, their digests in the record; an entry without one of them is fitted again.
 *
 * @throws {DmriError} when the gradient table cannot support a tensor fit (checked before the cache is
 * looked at) or the DWI cannot be fitted; nothing is cached then.
 */
export async function acquisitionFa(
  acquisition: Acquisition,
  cachePath: string,
  options: { fitMethod?: "ols" | "wls"; lock?: LockOptions; maps?: readonly TensorMapName[] } = {},
): Promise<AcquisitionFa> {
  const fit: FaCacheRecord["fit"] = { method: options.fitMethod ?? "wls", mask: "median-otsu" };
  const extra = options.maps ?? [];
  // fitTensor's checks, before a cached map (perhaps fitted by code that did not make them) is used.
  const table = await loadGradients(
    acquisition.bvalPath,
    acquisition.bvecPath,
    acquisition.volumes === undefined ? {} : { volumes: acquisition.volumes },
  );
  validateGradientTable(table);
  const first = await cachedFa(acquisition, cachePath, fit, extra);
  if (typeof first !== "string") return first;
  const paths = faCachePaths(cachePath);
  let ready: AcquisitionFa | undefined;
  const lock = await waitLock(paths.lock, {
    ...options.lock,
    purpose: `fa ${cachePath}`,
    pollSeconds: 0.5,
    // Another run is fitting it: use its map once it is there.
    done: async () => {
      const now = await cachedFa(acquisition, cachePath, fit, extra);
      if (typeof now !== "string") ready = now;
      return ready !== undefined;
    },
  });
  if (!lock) return ready!;
  try {
    // Fitted by another run between the first look and the lock?
    const cached = await cachedFa(acquisition, cachePath, fit, extra);
    if (typeof cached !== "string") return cached;
    const problem = cached || first;
    if (problem) console.warn(`[integrity] ${problem}; fitting the FA map again`);
    const inputs = await inputIdentities(acquisition);
    const dwi = await readNifti(acquisition.dwiPath);
    const gtab = await loadGradients(acquisition.bvalPath, acquisition.bvecPath, { volumes: dwi.shape[3] });
    // FA only inside the brain (b0 median-Otsu mask): background noise fits to random, often high, FA that
    // would dominate the normalised slices. Workers only when they pay (lib/dmri's autoFitWorkers): an
    // HCP-size volume on idle cores; a simulated cohort's small volumes, or a busy machine, fit in this thread.
    const mask = brainMask(dwi, gtab);
    const maps = await fitTensorParallel(dwi, gtab, { method: fit.method, mask, workers: "auto" });
    const nonFiniteVoxels = zeroNonFinite(maps.fa);
    const gzip = /\.gz$/i.test(cachePath);
    // The other maps first: the FA map and its record, written last, make the entry.
    const extraDigests: Partial<Record<TensorMapName, FileDigest>> = {};
    for (const name of extra) {
      const path = tensorMapPath(cachePath, name);
      zeroNonFinite(maps[name]);
      const mapBytes = encodeNifti(maps[name], { gzip }, path);
      await atomicWrite(path, mapBytes);
      extraDigests[name] = digestBytes(mapBytes);
    }
    const bytes = encodeNifti(maps.fa, { gzip }, cachePath);
    await atomicWrite(cachePath, bytes);
    const record: FaCacheRecord = {
      format: FA_CACHE_FORMAT,
      map: digestBytes(bytes),
      fit,
      inputs,
      createdAt: new Date().toISOString(),
      nonFiniteVoxels,
      ...(extra.length ? { maps: extraDigests } : {}),
    };
    await atomicWriteSealedJson(paths.record, record);
    return { fa: maps.fa, nonFiniteVoxels };
  } finally {
    await lock.release();
  }
}

/**
 * What a cell's manifest records about its FA inputs: the acquisitions refused for their gradient tables
 * (`subject: files: reason`) and, per map with any, the voxels set to 0 for non-finite DWI samples.
 */
export function faInputsRecord(
  slices: Pick<CohortSlices, "refused" | "nonFiniteVoxels">,
): { refused: string[]; non_finite_voxels: Record<string, number> } {
  const zeroed: Record<string, number> = {};
  for (const [subject, maps] of Object.entries(slices.nonFiniteVoxels)) {
    for (const [acquisition, n] of Object.entries(maps)) if (n > 0) zeroed[`${subject}/${acquisition}`] = n;
  }
  return {
    refused: slices.refused.map((p) => `${p.subject}: ${p.path}: ${p.reason}`),
    non_finite_voxels: zeroed,
  };
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
  const cacheDir = options.cacheDir ?? defaultFaCacheDir(root);
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
  if (options.maxSubjects !== undefined) {
    cohort = { ...cohort, subjects: selectSubjects(cohort.subjects, options.maxSubjects, cohort.groups) };
  }
  const groups = cohort.groups;
  const samples: Sample[] = [];
  const faPaths: Record<string, Record<string, string>> = {};
  const nonFiniteVoxels: Record<string, Record<string, number>> = {};
  const refused: CohortProblem[] = [];
  const wanted = (n: number) => Math.min(n, options.maxAcquisitions ?? n);
  // Planned fits (one more for each refused acquisition that a later one replaces).
  let total = cohort.subjects.reduce((sum, s) => sum + wanted(s.acquisitions.length), 0);
  let done = 0;
  const usable: typeof cohort.subjects = [];
  for (const s of cohort.subjects) {
    const n = s.acquisitions.length, want = wanted(n);
    const used: string[] = [], skippedHere: string[] = [];
    let planned = want;
    // In folder order until `want` are usable: a refused acquisition gives its place to the next one.
    for (const [k, a] of s.acquisitions.entries()) {
      if (used.length >= want) break;
      const cachePath = faCachePath(cacheDir, s.id, a.name, fitMethod);
      let map: AcquisitionFa;
      try {
        map = await acquisitionFa(a, cachePath, { fitMethod });
      } catch (e) {
        if (!(e instanceof DmriError)) throw e;
        console.warn(`[cohort] skipped ${s.id}/${a.name} (${a.dwiPath}): ${e.message}`);
        refused.push({ subject: s.id, path: e.source, reason: `acquisition ${a.name}: ${e.reason}` });
        skippedHere.push(a.name);
        // The next one is tried in its place, if there is one.
        const now = Math.min(n, k + 1 + want - used.length);
        total += now - planned;
        planned = now;
        options.onProgress?.(++done, total, `${s.id}/${a.name} (skipped)`);
        continue;
      }
      if (map.nonFiniteVoxels > 0) {
        console.warn(
          `[cohort] ${a.dwiPath}: ${map.nonFiniteVoxels} voxel(s) with a NaN or infinite DWI sample: ` +
            "their FA is set to 0, the value outside the brain",
        );
      }
      used.push(a.name);
      (faPaths[s.id] ??= {})[a.name] = cachePath;
      (nonFiniteVoxels[s.id] ??= {})[a.name] = map.nonFiniteVoxels;
      const label = groups.indexOf(s.group);
      for (
        const img of sliceVolume(map.fa, {
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
      options.onProgress?.(++done, total, `${s.id}/${a.name}`);
    }
    if (used.length > 0) {
      usable.push({ ...s, acquisitions: s.acquisitions.filter((a) => !skippedHere.includes(a.name)) });
    }
  }
  const problems = [...cohort.problems, ...refused];
  const minSubjects = options.cohort?.minSubjects ?? 1;
  if (usable.length < minSubjects) {
    // As loadCohort says it when no subject is usable at all.
    const first = problems[0];
    const why = `${problems.length} problem(s), first: ${
      first.subject || "cohort"
    }: ${first.path}: ${first.reason}`;
    throw new CohortError(
      cohort.root,
      usable.length === 0
        ? `no usable subjects (${why})`
        : `only ${usable.length} usable subject(s), ${minSubjects} needed (${why})`,
      problems,
    );
  }
  return {
    cohort: { ...cohort, subjects: usable, problems },
    samples,
    groups,
    faPaths,
    nonFiniteVoxels,
    refused,
    settings: { imageSize, slicesPerAxis, fitMethod, normalization },
  };
}
