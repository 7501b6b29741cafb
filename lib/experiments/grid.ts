/**
 * Experiment grids: a JSON config naming the axes of a study (models x pooling x seeds x split x augmentation x
 * dataset x scale) expands to cells, each with a stable id so that a rerun recognises the cells it has finished.
 *
 * **Checked when it loads.** Every field of a config is checked by {@linkcode expandGrid} and
 * {@linkcode loadGrid}: an unknown field, a wrong type or value, or a dataset the grid's schema does not know
 * is a {@linkcode GridError} naming the config file and the field's path, e.g.
 * `experiments/configs/digits-quick.json: data.counts.train: expected a positive integer, got "16"`.
 * Which datasets there are and which `data` options each takes is the study's knowledge, not this module's:
 * the study passes a {@linkcode GridSchema} (lib/study's `STUDY_GRID`) and gets its cells back as its typed
 * union (`CohortCell | DigitsCell | TransferCell`). Without a schema any dataset name is accepted and `data`
 * is passed on as it is (the runner's tests use toy datasets).
 *
 * **Cell ids.** `<dataset>-<model>-<pooling>-<split>-<augmentation>-<scale>-s<seed>-<hash>`, the hash being
 * {@linkcode cellHash} of the cell's settings with the grid's `data` exactly as the config (or the caller)
 * wrote it: checking the config changes no id, so results of earlier runs are found again.
 *
 * **Folds.** A grid with `"folds": k` is k-fold cross-validation over subjects: each cell of the product
 * becomes k cells, fold 0..k−1, with ids `...-s<seed>-f<fold>of<k>-<hash>` (fold and folds hashed too). A
 * grid without `folds` makes exactly the cells and ids it always has.
 *
 * @module
 */

import { CamDmriError } from "../errors.ts";
import { fnv1a32 } from "../rng.ts";
import {
  type FieldCheck,
  FieldError,
  fieldPath,
  fields,
  type FieldSpec,
  preview,
  unknownField,
} from "./fields.ts";

/** Errors in a grid config: names the config (file) and the problem; `field` is the field's path, if any. */
export class GridError extends CamDmriError {
  /** Path of the field at fault (`data.counts.train`), when the problem is one field's. */
  readonly field?: string;
  constructor(source: string, reason: string, field?: string) {
    super(source, field ? `${field}: ${reason}` : reason);
    this.name = "GridError";
    if (field) this.field = field;
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
  /**
   * Learning-rate schedule after the warm-up (lib/train `learningRateAt`): "constant" (η₀), or "cosine"
   * (η = η₀ (1 + cos πτ) / 2, τ the fraction of the post-warm-up steps done). A grid without it keeps its
   * cell ids. 2-D cells only. @default "constant"
   */
  schedule?: "constant" | "cosine";
  /** Linear warm-up epochs: η = η₀ (s + 1) / S over the first S steps. A grid without it keeps its ids. @default 0 */
  warmupEpochs?: number;
}

/** A cell's training settings: every field of {@linkcode TrainingSettings}, the defaults filled in. */
export type CellTraining = Required<Omit<TrainingSettings, "schedule" | "warmupEpochs">> & {
  schedule: "constant" | "cosine";
  warmupEpochs: number;
};

/**
 * Options of every cell's backbone beyond width and input size (lib/models `ModelOptions`); absent ones take
 * the architecture's defaults. A grid without `modelOptions` keeps its cell ids.
 */
export interface ModelSettings {
  /** "he", or "data": rescaled on training images before the first step (lib/models `initFromData`). */
  init?: "he" | "data";
  /** Batch norm after every conv, replacing LRN. */
  batchNorm?: boolean;
  /** Dropout rate on the pooled features before the classifier. */
  dropout?: number;
  /** Total stride to the CAM layer: the last pools' strides set to 1 until it is reached (a finer CAM map). */
  outputStride?: number;
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
  /**
   * Layer the gradient methods (Grad-CAM, Grad-CAM++, Score-CAM) explain, per model family (a grid's `models`
   * name), e.g. `{ "alexnet": "conv3" }`: one of the model's layer names. CAM itself stays at the layer that
   * feeds global pooling (its definition) and saliency at the input. @default each model's CAM layer
   */
  layers?: Record<string, string>;
}

/** A grid's `data` options as written: checked per dataset by a {@linkcode GridSchema}. */
export type GridData = Readonly<Record<string, unknown>>;

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
  /**
   * k-fold cross-validation over subjects (k ≥ 2): every cell becomes k fold cells, fold f testing the
   * subjects lib/data's `subjectFolds` deals to it (by the cell's seed), so that over the folds every subject
   * is tested once. Needs `splits` ["subject"] and datasets the schema lets fold
   * ({@linkcode GridSchema}`.foldDatasets`). @default absent (one split per cell)
   */
  folds?: number;
  /** Width multiplier of the backbones. @default 0.125 */
  widthMultiplier?: number;
  /** Input image size in pixels. @default 64 */
  imageSize?: number;
  training?: TrainingSettings;
  /** Backbone options shared by every cell. @default {} (the architecture's defaults) */
  modelOptions?: ModelSettings;
  cam?: CamSettings;
  /**
   * Options of the grid's datasets (e.g. `maxAcquisitions`, `camSubjects`, digits `counts`): each field must
   * be an option of at least one of the grid's datasets, and each dataset's cells get the fields that are
   * its options. @default {}
   */
  data?: GridData;
}

