/**
 * The study end to end, composed from the rest of lib/: data → FA → slices → train → evaluate → CAM →
 * localization → tables and charts. Notebooks and `deno task reproduce` call these.
 * The "volume" cells (volume_cell.ts) are the 3-D study: 2.5D vs 3-D on one subject split, with brain age.
 *
 * @module
 */
export {
  type AcquisitionFa,
  acquisitionFa,
  type CohortSlices,
  type CohortSlicesOptions,
  defaultFaCacheDir,
  FA_CACHE_FORMAT,
  faCachePath,
  faCachePaths,
  type FaCacheRecord,
  faInputsRecord,
  type InputIdentity,
  prepareCohortSlices,
  selectSubjects,
  type TensorMapName,
  tensorMapPath,
} from "./cohort_slices.ts";
export {
  COHORT_DATA,
  type CohortCell,
  type CohortCellOptions,
  type CohortData,
  cohortSlices,
  cohortSplit,
  runCohortCell,
} from "./cohort_cell.ts";
export {
  DIGITS_DATA,
  type DigitsCell,
  type DigitsData,
  digitsData,
  runDigitsCell,
  SPLIT_COUNTS,
  type SplitCounts,
} from "./digits_cell.ts";
export {
  runTransferCell,
  TRANSFER_DATA,
  type TransferCell,
  type TransferCellOptions,
  type TransferData,
} from "./transfer_cell.ts";
export {
  preprocessCohort,
  type PreprocessOptions,
  type PreprocessResult,
  type SubjectReport,
} from "./preprocess.ts";
export { CAM_METHODS, type CamMethod, runCamMethod } from "./cam_methods.ts";
export {
  type FoldBaselineOptions,
  foldBaselineRows,
  type RegionBaselineOptions,
  regionBaselineRows,
  regionFaFeatures,
  type RegionFeatureOptions,
  type RegionFeatures,
} from "./region_baseline.ts";
export {
  pearson,
  runVolumeCell,
  VOLUME_DATA,
  volumeArm,
  type VolumeCell,
  type VolumeCellOptions,
  type VolumeData,
} from "./volume_cell.ts";
export { type OrthoOverlayOptions, orthoOverlayPng, volumePlane } from "./ortho_overlay.ts";
export {
  accuracySummary,
  CAM_BOX_COLOR,
  type CamSettings,
  centreSliceIndices,
  configLabel,
  digitsCamFigure,
  type DigitsCamInput,
  localizationSummary,
  majorityShare,
  poolFolds,
  type ProvenancedSlice,
  saveCamFigure,
  saveChart,
  studyCharts,
  subjectCamFigure,
  type SubjectCamInput,
  type SubjectCamPlane,
  subjectPlanes,
  type SubjectPlanesOptions,
  TRUTH_COLOR,
  writeStudyReport,
} from "./figures.ts";
export {
  type Finding,
  type FindingsOptions,
  foldComparisons,
  foldLocalization,
  foldSummary,
  type FoldSummaryOptions,
  studyFindings,
} from "./findings.ts";
export { type FoldSliceComparisonOptions, foldSliceComparisons } from "./fold_slice_comparisons.ts";
export {
  bindCohortSource,
  COHORT_PRESETS,
  type CohortSource,
  ensureSimulatedCohort,
  expandStudyGrid,
  loadStudyGrid,
  needsCohort,
  simulatesOwnCohort,
  STUDY_GRID,
  type StudyCell,
  studyCell,
  type StudyDataset,
  type StudyOptions,
  studyRunner,
} from "./study.ts";
export {
  type CellWorkload,
  cellWorkload,
  type CohortShape,
  estimateRemaining,
  formatPlan,
  formatSpan,
  type GridOverrides,
  measureStep,
  type ModelWork,
  type PlannedCell,
  type PlannedGrid,
  planStudy,
  reduceGrid,
  simulatedCohortShape,
  SLICES_PER_ACQUISITION,
  type StepTiming,
  type StudyPlan,
  workKey,
  type WorkMemory,
  workMemory,
} from "./plan.ts";
