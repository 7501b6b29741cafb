/**
 * Write a simulated cohort as an HCP-style folder that {@linkcode loadCohort} (lib/data/cohort.ts) reads:
 *
 * ```
 * cohort.json                          # how it was made (options, seed, effects, per-subject draws)
 * participants.tsv                     # subject  age  group  sex   (written last: the cohort is complete)
 * <subject>/<acquisition>/data.nii.gz  # 4-D int16 DWI
 * <subject>/<acquisition>/bvals        # FSL, one row
 * <subject>/<acquisition>/bvecs        # FSL, three rows
 * <subject>/truth/fa.nii.gz            # planted FA (float32), md.nii.gz, brain_mask.nii.gz
 * <subject>/truth/<region>.nii.gz      # uint8 mask of each region with a planted age effect
 * ```
 *
 * Deterministic for a seed, and resumable: every file is written atomically (temporary file + rename) and a
 * file that exists is skipped, so an interrupted run continues where it stopped. A folder made with other
 * options is refused rather than mixed.
 *
 * Scales (any field can still be overridden):
 * | scale | grid | subjects | acquisitions | directions (+b0) |
 * |---|---|---|---|---|
 * | quick | 24³ | 4 (2 young, 2 old) | 2 | 20 (+2) |
 * | default | 48³ | 26 (12 young, 14 old) | 8 | 64 (+6) |
 * | paper | 96³ | 26 | 8 | 90 (+9) |
 *
 * @module
 */
import type { Volume } from "../nifti/volume.ts";
import { atomicWriteJson, atomicWriteText, readJsonIfExists } from "../fs.ts";
import { type DistortionOptions, hcpAcquisitions } from "./acquisitions.ts";
import { gradientScheme } from "./gradient_scheme.ts";
import {
  type AgeEffect,
  type AgeGroup,
  AGEING_EFFECTS,
  DEFAULT_EFFECTS,
  DEFAULT_GROUPS,
  planSubjects,
} from "./subjects.ts";
import type { RealAnatomyOptions } from "./real_anatomy.ts";
import {
  type AnatomySpec,
  buildAnatomy,
  type CohortContext,
  type CohortTask,
  type CohortTaskResult,
  runCohortTask,
} from "./_cohort_task.ts";
import { SynthError } from "./errors.ts";

/** Size presets of {@linkcode simulateCohort}. */
export type CohortScale = "quick" | "default" | "paper";

/** Options of {@linkcode simulateCohort}. */
export interface SimulateCohortOptions {
  /** Size preset; the fields below override it. @default "default" */
  scale?: CohortScale;
  /** Seed of every draw (anatomy, ages, directions, noise). @default 0 */
  seed?: number;
  /**
   * Region layout of the phantom (ignored with `realAnatomy`): `"classic"` or `"ageing"` (genu, fornix and
   * frontal tracts; its planted effects default to AGEING_EFFECTS). @default "classic"
   */
  layout?: "classic" | "ageing";
  /** Grid of the phantom (ignored with `realAnatomy`). @default by scale: 24, 48, 96 */
  shape?: number | [number, number, number];
  /** Age groups. @default by scale: 2+2 (quick), else 12 young 8–15 and 14 old 25–75 years */
  groups?: readonly AgeGroup[];
  /** Planted FA effects. @default DEFAULT_EFFECTS (AGEING_EFFECTS with `layout: "ageing"`) */
  effects?: readonly AgeEffect[];
  /** Acquisition variants per subject, 1–8. @default by scale: 2, 8, 8 */
  acquisitions?: number;
  /** Directions per shell of the first direction set (the second has one more). @default by scale: 20, 64, 90 */
  directions?: number;
  /** b=0 volumes per series. @default by scale: 2, 6, 9 */
  b0Count?: number;
  /** Shell b-values, s/mm². @default [1000] */
  shells?: number[];
  /** White-matter SNR at b = 0. @default 20 */
  snr?: number;
  /** White-matter b0 signal in stored units. @default 1000 */
  signalScale?: number;
  /** Compartment mixing (see lib/synth/simulate.ts). @default "tensor" */
  mixing?: "tensor" | "signal";
  /** Acquisition distortion strengths. @default {} */
  distortion?: DistortionOptions;
  /** Anatomy from a real FA + V1 instead of the phantom. @default undefined */
  realAnatomy?: { fa: Volume; v1: Volume } & RealAnatomyOptions;
  /** Per-subject FA jitter (SD) in every region. @default 0.01 */
  faJitter?: number;
  /** Worker threads (0 = run in this thread). @default min(4, navigator.hardwareConcurrency) */
  workers?: number;
  /** gzip level of the NIfTI files. @default 6 */
  compressionLevel?: number;
  /** Called after each finished unit of work. */
  onProgress?: (done: number, total: number, result: CohortTaskResult) => void;
}