/** One cell of a grid: everything one run needs; `Data` is its dataset's options ({@linkcode GridSchema}). */
export interface GridCell<Dataset extends string = string, Data extends object = GridData> {
  /** Stable, readable id: `<dataset>-<model>-<pooling>-<split>-<augmentation>-<scale>-s<seed>-<hash>`. */
  id: string;
  grid: string;
  dataset: Dataset;
  model: string;
  pooling: "gap" | "gmp";
  seed: number;
  split: "subject" | "slice";
  augmentation: string;
  scale: "quick" | "default" | "paper";
  /** The fold this cell tests, 0 ≤ fold < folds (only in a grid with `folds`). */
  fold?: number;
  /** The grid's k of k-fold cross-validation (only in a grid with `folds`). */
  folds?: number;
  widthMultiplier: number;
  imageSize: number;
  training: CellTraining;
  /** Backbone options, when the grid gives any. */
  modelOptions?: ModelSettings;
  cam: Required<Pick<CamSettings, "methods" | "threshold" | "normalize">> & CamSettings;
  /** Its dataset's options (with a schema: only those, checked; absent ones take their defaults). */
  data: Data;
}

/** Any cell, whatever its dataset's options: what the runner and its helpers accept. */
export type AnyGridCell = GridCell<string, object>;

/** The checkers of one dataset's `data` options (absent ones are left out: the cell applies defaults). */
export type DataSpec<Data> = FieldSpec<Data>;

/** For each dataset of a cell union, the checkers of its options: `{ cohort: DataSpec<CohortData>, ... }`. */
export type DatasetSpecs<Cell extends AnyGridCell> = {
  readonly [D in Cell["dataset"]]: DataSpec<Extract<Cell, { dataset: D }>["data"]>;
};

/**
 * What a study knows about its grids, given to {@linkcode expandGrid} / {@linkcode loadGrid} so that its
 * configs are checked when they load and its cells come back typed as `Cell`.
 */
export interface GridSchema<Cell extends AnyGridCell> {
  /** The datasets a grid may name, each with the checkers of its `data` options. */
  datasets: DatasetSpecs<Cell>;
  /** CAM methods a grid may list in `cam.methods`. @default any names */
  camMethods?: readonly string[];
  /** Augmentation presets a grid may list. @default any names */
  augmentations?: readonly string[];
  /**
   * The datasets whose cells may run as folds (a grid's `folds`): those that split subjects.
   * @default any dataset without a schema; none named, none with one
   */
  foldDatasets?: readonly string[];
}

/** Options of {@linkcode expandGrid} and {@linkcode loadGrid}. */
export interface ExpandGridOptions {
  /** What errors name as the config. @default `grid <name>` (loadGrid: the file) */
  source?: string;
}

const GRID_NAME: FieldCheck<string> = (value, path) => {
  const name = fields.name(value, path);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new FieldError(path, `expected letters, digits, '.', '_' or '-', got ${preview(value)}`);
  }
  return name;
};

function axis<T>(item: FieldCheck<T>): FieldCheck<T[]> {
  return fields.arrayOf(item, { nonEmpty: true, distinct: true });
}

const TRAINING_SPEC: FieldSpec<TrainingSettings> = {
  epochs: fields.positiveInteger,
  batchSize: fields.positiveInteger,
  learningRate: fields.positiveNumber,
  optimizer: fields.oneOf(["adam", "sgd"] as const),
  patience: fields.nonNegativeInteger,
  schedule: fields.oneOf(["constant", "cosine"] as const),
  warmupEpochs: fields.nonNegativeInteger,
};

const MODEL_SPEC: FieldSpec<ModelSettings> = {
  init: fields.oneOf(["he", "data"] as const),
  batchNorm: fields.boolean,
  dropout: fields.fraction,
  outputStride: fields.positiveInteger,
};

