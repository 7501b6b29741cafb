/**
 * The study's grids and their runner: the cells a study grid has (one kind per dataset, each with its typed
 * `data` options), the schema that checks a config when it loads, the runner that dispatches each cell on its
 * kind ("cohort" → the dMRI age study, "digits" → the cluttered-digits Table 1/2 protocol, "transfer" → the
 * Tables 4/5 analogues), and the simulated cohort each scale uses.
 *
 * @example
 * const { cells } = await loadStudyGrid("experiments/configs/quick.json"); // StudyCell[], checked
 * await runGrid(cells, studyRunner({ cohortDir }));
 *
 * @module
 */
import {
  type AnyGridCell,
  checkCell,
  expandGrid,
  type ExpandGridOptions,
  fnv1a,
  type GridConfig,
  GridError,
  type GridSchema,
  loadGrid,
} from "../experiments/grid.ts";
import type { CellRunner } from "../experiments/runner.ts";
import { simulateCohort, type SimulateCohortOptions } from "../synth/mod.ts";
import { CAM_METHODS } from "./cam_methods.ts";
import { COHORT_DATA, type CohortCell, runCohortCell } from "./cohort_cell.ts";
import { DIGITS_DATA, type DigitsCell, runDigitsCell } from "./digits_cell.ts";
import { runTransferCell, TRANSFER_DATA, type TransferCell } from "./transfer_cell.ts";
import { runVolumeCell, VOLUME_DATA, type VolumeCell } from "./volume_cell.ts";

/**
 * A cell of a study grid, told apart by its `dataset`: {@linkcode CohortCell} (`data`: CohortData),
 * {@linkcode DigitsCell} (DigitsData), {@linkcode TransferCell} (TransferData) or {@linkcode VolumeCell}
 * (VolumeData: the 3-D study, 2.5D vs 3-D).
 */
export type StudyCell = CohortCell | DigitsCell | TransferCell | VolumeCell;

/** The dataset kinds of a study grid. */
export type StudyDataset = StudyCell["dataset"];

/**
 * What a study grid may say, checked when a config loads: the datasets "cohort", "digits" and "transfer"
 * with the options of each, the CAM methods of {@linkcode CAM_METHODS} and the augmentations "none", "seed"
 * (lib/data's SEED_AUGMENTATION) and "seed-shift" (the seed's with shifts of up to a quarter of the image).
 */
export const STUDY_GRID: GridSchema<StudyCell> = {
  datasets: { cohort: COHORT_DATA, digits: DIGITS_DATA, transfer: TRANSFER_DATA, volume: VOLUME_DATA },
  camMethods: CAM_METHODS,
  augmentations: ["none", "seed", "seed-shift"],
  // k-fold over subjects (a grid's `folds`) is for the 2-D cohort cells only (cohort_cell.ts's cohortSplit).
  foldDatasets: ["cohort"],
};

/** {@linkcode expandGrid} with the study's schema: the config checked, the cells typed. */
export function expandStudyGrid(config: GridConfig, options: ExpandGridOptions = {}): StudyCell[] {
  return expandGrid(config, { ...options, schema: STUDY_GRID });
}

/** {@linkcode loadGrid} with the study's schema: errors name the file and the field. */
export function loadStudyGrid(path: string): Promise<{ config: GridConfig; cells: StudyCell[] }> {
  return loadGrid(path, { schema: STUDY_GRID });
}

/**
 * A cell as a study cell: checked against {@linkcode STUDY_GRID} (a cell from {@linkcode expandStudyGrid} or
 * {@linkcode loadStudyGrid} passes as it is; one expanded without the schema is checked here, its errors
 * naming the cell).
 */