/** What {@linkcode simulateCohort} did. */
export interface SimulatedCohort {
  /** The output folder. */
  dir: string;
  /** Subject ids in participants.tsv order. */
  subjects: string[];
  /** Acquisition folder names. */
  acquisitions: string[];
  /** Regions with a planted effect (their masks are under truth/). */
  regions: string[];
  /** Files written by this call. */
  written: number;
  /** Files already present and kept. */
  skipped: number;
  /** Wall time, s. */
  seconds: number;
}

const SCALES: Record<
  CohortScale,
  { shape: number; groups: AgeGroup[]; acquisitions: number; directions: number; b0Count: number }
> = {
  quick: {
    shape: 24,
    groups: [
      { name: "young", count: 2, minAge: 8, maxAge: 15 },
      { name: "old", count: 2, minAge: 25, maxAge: 75 },
    ],
    acquisitions: 2,
    directions: 20,
    b0Count: 2,
  },
  default: { shape: 48, groups: [...DEFAULT_GROUPS], acquisitions: 8, directions: 64, b0Count: 6 },
  paper: { shape: 96, groups: [...DEFAULT_GROUPS], acquisitions: 8, directions: 90, b0Count: 9 },
};

/** Bumped when the simulator's output changes for the same options. */
const GENERATOR_VERSION = 1;

/**
 * Simulate a cohort and write it under `dir` (see the module documentation for the layout).
 *
 * @example
 * const cohort = await simulateCohort("data/synth/quick", { scale: "quick", seed: 1 });
 * const loaded = await loadCohort(cohort.dir);
 */