/** `{ name: layer name }`: an object of non-empty strings. */
const LAYER_MAP: FieldCheck<Record<string, string>> = (value, path) =>
  Object.fromEntries(
    Object.entries(fields.anyObject(value, path)).map(([k, v]) => [k, fields.name(v, fieldPath(path, k))]),
  );

const CAM_SPEC: FieldSpec<CamSettings> = {
  methods: axis(fields.name),
  layers: LAYER_MAP,
  threshold: fields.fraction,
  relu: fields.boolean,
  normalize: fields.oneOf(["minmax", "max", "none"] as const),
};

/** The checker of a whole config (its `data` only as an object: the schema's datasets check its fields). */
const checkConfig = fields.object<GridConfig>({
  name: GRID_NAME,
  description: fields.string,
  datasets: axis(fields.name),
  models: axis(fields.name),
  pooling: axis(fields.oneOf(["gap", "gmp"] as const)),
  seeds: axis(fields.integer),
  splits: axis(fields.oneOf(["subject", "slice"] as const)),
  augmentations: axis(fields.name),
  scales: axis(fields.oneOf(["quick", "default", "paper"] as const)),
  folds: (value, path) => {
    const k = fields.positiveInteger(value, path);
    if (k < 2) throw new FieldError(path, `expected an integer ≥ 2 (k of k-fold), got ${preview(value)}`);
    return k;
  },
  widthMultiplier: fields.positiveNumber,
  imageSize: fields.positiveInteger,
  training: fields.object(TRAINING_SPEC),
  modelOptions: fields.object(MODEL_SPEC),
  cam: fields.object(CAM_SPEC),
  data: fields.anyObject,
}, { required: ["name", "datasets", "models"] });

/** A schema's dataset checkers as a plain table (the one view of a generic schema this module needs). */
type SpecTable = Readonly<Record<string, Readonly<Record<string, FieldCheck<unknown>>>>>;

function specTable(schema: { datasets: object }): SpecTable {
  return schema.datasets as SpecTable;
}

/** Rethrow a FieldError as a GridError naming `source`; anything else as it is. */
function named<T>(source: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof FieldError) throw new GridError(source, e.reason, e.path || undefined);
    throw e;
  }
}

/**
 * The options of `dataset` among `data`: each checked by the dataset's checkers; a field that is none of
 * `siblings`' options either (the grid's other datasets) is an error, one that is theirs is left to them.
 */
function datasetData(
  data: GridData,
  dataset: string,
  specs: SpecTable,
  siblings: readonly string[],
): Record<string, unknown> {
  const spec = specs[dataset];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (Object.hasOwn(spec, key)) {
      if (value !== undefined) out[key] = spec[key](value, fieldPath("data", key));
    } else if (!siblings.some((d) => Object.hasOwn(specs[d], key))) {
      throw unknownField("data", key, Object.keys(spec), `"${dataset}" cells`);
    }
  }
  return out;
}

/** A dataset the schema does not let fold: a FieldError naming the ones it does. */
function foldable(path: string, dataset: string, schema: { foldDatasets?: readonly string[] }): void {
  const allowed = schema.foldDatasets ?? [];
  if (!allowed.includes(dataset)) {
    throw new FieldError(
      path,
      `"${dataset}" cells cannot run as folds (folds: k-fold over subjects is for ${
        allowed.length ? allowed.map((d) => `"${d}"`).join(", ") : "no dataset of this schema"
      } cells)`,
    );
  }
}

function knownName(path: string, value: string, known: readonly string[] | undefined, what: string): void {
  if (known && !known.includes(value)) {
    throw new FieldError(path, `unknown ${what} ${JSON.stringify(value)} (known: ${known.join(", ")})`);
  }
}

/** FNV-1a 32-bit hash of a string ({@linkcode fnv1a32}) as 8 hex digits: the same on every platform. */
export function fnv1a(text: string): string {
  return fnv1a32(text).toString(16).padStart(8, "0");
}

const TRAINING_DEFAULTS: Required<Omit<TrainingSettings, "schedule" | "warmupEpochs">> = {
  epochs: 10,
  batchSize: 32,
  learningRate: 1e-3,
  optimizer: "adam",
  patience: 0,
};
/** Defaults outside the hash (fields added later: grids that do not write them keep their cell ids). */
const TRAINING_UNHASHED_DEFAULTS = { schedule: "constant", warmupEpochs: 0 } as const;

