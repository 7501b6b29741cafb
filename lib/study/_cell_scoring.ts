// Steps the "cohort" and "volume" cells share when they score a trained model: subject-level accuracy by
// majority vote, a test subject's slices, a CAM method on them put back into the FA grid, the union of a
// subject's truth masks, and the group-average CAM volumes.
import * as tf from "../tf.ts";
import type { CamResult, Explainable, MapShapeOf } from "../cam/mod.ts";
import type { Sample } from "../data/mod.ts";
import type { CamSettings } from "../experiments/grid.ts";
import { readNifti, type Volume, volumeFrom, writeNifti } from "../nifti/mod.ts";
import { type SliceProvenance, slicesToVolume } from "../slices/mod.ts";
import { rocAuc } from "../train/mod.ts";
import { runCamMethod } from "./cam_methods.ts";
import type { CohortSlices } from "./cohort_slices.ts";

/** Per subject of `indices`: its label, its slices' predicted-class counts and the sum of their class-1 probabilities. */
function tally(
  samples: readonly { subject?: string | number; label: number }[],
  indices: readonly number[],
  numClasses: number,
  outputs: { predictions?: ArrayLike<number>; probabilities?: ArrayLike<number> },
): Map<string, { label: number; counts: number[]; sum: number; n: number }> {
  const { predictions, probabilities } = outputs;
  const per = new Map<string, { label: number; counts: number[]; sum: number; n: number }>();
  indices.forEach((idx, k) => {
    const s = samples[idx];
    const id = String(s.subject);
    const v = per.get(id) ?? { label: s.label, counts: new Array(numClasses).fill(0), sum: 0, n: 0 };
    if (predictions) v.counts[predictions[k]]++;
    if (probabilities && numClasses === 2) v.sum += probabilities[2 * k + 1];
    v.n++;
    per.set(id, v);
  });
  return per;
}

/** The majority class of a subject's slice counts (the first on a tie). */
const majority = (counts: number[]) => counts.indexOf(Math.max(...counts));

/** Subjects right and wrong under one call per subject: counts and sorted ids. */
function calls(
  entries: Iterable<[string, boolean]>,
): { subjects: number; right: number; rightIds: string[]; wrongIds: string[] } {
  const rightIds: string[] = [], wrongIds: string[] = [];
  for (const [id, right] of entries) (right ? rightIds : wrongIds).push(id);
  return {
    subjects: rightIds.length + wrongIds.length,
    right: rightIds.length,
    rightIds: rightIds.sort(),
    wrongIds: wrongIds.sort(),
  };
}

/**
 * Subject-level accuracy by majority vote over each test subject's slices: `subjects` voted, `right` of them
 * whose most-predicted class (the first on a tie) is their label; `rightIds` / `wrongIds` name them (sorted).
 */
export function subjectVotes(
  samples: readonly { subject?: string | number; label: number }[],
  testIndices: readonly number[],
  predictions: ArrayLike<number>,
  numClasses: number,
): { subjects: number; right: number; rightIds: string[]; wrongIds: string[] } {
  const per = tally(samples, testIndices, numClasses, { predictions });
  return calls([...per].map(([id, v]) => [id, majority(v.counts) === v.label]));
}

/** Each subject's label and the mean class-1 probability of its slices (`probabilities` rows of two, in `indices` order). */
export function subjectMeans(
  samples: readonly { subject?: string | number; label: number }[],
  indices: readonly number[],
  probabilities: ArrayLike<number>,
): Map<string, { label: number; mean: number }> {
  const per = tally(samples, indices, 2, { probabilities });
  return new Map([...per].map(([id, v]) => [id, { label: v.label, mean: v.sum / v.n }]));
}

/**
 * Threshold-free subject ranking of a two-class set: the ROC AUC (lib/train's `rocAuc`) of the subjects' mean
 * class-1 probability ({@linkcode subjectMeans}) against their labels. Null unless both classes have a
 * subject. A subject vote can be wrong while this is 1: the net then ranks the subjects right but its 0.5
 * threshold sits off them (calibration, not discrimination).
 */
export function subjectAuc(means: Map<string, { label: number; mean: number }>): number | null {
  const list = [...means.values()];
  if (!list.some((v) => v.label === 1) || !list.some((v) => v.label === 0)) return null;
  return rocAuc(list.map((v) => v.mean), list.map((v) => v.label === 1));
}