export function studyCell(cell: AnyGridCell): StudyCell {
  const checked = checkCell(cell, STUDY_GRID);
  // Volume cells augment with "seed" (3-D flips, noise, affine, erasing) or not at all: refuse the 2-D-only
  // "seed-shift" rather than train silently without it.
  if (checked.dataset === "volume" && checked.augmentation !== "seed" && checked.augmentation !== "none") {
    throw new GridError(
      `cell ${cell.id}`,
      `"${checked.augmentation}" is not a volume cell's augmentation (use "seed" or "none")`,
      "augmentations",
    );
  }
  return checked;
}

/** Options of {@linkcode studyRunner}. */
export interface StudyOptions {
  /** The cohort folder for "cohort" cells (simulated, or a real download given with --data). */
  cohortDir?: string;
  /** FA cache folder. @default "data/cache/<cohort folder name>" */
  cacheDir?: string;
  /** Show per-epoch progress. @default true */
  progress?: boolean;
  /** Where simulated cohorts a cell asks for itself go (`<dataRoot>/synth/...`: volume cells' "ageing" layout). @default "data" */
  dataRoot?: string;
}

/** Simulation settings of each scale (see lib/synth for the scales themselves). */
export const COHORT_PRESETS: Record<"quick" | "default" | "paper", SimulateCohortOptions> = {
  // 12 subjects so that a 70/15/15 subject split leaves one young and one old subject for val and test.
  quick: {
    scale: "quick",
    groups: [
      { name: "young", count: 6, minAge: 8, maxAge: 15 },
      { name: "old", count: 6, minAge: 25, maxAge: 75 },
    ],
    acquisitions: 1,
  },
  default: { scale: "default" },
  paper: { scale: "paper" },
};

/**
 * Simulate (or reuse) the cohort of a scale under `dataRoot`: `<dataRoot>/synth/<scale>-s<seed>`.
 * Resumable: files already written are kept. `onProgress` gets, after each unit of work (a subject's truth or
 * one acquisition), how many files it wrote: 0 for a unit that was already there.
 */
export async function ensureSimulatedCohort(
  scale: "quick" | "default" | "paper",
  options: {
    dataRoot?: string;
    seed?: number;
    onProgress?: (done: number, total: number, written: number) => void;
    /** The phantom's region layout (lib/synth); "ageing" goes to `<scale>-ageing-s<seed>`. @default "classic" */
    layout?: "classic" | "ageing";
  } = {},
): Promise<string> {
  const seed = options.seed ?? 0;
  const ageing = options.layout === "ageing";
  const dir = `${options.dataRoot ?? "data"}/synth/${scale}${ageing ? "-ageing" : ""}-s${seed}`;
  await simulateCohort(dir, {
    ...COHORT_PRESETS[scale],
    ...(ageing ? { layout: "ageing" as const } : {}),
    seed,
    onProgress: options.onProgress ? (d, t, r) => options.onProgress!(d, t, r.written.length) : undefined,
  });
  return dir;
}

/**
 * Whether a cell reads the cohort: "cohort" cells, and "transfer" cells whose targets include the cohort's
 * age groups (the default). Digits cells and transfer cells on digits and garments alone do not, so a run of
 * those grids needs no simulated cohort.
 */
export function needsCohort(cell: StudyCell): boolean {
  if (cell.dataset === "cohort") return true;
  if (cell.dataset === "transfer") return (cell.data.targets ?? ["cohort"]).includes("cohort");
  if (cell.dataset === "volume") return true;
  return false;
}

/**
 * Whether the cell simulates its own cohort instead of reading the run's: a volume cell with the "ageing"
 * layout that names no other cohort (`--data` and `--seed N` name one through {@linkcode bindCohortSource}).
 * Such a cell still {@linkcode needsCohort} (a `--data` run binds it), but a simulated run need not simulate
 * the scale's classic cohort for it.
 */
export function simulatesOwnCohort(cell: StudyCell): boolean {
  return cell.dataset === "volume" && cell.data.layout === "ageing" && cell.data.cohort === undefined;
}

/** Where a run's cohort comes from: a folder given with `--data` (its real path), or the simulator's seed. */
export type CohortSource = { data: string } | { seed: number };