/** Fresh each time: cells of one grid share their settings, grids never do. */
function camDefaults(): GridCell["cam"] {
  return { methods: ["cam", "grad-cam", "grad-cam++", "saliency"], threshold: 0.2, normalize: "minmax" };
}

/** A cell's settings, as hashed into its id: everything but the id, `data` as the grid wrote it. */
export type CellSettings = Omit<GridCell, "id" | "training"> & {
  /** As the config wrote it over the defaults: the fields added later (schedule, warm-up) only when written. */
  training:
    & Omit<CellTraining, "schedule" | "warmupEpochs">
    & Pick<TrainingSettings, "schedule" | "warmupEpochs">;
};

/**
 * The hash that ends a cell id: the first 6 hex digits of {@linkcode fnv1a} of the settings' JSON. The
 * JSON depends on key order, so `settings` must be built as expandGrid builds it (grid, dataset, model,
 * pooling, seed, split, augmentation, scale, widthMultiplier, imageSize, training, cam, data, then
 * modelOptions, fold and folds where the grid has them; training and cam as their defaults overridden by the
 * config, data as written): changing that changes every id, and
 * results of earlier runs would no longer be found. tests/study pins the ids of every config in
 * experiments/configs.
 */
export function cellHash(settings: CellSettings): string {
  return fnv1a(JSON.stringify(settings)).slice(0, 6);
}

/**
 * Expand a grid config into its cells: the Cartesian product datasets x models x pooling x splits x
 * augmentations x scales x seeds (x folds 0..k−1 in a grid with `folds`), in that nesting order (the last
 * varies fastest).
 *
 * Each cell id ends in a hash of the cell's full settings ({@linkcode cellHash}), so changing e.g. the
 * epochs makes new cells instead of reusing finished ones made under other settings.
 *
 * Every field is checked first (see the module doc): a problem is a {@linkcode GridError} naming `source`
 * and the field's path. With a `schema`, the datasets must be the schema's, each field of `data` an option
 * of at least one of the grid's datasets (checked by each that takes it), and each cell gets its dataset's
 * options only, typed as the schema's `Cell`.
 *
 * @example
 * const cells = expandGrid({ name: "toy", datasets: ["digits"], models: ["small"] }, { schema: STUDY_GRID });
 */
export function expandGrid(config: GridConfig, options?: ExpandGridOptions): GridCell[];
export function expandGrid<Cell extends AnyGridCell>(
  config: GridConfig,
  options: ExpandGridOptions & { schema: GridSchema<Cell> },
): Cell[];
export function expandGrid(
  config: GridConfig,
  options: ExpandGridOptions & { schema?: GridSchema<AnyGridCell> } = {},
): AnyGridCell[] {
  const name = (config as { name?: unknown } | null)?.name;
  const source = options.source ?? `grid ${typeof name === "string" ? name : "?"}`;
  const checked = named(source, () => checkConfig(config, ""));
  const specs = options.schema ? specTable(options.schema) : undefined;
  const { datasets, models } = checked;
  const pooling = checked.pooling ?? ["gap"];
  const seeds = checked.seeds ?? [0];
  const splits = checked.splits ?? ["subject"];
  const augmentations = checked.augmentations ?? ["seed"];
  const scales = checked.scales ?? ["quick"];
  const training: CellTraining = { ...TRAINING_DEFAULTS, ...TRAINING_UNHASHED_DEFAULTS, ...checked.training };
  const cam = { ...camDefaults(), ...checked.cam };
  const rawData = config.data ?? {};
  // Each dataset's options, checked once for all its cells.
  const dataOf = new Map<string, GridData>();
  named(source, () => {
    if (!options.schema || !specs) return;
    datasets.forEach((d, i) => knownName(`datasets[${i}]`, d, Object.keys(specs), "dataset"));
    augmentations.forEach((a, i) =>
      knownName(`augmentations[${i}]`, a, options.schema!.augmentations, "augmentation")
    );
    cam.methods.forEach((m, i) =>
      knownName(`cam.methods[${i}]`, m, options.schema!.camMethods, "CAM method")
    );
    for (const d of datasets) dataOf.set(d, datasetData(rawData, d, specs, datasets));
  });
  const folds = checked.folds;
  if (folds !== undefined) {
    named(source, () => {
      splits.forEach((s, i) => {
        if (s !== "subject") {
          throw new FieldError(
            `splits[${i}]`,
            `k-fold cross-validation splits subjects: "${s}" cannot run as folds`,
          );
        }
      });
      if (options.schema) datasets.forEach((d, i) => foldable(`datasets[${i}]`, d, options.schema!));
    });
  }
  // The hash reads training, cam and data as the config wrote them, as it always has (see cellHash).
  const hashed = {
    training: { ...TRAINING_DEFAULTS, ...config.training },
    cam: { ...camDefaults(), ...config.cam },
    data: rawData,
    // Only when given, so that grids without it keep their ids.
    ...(config.modelOptions ? { modelOptions: config.modelOptions } : {}),
  };
  const widthMultiplier = checked.widthMultiplier ?? 0.125;
  const imageSize = checked.imageSize ?? 64;
  const cells: AnyGridCell[] = [];
  for (const dataset of datasets) {
    for (const model of models) {
      for (const pool of pooling) {
        for (const split of splits) {
          for (const augmentation of augmentations) {
            for (const scale of scales) {
              for (const seed of seeds) {
                for (
                  const fold of folds === undefined ? [undefined] : Array.from({ length: folds }, (_, f) => f)
                ) {
                  const common = {
                    grid: checked.name,
                    dataset,
                    model,
                    pooling: pool,
                    seed,
                    split,
                    augmentation,
                    scale,
                    widthMultiplier,
                    imageSize,
                  };
                  // Only in a grid with folds, and hashed last, so that grids without keep their ids.
                  const foldOf = fold === undefined ? {} : { fold, folds };
                  const hash = cellHash({ ...common, ...hashed, ...foldOf });
                  const tag = fold === undefined ? "" : `-f${fold}of${folds}`;
                  const id =
                    `${dataset}-${model}-${pool}-${split}-${augmentation}-${scale}-s${seed}${tag}-${hash}`;
                  const data = dataOf.get(dataset) ?? rawData;
                  const modelOptions = checked.modelOptions ? { modelOptions: checked.modelOptions } : {};
                  cells.push({ id, ...common, ...foldOf, training, ...modelOptions, cam, data });
                }
              }
            }
          }
        }
      }
    }
  }
  return cells;
}

