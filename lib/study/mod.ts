/**
 * The study end to end, composed from the rest of lib/: data → FA → slices → train → evaluate → CAM →
 * localization → tables and charts. Notebooks and `deno task reproduce` call these.
 *
 * @module
 */
export {
  acquisitionFa,
  type CohortSlices,
  type CohortSlicesOptions,
  FA_CACHE_FORMAT,
  faCachePaths,
  type FaCacheRecord,
  type InputIdentity,
  prepareCohortSlices,
} from "./cohort_slices.ts";
export { type CohortCellOptions, cohortSlices, runCohortCell } from "./cohort_cell.ts";
export { type DigitsData, digitsData, runDigitsCell } from "./digits_cell.ts";
export { runTransferCell, type TransferCellOptions, type TransferData } from "./transfer_cell.ts";
export { CAM_METHODS, type CamMethod, runCamMethod } from "./cam_methods.ts";
export {
  accuracySummary,
  configLabel,
  localizationSummary,
  saveChart,
  studyCharts,
  writeStudyReport,
} from "./figures.ts";
export { COHORT_PRESETS, ensureSimulatedCohort, type StudyOptions, studyRunner } from "./study.ts";