/**
 * The subject threshold chosen on validation subjects: of the midpoints between consecutive distinct sorted
 * subject means, the one whose rule "class 1 when mean ≥ t" gets the most validation subjects right (ties:
 * the one nearest 0.5). 0.5 where the subjects hold one class or one distinct mean.
 */
export function validationThreshold(subjects: readonly { label: number; mean: number }[]): number {
  const means = [...new Set(subjects.map((s) => s.mean))].sort((a, b) => a - b);
  if (means.length < 2 || new Set(subjects.map((s) => s.label)).size < 2) return 0.5;
  let best = 0.5, bestRight = -1;
  for (let i = 0; i + 1 < means.length; i++) {
    const t = (means[i] + means[i + 1]) / 2;
    const right = subjects.filter((s) => (s.mean >= t ? 1 : 0) === (s.label === 1 ? 1 : 0)).length;
    if (right > bestRight || (right === bestRight && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
      best = t, bestRight = right;
    }
  }
  return best;
}

/** Subjects called class 1 when their mean ≥ `threshold`: right and wrong ids (sorted), as {@linkcode subjectVotes}. */
export function thresholdCalls(
  means: Map<string, { label: number; mean: number }>,
  threshold: number,
): { subjects: number; right: number; rightIds: string[]; wrongIds: string[] } {
  return calls([...means].map(([id, v]) => [id, (v.mean >= threshold ? 1 : 0) === (v.label === 1 ? 1 : 0)]));
}

/** One set of subjects scored by a trained model: which part of the split, its sample indices, and the outputs. */
export interface ScoredPart {
  /** "test" or "val". */
  part: string;
  /** Indices into `samples`, in the order of `predictions` and `probabilities`. */
  indices: readonly number[];
  /** Predicted class per slice. */
  predictions: ArrayLike<number>;
  /** Class probabilities, `numClasses` per slice. */
  probabilities: ArrayLike<number>;
}

/** One row of a cell's `subjects` table ({@linkcode subjectRows}); a type, so that it is a table row. */
export type SubjectRow = {
  /** "test" or "val". */
  part: string;
  subject: string;
  /** The subject's group name, where the groups were given. */
  group: string | null;
  label: number;
  slices: number;
  /** The share of the subject's slices predicted as its own class. */
  vote_share: number;
  /** The majority class of its slices (the first on a tie). */
  call_vote: number;
  right_vote: boolean;
  /** The slices' mean class-1 probability (two classes), else null. */
  mean_probability: number | null;
  /** The validation subjects' threshold, where there is one. */
  subject_threshold: number | null;
  /** 1 when mean ≥ threshold, else 0; null without a threshold or a mean. */
  call_threshold: number | null;
  right_threshold: boolean | null;
};

/**
 * One row per subject and part (a cell's `subjects` table), so that any subject rule can be applied later
 * without the checkpoint: `slices`, `vote_share` (the share of slices predicted as the subject's own class),
 * `call_vote` (the majority class, the first on a tie) and `right_vote`; with two classes `mean_probability`
 * (the slices' mean class-1 probability, as {@linkcode subjectMeans}) and, where `threshold` is given (the
 * validation subjects' {@linkcode validationThreshold}), `call_threshold` (1 when mean ≥ threshold) and
 * `right_threshold`. Rows are sorted by part (in the order given), then subject.
 */
export function subjectRows(
  samples: readonly { subject?: string | number; label: number }[],
  parts: readonly ScoredPart[],
  options: { numClasses: number; groups?: readonly string[]; threshold?: number | null },
): SubjectRow[] {
  const { numClasses, groups, threshold = null } = options;
  const rows: SubjectRow[] = [];
  for (const { part, indices, predictions, probabilities } of parts) {
    const per = tally(samples, indices, numClasses, { predictions, probabilities });
    for (const id of [...per.keys()].sort()) {
      const v = per.get(id)!;
      const callVote = majority(v.counts);
      const mean = numClasses === 2 ? v.sum / v.n : null;
      const callThreshold = mean !== null && threshold !== null ? (mean >= threshold ? 1 : 0) : null;
      rows.push({
        part,
        subject: id,
        group: groups?.[v.label] ?? null,
        label: v.label,
        slices: v.n,
        vote_share: v.counts[v.label] / v.n,
        call_vote: callVote,
        right_vote: callVote === v.label,
        mean_probability: mean,
        subject_threshold: threshold,
        call_threshold: callThreshold,
        right_threshold: callThreshold === null ? null : callThreshold === v.label,
      });
    }
  }
  return rows;
}

/**
 * The calls of {@linkcode subjectRows}' rows under one rule — `"vote"` (`right_vote`) or
 * `"validation-threshold"` (`right_threshold`, which must be there) — as {@linkcode subjectVotes} returns them.
 */
export function rowCalls(
  rows: readonly SubjectRow[],
  rule: "vote" | "validation-threshold",
): { subjects: number; right: number; rightIds: string[]; wrongIds: string[] } {
  return calls(rows.map((r) => [r.subject, rule === "vote" ? r.right_vote : r.right_threshold === true]));
}

/** A test subject's slices of its first acquisition, or null where it has no FA map. */
export function subjectSlices(
  data: CohortSlices,
  subjectId: string,
): { acquisition: string; samples: Sample[] } | null {
  const acquisition = Object.keys(data.faPaths[subjectId] ?? {})[0];
  if (!acquisition) return null;
  const samples = data.samples.filter((s) =>
    s.subject === subjectId && (s.meta?.provenance as SliceProvenance).acquisition === acquisition
  );
  return { acquisition, samples };
}

/**
 * One CAM method on a subject's slices stacked as images [n, H, W, 1] (each slice explained for its own
 * label, with the cell's `normalize` and `relu`, at `layer` when given: the gradient methods' layer), and the
 * maps put back into the FA grid of `fa`
 * (lib/slices' `slicesToVolume`).
 */
export async function sliceStackCam(
  method: string,
  model: Explainable,
  samples: readonly Sample[],
  cam: Pick<CamSettings, "normalize" | "relu"> & { layer?: string },
  fa: Volume,
): Promise<{ res: CamResult<MapShapeOf<tf.Tensor4D>>; volume: Volume }> {
  const { height, width } = samples[0];
  const pixels = new Float32Array(samples.length * height * width);
  samples.forEach((s, i) => pixels.set(s.image, i * height * width));
  const images = tf.tensor4d(pixels, [samples.length, height, width, 1]);
  let res;
  try {
    res = await runCamMethod(method, model, images, {
      classIndex: samples.map((s) => s.label),
      normalize: cam.normalize,
      relu: cam.relu,
      ...(cam.layer === undefined ? {} : { layer: cam.layer }),
    });
  } finally {
    images.dispose();
  }
  const [, h, w] = res.shape;
  const { volume } = slicesToVolume(
    samples.map((s, k) => ({
      data: res.maps.subarray(k * h * w, (k + 1) * h * w),
      height: h,
      width: w,
      provenance: s.meta?.provenance as SliceProvenance,
    })),
    fa,
  );
  return { res, volume };
}

/** 1 where any of the masks is > 0, else 0. */
export function unionMask(masks: Volume[]): Uint8Array {
  const out = new Uint8Array(masks[0].data.length);
  for (const m of masks) for (let i = 0; i < out.length; i++) if (Number(m.data[i]) > 0) out[i] = 1;
  return out;
}

/**
 * The union of a subject's planted-region masks, or null if it has none. loadCohort files only region masks
 * under `truth` (the truth maps fa, md and brain_mask go to `maps`).
 */
export async function subjectTruth(subject: { truth?: Record<string, string> }): Promise<Uint8Array | null> {
  return (await subjectTruthVolume(subject))?.data as Uint8Array ?? null;
}

/** {@link subjectTruth} as a volume on the masks' grid (their affine and voxel sizes), or null. */
export async function subjectTruthVolume(
  subject: { truth?: Record<string, string> },
): Promise<Volume | null> {
  const truthPaths = Object.values(subject.truth ?? {});
  if (!truthPaths.length) return null;
  const masks = await Promise.all(truthPaths.map((p) => readNifti(p)));
  return volumeFrom(unionMask(masks), masks[0].shape.slice(0, 3), {
    affine: masks[0].affine,
    pixdim: masks[0].pixdim,
  });
}

/** Summed CAM volumes per `group|method` key, with the volume whose grid they share. */
export type GroupSums = Map<string, { sum: Float32Array; n: number; ref: Volume }>;

/** Writes each group's mean map, sum / n, as `<dir>/group_<group>_<method>.nii.gz` in its reference's grid. */
export async function writeGroupMeans(groups: GroupSums, dir: string): Promise<void> {
  for (const [key, g] of groups) {
    const [group, method] = key.split("|");
    const mean = g.sum.map((v) => v / Math.max(1, g.n));
    await writeNifti(
      volumeFrom(mean, g.ref.shape.slice(0, 3), { affine: g.ref.affine, pixdim: g.ref.pixdim }),
      `${dir}/group_${group}_${method}.nii.gz`,
    );
  }
}