/**
 * Check a cell made without a schema (e.g. by {@linkcode expandGrid} alone) against one, as expandGrid
 * would have: its dataset, augmentation and CAM methods must be the schema's, and its `data` the options of
 * its dataset (fields that are options of the schema's other datasets are dropped, anything else is an
 * error). Returns the cell typed, with only its dataset's options; errors are GridErrors naming `source`.
 */
export function checkCell<Cell extends AnyGridCell>(
  cell: AnyGridCell,
  schema: GridSchema<Cell>,
  options: ExpandGridOptions = {},
): Cell {
  const source = options.source ?? `cell ${cell.id}`;
  const specs = specTable(schema);
  return named(source, () => {
    knownName("dataset", cell.dataset, Object.keys(specs), "dataset");
    knownName("augmentation", cell.augmentation, schema.augmentations, "augmentation");
    cell.cam.methods.forEach((m, i) => knownName(`cam.methods[${i}]`, m, schema.camMethods, "CAM method"));
    if (cell.folds !== undefined) {
      foldable("dataset", cell.dataset, schema);
      if (cell.split !== "subject") {
        throw new FieldError("split", `folds need the subject split, got "${cell.split}"`);
      }
      const { fold, folds } = cell;
      if (!Number.isInteger(fold) || fold! < 0 || fold! >= folds) {
        throw new FieldError("fold", `a fold cell's fold must be an integer in [0, ${folds}), got ${fold}`);
      }
    }
    const data = fields.anyObject(cell.data, "data");
    // Checked cells are what a schema's runner is given: the one place a cell's type is asserted.
    return { ...cell, data: datasetData(data, cell.dataset, specs, Object.keys(specs)) } as unknown as Cell;
  });
}

/**
 * Read, check and expand a grid config file; errors name the file (see {@linkcode expandGrid}).
 *
 * @example
 * const { config, cells } = await loadGrid("experiments/configs/quick.json", { schema: STUDY_GRID });
 */
export function loadGrid(path: string): Promise<{ config: GridConfig; cells: GridCell[] }>;
export function loadGrid<Cell extends AnyGridCell>(
  path: string,
  options: { schema: GridSchema<Cell> },
): Promise<{ config: GridConfig; cells: Cell[] }>;
export async function loadGrid(
  path: string,
  options: { schema?: GridSchema<AnyGridCell> } = {},
): Promise<{ config: GridConfig; cells: AnyGridCell[] }> {
  let config: GridConfig;
  try {
    config = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new GridError(path, e instanceof SyntaxError ? `not valid JSON (${e.message})` : String(e));
  }
  const cells = options.schema
    ? expandGrid(config, { source: path, schema: options.schema })
    : expandGrid(config, { source: path });
  return { config, cells };
}