export async function simulateCohort(
  dir: string,
  options: SimulateCohortOptions = {},
): Promise<SimulatedCohort> {
  const started = performance.now();
  const preset = SCALES[options.scale ?? "default"];
  if (!preset) throw new SynthError("scale", `unknown scale '${options.scale}' (quick, default, paper)`);
  const seed = options.seed ?? 0;
  const directions = options.directions ?? preset.directions;
  const anatomySpec: AnatomySpec = options.realAnatomy
    ? { kind: "real", ...options.realAnatomy }
    : options.layout && options.layout !== "classic"
    ? { kind: "phantom", shape: options.shape ?? preset.shape, layout: options.layout }
    : { kind: "phantom", shape: options.shape ?? preset.shape };
  const anatomy = buildAnatomy(anatomySpec);
  const effects = options.effects ??
    (anatomy.name === "phantom-ageing" ? AGEING_EFFECTS : DEFAULT_EFFECTS)
      .filter((e) => anatomy.regions.includes(e.region));
  const groups = options.groups ?? preset.groups;
  const subjects = planSubjects(anatomy.regions, { groups, effects, seed, faJitter: options.faJitter });
  const acquisitions = hcpAcquisitions(options.acquisitions ?? preset.acquisitions, directions);
  const schemeOptions = { b0Count: options.b0Count ?? preset.b0Count, shells: options.shells ?? [1000] };
  const schemes = [
    gradientScheme({ ...schemeOptions, directions, seed: 2 * seed + 1 }),
    gradientScheme({ ...schemeOptions, directions: directions + 1, seed: 2 * seed + 2 }),
  ] as CohortContext["schemes"];
  const truthRegions = [...new Set(effects.filter((e) => e.deltaFA !== 0).map((e) => e.region))];
  const context: CohortContext = {
    dir,
    anatomy: anatomySpec,
    subjects,
    acquisitions,
    schemes,
    snr: options.snr ?? 20,
    signalScale: options.signalScale ?? 1000,
    mixing: options.mixing ?? "tensor",
    distortion: options.distortion ?? {},
    seed,
    compressionLevel: options.compressionLevel ?? 6,
    truthRegions,
  };
  const record = {
    generator: `cam-dmri lib/synth v${GENERATOR_VERSION}`,
    anatomy: anatomy.name,
    anatomyChecksum: options.realAnatomy
      ? checksum([options.realAnatomy.fa.data, options.realAnatomy.v1.data])
      : undefined,
    grid: anatomy.grid,
    regions: anatomy.regions,
    seed,
    groups,
    effects,
    truthRegions,
    acquisitions,
    directions,
    b0Count: schemeOptions.b0Count,
    shells: schemeOptions.shells,
    snr: context.snr,
    signalScale: context.signalScale,
    mixing: context.mixing,
    distortion: context.distortion,
    faJitter: options.faJitter ?? 0.01,
    subjects: subjects.map((s) => ({
      id: s.id,
      age: s.age,
      group: s.group,
      sex: s.sex,
      faShift: s.faShift,
      ageEffect: s.ageEffect,
    })),
  };
  await Deno.mkdir(dir, { recursive: true });
  const previous = await readJsonIfExists<typeof record>(`${dir}/cohort.json`);
  if (
    previous !== undefined && JSON.stringify(previous) !== JSON.stringify(JSON.parse(JSON.stringify(record)))
  ) {
    throw new SynthError(
      dir,
      "holds a cohort simulated with other options (cohort.json differs); use another folder",
    );
  }
  if (previous === undefined) await atomicWriteJson(`${dir}/cohort.json`, record);

  const tasks: CohortTask[] = [];
  subjects.forEach((_, s) => {
    tasks.push({ subject: s, acquisition: -1 });
    acquisitions.forEach((_, a) => tasks.push({ subject: s, acquisition: a }));
  });
  const workers = Math.max(
    0,
    Math.min(options.workers ?? Math.min(4, navigator.hardwareConcurrency ?? 1), tasks.length),
  );
  let written = 0, skipped = 0, done = 0;
  const record1 = (result: CohortTaskResult) => {
    written += result.written.length;
    skipped += result.skipped.length;
    options.onProgress?.(++done, tasks.length, result);
  };
  if (workers === 0) {
    for (const task of tasks) record1(await runCohortTask(context, anatomy, task));
  } else {
    await runInWorkers(context, tasks, workers, record1);
  }
  const table = [
    "subject\tage\tgroup\tsex",
    ...subjects.map((s) => `${s.id}\t${s.age}\t${s.group}\t${s.sex}`),
  ];
  await atomicWriteText(`${dir}/participants.tsv`, table.join("\n") + "\n");
  return {
    dir,
    subjects: subjects.map((s) => s.id),
    acquisitions: acquisitions.map((a) => a.name),
    regions: truthRegions,
    written,
    skipped,
    seconds: (performance.now() - started) / 1000,
  };
}

/** FNV-1a over the bytes of the arrays: tells two real anatomies apart in cohort.json. */
function checksum(arrays: ArrayBufferView[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * `value` with every typed array that views part of a larger buffer (a caller's subarray, say) replaced
 * by a compact copy, so that postMessage copies the data, not the whole buffer.
 */
function compactViews<T>(value: T): T {
  if (ArrayBuffer.isView(value)) {
    const v = value as unknown as Uint8Array;
    const compact = v.byteLength < v.buffer.byteLength && !(value instanceof DataView);
    return (compact ? v.slice() : v) as unknown as T;
  }
  if (Array.isArray(value)) return value.map(compactViews) as unknown as T;
  if (value != null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactViews(v)])) as T;
  }
  return value;
}

async function runInWorkers(
  context: CohortContext,
  tasks: CohortTask[],
  count: number,
  onDone: (result: CohortTaskResult) => void,
): Promise<void> {
  const queue = [...tasks];
  const pool = Array.from(
    { length: count },
    () => new Worker(new URL("./_cohort_worker.ts", import.meta.url).href, { type: "module" }),
  );
  try {
    await Promise.all(pool.map((worker) =>
      new Promise<void>((resolve, reject) => {
        const next = () => {
          const task = queue.shift();
          if (task === undefined) resolve();
          else worker.postMessage({ type: "task", task });
        };
        worker.onmessage = (event: MessageEvent) => {
          const message = event.data;
          if (message.type === "error") reject(new SynthError(context.dir, message.message));
          else if (message.type === "ready") next();
          else {
            onDone(message.result);
            next();
          }
        };
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new SynthError(context.dir, `worker failed: ${event.message}`));
        };
        worker.postMessage({ type: "init", context: compactViews(context) });
      })
    ));
  } finally {
    for (const worker of pool) worker.terminate();
  }
}
