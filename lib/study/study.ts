/**
 * The study as a grid cell runner: dispatches each cell on its dataset ("cohort" → the dMRI age study,
 * "digits" → the cluttered-digits Table 1/2 protocol), and the simulated cohort each scale uses.
 *
 * @module
 */
import type { CellRunner } from "../experiments/runner.ts";
import { simulateCohort, type SimulateCohortOptions } from "../synth/mod.ts";
import { runCohortCell } from "./cohort_cell.ts";
import { runDigitsCell } from "./digits_cell.ts";
import { runTransferCell } from "./transfer_cell.ts";

/** Options of {@linkcode studyRunner}. */
export interface StudyOptions {
  /** The cohort folder for "cohort" cells (simulated, or a real download given with --data). */
  cohortDir?: string;
  /** FA cache folder. @default "data/cache/<cohort folder name>" */
  cacheDir?: string;
  /** Show per-epoch progress. @default true */
  progress?: boolean;
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
 * Resumable: files already written are kept.
 */
export async function ensureSimulatedCohort(
  scale: "quick" | "default" | "paper",
  options: { dataRoot?: string; seed?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<string> {
  const seed = options.seed ?? 0;
  const dir = `${options.dataRoot ?? "data"}/synth/${scale}-s${seed}`;
  await simulateCohort(dir, {
    ...COHORT_PRESETS[scale],
    seed,
    onProgress: options.onProgress ? (d, t) => options.onProgress!(d, t) : undefined,
  });
  return dir;
}

/** A {@linkcode CellRunner} for the study's datasets. */
export function studyRunner(options: StudyOptions): CellRunner {
  return (cell, ctx) => {
    switch (cell.dataset) {
      case "cohort": {
        if (!options.cohortDir) throw new Error(`${cell.id}: no cohort folder given`);
        return runCohortCell(cell, ctx, {
          cohortDir: options.cohortDir,
          cacheDir: options.cacheDir,
          maxAcquisitions: cell.data.maxAcquisitions as number | undefined,
          camSubjects: cell.data.camSubjects as number | undefined,
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
      default:
        throw new Error(`${cell.id}: unknown dataset "${cell.dataset}" (known: cohort, digits, transfer)`);
    }
  };
}
