/**
 * One unit of cohort writing (a subject's truth maps, or one acquisition's DWI + bvals + bvecs), shared by the
 * main thread and the worker so that both produce byte-identical files.
 *
 * @module
 */
import { isFile } from "../fs.ts";
import type { Volume } from "../nifti/volume.ts";
import { writeNifti } from "../nifti/write.ts";
import { atomicWriteText } from "../fs.ts";
import type { Anatomy } from "./anatomy.ts";
import { brainPhantom, type PhantomOptions } from "./phantom.ts";
import { realAnatomy, type RealAnatomyOptions } from "./real_anatomy.ts";
import { type AcquisitionSpec, acquisitionWarp, type DistortionOptions } from "./acquisitions.ts";
import { formatBvals, formatBvecs, type GradientScheme } from "./gradient_scheme.ts";
import { plantedMaps, simulateDwi } from "./simulate.ts";
import type { SyntheticSubject } from "./subjects.ts";

/** How to build the anatomy (plain data, so it can be sent to a worker). */
export type AnatomySpec =
  | ({ kind: "phantom" } & PhantomOptions)
  | ({ kind: "real"; fa: Volume; v1: Volume } & RealAnatomyOptions);

/** Everything a task needs besides its own indices. */
export interface CohortContext {
  dir: string;
  anatomy: AnatomySpec;
  subjects: SyntheticSubject[];
  acquisitions: AcquisitionSpec[];
  /** One scheme per direction set. */
  schemes: [GradientScheme, GradientScheme];
  snr: number;
  signalScale: number;
  mixing: "tensor" | "signal";
  distortion: DistortionOptions;
  seed: number;
  compressionLevel: number;
  /** Regions whose ground-truth masks are written (those with a planted effect). */
  truthRegions: string[];
}

/** Subject `subject`'s truth maps (acquisition −1) or acquisition `acquisition`. */
export interface CohortTask {
  subject: number;
  acquisition: number;
}

/** What a task did. */
export interface CohortTaskResult {
  written: string[];
  skipped: string[];
}

/** The anatomy an {@linkcode AnatomySpec} describes. */
export function buildAnatomy(spec: AnatomySpec): Anatomy {
  if (spec.kind === "phantom") return brainPhantom(spec);
  const { fa, v1, ...options } = spec;
  return realAnatomy(fa, v1, options);
}

/** Run one task; files that already exist are kept (every write is atomic, so an existing file is complete). */
export async function runCohortTask(
  context: CohortContext,
  anatomy: Anatomy,
  task: CohortTask,
): Promise<CohortTaskResult> {
  const subject = context.subjects[task.subject];
  const written: string[] = [], skipped: string[] = [];
  const level = context.compressionLevel;
  const put = async (path: string, make: () => Volume | string) => {
    if (await isFile(path)) {
      skipped.push(path);
      return;
    }
    const value = make();
    if (typeof value === "string") await atomicWriteText(path, value);
    else await writeNifti(value, path, { compressionLevel: level });
    written.push(path);
  };
  if (task.acquisition < 0) {
    const base = `${context.dir}/${subject.id}/truth`;
    const regions = context.truthRegions;
    const names = ["fa", "md", "brain_mask", ...regions];
    const missing: string[] = [];
    for (const name of names) if (!(await isFile(`${base}/${name}.nii.gz`))) missing.push(name);
    if (missing.length === 0) {
      skipped.push(...names.map((n) => `${base}/${n}.nii.gz`));
      return { written, skipped };
    }
    await Deno.mkdir(base, { recursive: true });
    const maps = plantedMaps(anatomy, subject, { regions });
    const all: Record<string, Volume> = {
      fa: maps.fa,
      md: maps.md,
      brain_mask: maps.brainMask,
      ...maps.regions,
    };
    for (const name of names) await put(`${base}/${name}.nii.gz`, () => all[name]);
    return { written, skipped };
  }
  const spec = context.acquisitions[task.acquisition];
  const scheme = context.schemes[spec.directionSet];
  const base = `${context.dir}/${subject.id}/${spec.name}`;
  await Deno.mkdir(base, { recursive: true });
  await put(`${base}/bvals`, () => formatBvals(scheme));
  await put(`${base}/bvecs`, () => formatBvecs(scheme));
  await put(`${base}/data.nii.gz`, () =>
    simulateDwi(anatomy, subject, scheme, {
      snr: context.snr,
      signalScale: context.signalScale,
      mixing: context.mixing,
      seed: noiseSeed(context.seed, task),
      warp: acquisitionWarp(spec, anatomy.brainRadii, context.distortion),
    }));
  return { written, skipped };
}

/** The noise seed of one acquisition: a hash of (cohort seed, subject, acquisition). */
function noiseSeed(seed: number, task: CohortTask): number {
  let h = 2166136261 ^ seed;
  for (const v of [task.subject, task.acquisition]) {
    h = Math.imul(h ^ v, 16777619);
    h ^= h >>> 13;
  }
  return h >>> 0;
}
