/**
 * Experiment grids: a JSON config naming the axes of a study (models x pooling x seeds x split x augmentation x
 * dataset x scale) expands to cells, each with a stable id so that a rerun recognises the cells it has finished.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";

/** Errors in a grid config: names the config and the problem. */
export class GridError extends CamDmriError {
  constructor(source: string, reason: string) {
    super(source, reason);
    this.name = "GridError";
  }
}

/** Training settings shared by every cell of a grid. */
export interface TrainingSettings {
  /** @default 10 */
  epochs?: number;
  /** @default 32 */
  batchSize?: number;
  /** @default 1e-3 */
  learningRate?: number;
  /** @default "adam" */
  optimizer?: "adam" | "sgd";
  /** Early-stopping patience in epochs (0 = off). @default 0 */
  patience?: number;
  [key: string]: unknown;
}

/** CAM and localization settings shared by every cell. */
export interface CamSettings {
  /** Methods to run on the test set. @default ["cam", "grad-cam", "grad-cam++", "saliency"] */
  methods?: string[];
  /** Box threshold τ (fraction of the map's max). @default 0.2 */
  threshold?: number;
  /** ReLU before normalising (per method default when absent). */
  relu?: boolean;
  /** Normalisation of each map. @default "minmax" */
  normalize?: "minmax" | "max" | "none";
  [key: string]: unknown;
}

/** A grid config as stored in `experiments/configs/<name>.json`. */
export interface GridConfig {
  /** Grid name: results go to `experiments/<name>/`. */
  name: string;
  /** Free text shown in tables and notebooks. */
  description?: string;
  /** Datasets, e.g. "cohort" (simulated or `--data`), "digits" (cluttered digits). */
  datasets: string[];
  /** Registry names of the backbones, e.g. "alexnet", "googlenet" (pooling is its own axis). */
  models: string[];
  /** Global pooling heads. @default ["gap"] */
  pooling?: ("gap" | "gmp")[];
  /** Seeds; each gives an independent run. @default [0] */
  seeds?: number[];
  /** Subject-level (honest) or slice-level (leaky, the seed paper's) splits. @default ["subject"] */
  splits?: ("subject" | "slice")[];
  /** Augmentation presets: "none" or "seed" (flip, noise, resize, crop, erasing). @default ["seed"] */
  augmentations?: string[];
  /** Data scales. @default ["quick"] */
  scales?: ("quick" | "default" | "paper")[];
  /** Width multiplier of the backbones. @default 0.125 */
  widthMultiplier?: number;
  /** Input image size in pixels. @default 64 */
  imageSize?: number;
  training?: TrainingSettings;
  cam?: CamSettings;
  /** Dataset options passed to every cell (e.g. `maxAcquisitions`, `camSubjects`, digits counts). @default {} */
  data?: Record<string, unknown>;
}

/** One cell of a grid: everything one run needs. */
export interface GridCell {
  /** Stable, readable id: `<dataset>-<model>-<pooling>-<split>-<augmentation>-<scale>-s<seed>-<hash>`. */
  id: string;
  grid: string;
  dataset: string;
  model: string;
  pooling: "gap" | "gmp";
  seed: number;
  split: "subject" | "slice";
  augmentation: string;
  scale: "quick" | "default" | "paper";
  widthMultiplier: number;
  imageSize: number;
  training: Required<
    Pick<TrainingSettings, "epochs" | "batchSize" | "learningRate" | "optimizer" | "patience">
  >;
  cam: Required<Pick<CamSettings, "methods" | "threshold" | "normalize">> & CamSettings;
  /** Dataset options of the grid. */
  data: Record<string, unknown>;
}

/** FNV-1a 32-bit hash of a string, as 8 hex digits (stable across runs and platforms). */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function nonEmpty<T>(source: string, key: string, value: T[] | undefined, fallback: T[]): T[] {
  const v = value ?? fallback;
  if (!Array.isArray(v) || v.length === 0) throw new GridError(source, `"${key}" must be a non-empty array`);
  return v;
}

/**
 * Expand a grid config into its cells: the Cartesian product datasets x models x pooling x splits x
 * augmentations x scales x seeds, in that nesting order (seeds vary fastest).
 *
 * Each cell id ends in a hash of the cell's full settings, so changing e.g. the epochs makes new cells
 * instead of reusing finished ones made under other settings.
 */
export function expandGrid(config: GridConfig, options: { source?: string } = {}): GridCell[] {
  const source = options.source ?? `grid ${config?.name ?? "?"}`;
  if (!config || typeof config.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(config.name)) {
    throw new GridError(source, `"name" must be letters, digits, '.', '_' or '-'`);
  }
  const datasets = nonEmpty(source, "datasets", config.datasets, []);
  const models = nonEmpty(source, "models", config.models, []);
  const pooling = nonEmpty<"gap" | "gmp">(source, "pooling", config.pooling, ["gap"]);
  const seeds = nonEmpty(source, "seeds", config.seeds, [0]);
  const splits = nonEmpty<"subject" | "slice">(source, "splits", config.splits, ["subject"]);
  const augmentations = nonEmpty(source, "augmentations", config.augmentations, ["seed"]);
  const scales = nonEmpty<"quick" | "default" | "paper">(source, "scales", config.scales, ["quick"]);
  for (const p of pooling) {
    if (p !== "gap" && p !== "gmp") throw new GridError(source, `unknown pooling "${p}"`);
  }
  for (const s of splits) {
    if (s !== "subject" && s !== "slice") throw new GridError(source, `unknown split "${s}"`);
  }
  for (const s of scales) {
    if (!["quick", "default", "paper"].includes(s)) throw new GridError(source, `unknown scale "${s}"`);
  }
  for (const s of seeds) if (!Number.isInteger(s)) throw new GridError(source, `seed ${s} is not an integer`);
  const training = {
    epochs: 10,
    batchSize: 32,
    learningRate: 1e-3,
    optimizer: "adam" as const,
    patience: 0,
    ...config.training,
  };
  const cam = {
    methods: ["cam", "grad-cam", "grad-cam++", "saliency"],
    threshold: 0.2,
    normalize: "minmax" as const,
    ...config.cam,
  };
  const widthMultiplier = config.widthMultiplier ?? 0.125;
  const imageSize = config.imageSize ?? 64;
  const cells: GridCell[] = [];
  for (const dataset of datasets) {
    for (const model of models) {
      for (const pool of pooling) {
        for (const split of splits) {
          for (const augmentation of augmentations) {
            for (const scale of scales) {
              for (const seed of seeds) {
                const body: Omit<GridCell, "id"> = {
                  grid: config.name,
                  dataset,
                  model,
                  pooling: pool,
                  seed,
                  split,
                  augmentation,
                  scale,
                  widthMultiplier,
                  imageSize,
                  training,
                  cam,
                  data: config.data ?? {},
                };
                const hash = fnv1a(JSON.stringify(body)).slice(0, 6);
                const id = `${dataset}-${model}-${pool}-${split}-${augmentation}-${scale}-s${seed}-${hash}`;
                cells.push({ id, ...body });
              }
            }
          }
        }
      }
    }
  }
  return cells;
}

/** Read and expand a grid config file; errors name the file. */
export async function loadGrid(path: string): Promise<{ config: GridConfig; cells: GridCell[] }> {
  let config: GridConfig;
  try {
    config = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new GridError(path, e instanceof SyntaxError ? `not valid JSON (${e.message})` : String(e));
  }
  return { config, cells: expandGrid(config, { source: path }) };
}