/**
 * A grid config bound to its cohort source, so that runs on different cohorts never share cells or tables.
 * A grid with cells that read the cohort ({@linkcode needsCohort}) gets `data.cohort` (hashed into every
 * cell id) and a name that says the source, hence its own `experiments/<name>/`:
 * - `--data PATH`: `<grid>.data-<folder name>-<h>`, `h` the first 6 hex digits of FNV-1a of the real path
 *   (two folders of one name stay apart); `data.cohort` = the real path;
 * - another simulation seed N: `<grid>.seed<N>`; `data.cohort` = `synth-<scale>-s<N>`, the grid's (first)
 *   scale, whose simulated cohort its cells read.
 *
 * The default simulated cohort (seed 0) and grids that never read the cohort keep their names and cell ids,
 * so the notebooks find the default run's cells.
 *
 * @example
 * bindCohortSource(quick, { data: "/data/hcp" }).name; // "quick.data-hcp-1a2b3c"
 */
export function bindCohortSource(config: GridConfig, source: CohortSource): GridConfig {
  if ("seed" in source && source.seed === 0) return config;
  if (!expandStudyGrid(config).some(needsCohort)) return config;
  let suffix: string, cohort: string;
  if ("data" in source) {
    const folder = source.data.replace(/\/+$/, "").split("/").pop() || "root";
    suffix = `data-${folder.replace(/[^A-Za-z0-9_-]+/g, "_")}-${fnv1a(source.data).slice(0, 6)}`;
    cohort = source.data;
  } else {
    suffix = `seed${source.seed}`;
    cohort = `synth-${config.scales?.[0] ?? "quick"}-s${source.seed}`;
  }
  const description = `Grid ${config.name} on the cohort ${cohort}. ${config.description ?? ""}`.trim();
  return { ...config, name: `${config.name}.${suffix}`, description, data: { ...config.data, cohort } };
}

/**
 * A {@linkcode CellRunner} for the study's cells. It takes any grid cell and checks it with
 * {@linkcode studyCell} first (an unknown dataset or a bad option is a GridError before anything runs), so
 * grids loaded without the schema (`loadGrid` alone) run too.
 */
export function studyRunner(options: StudyOptions): CellRunner<AnyGridCell> {
  return (anyCell, ctx) => {
    const cell = studyCell(anyCell);
    switch (cell.dataset) {
      case "cohort": {
        if (!options.cohortDir) throw new Error(`${cell.id}: no cohort folder given`);
        return runCohortCell(cell, ctx, {
          cohortDir: options.cohortDir,
          cacheDir: options.cacheDir,
          progress: options.progress,
        });
      }
      case "digits":
        return runDigitsCell(cell, ctx, { progress: options.progress });
      case "transfer":
        return runTransferCell(cell, ctx, {
          cohortDir: options.cohortDir,
          cacheDir: options.cacheDir,
          progress: options.progress,
        });
      case "volume":
        return (async () => {
          const ageing = simulatesOwnCohort(cell);
          const cohortDir = ageing
            ? await ensureSimulatedCohort(cell.scale, { layout: "ageing", dataRoot: options.dataRoot })
            : options.cohortDir;
          if (!cohortDir) throw new Error(`${cell.id}: no cohort folder given`);
          // FA of a cohort simulated here is cached beside it, under <dataRoot>/cache/<cohort folder name>.
          const cacheDir = options.cacheDir ??
            (ageing ? `${options.dataRoot ?? "data"}/cache/${cohortDir.split("/").pop()}` : undefined);
          return await runVolumeCell(cell, ctx, {
            cohortDir,
            cacheDir,
            progress: options.progress,
          });
        })();
      default: {
        const unknown: never = cell;
        throw new Error(`unreachable: a checked cell of no known kind (${JSON.stringify(unknown)})`);
      }
    }
  };
}
