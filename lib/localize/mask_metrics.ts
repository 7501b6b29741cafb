/**
 * Maps against ground-truth masks, on flat arrays of any dimension (a 2-D slice or a 3-D CAM volume
 * against a 3-D mask of planted effects alike).
 */
import { LocalizeError } from "./errors.ts";

function checkPair(fn: string, scores: ArrayLike<number>, mask: ArrayLike<number>): void {
  if (scores.length !== mask.length) {
    throw new LocalizeError(fn, `map holds ${scores.length} values but the mask ${mask.length}`);
  }
}

/**
 * Fraction of the map's energy inside the mask: E = Σ_{p ∈ mask} max(M_p, 0) / Σ_p max(M_p, 0) (the
 * "energy-based pointing game" of Wang et al., 2020, Score-CAM, Sec. 5.2). Negative values carry no energy;
 * a map with no positive value gives 0.
 *
 * @example
 * maskEnergy(camVolume, effectMask); // 0.83: 83% of the CAM's mass lies in the planted regions
 */
export function maskEnergy(map: ArrayLike<number>, mask: ArrayLike<number>): number {
  checkPair("maskEnergy", map, mask);
  let inside = 0, total = 0;
  for (let p = 0; p < map.length; p++) {
    const e = map[p] > 0 ? map[p] : 0;
    total += e;
    if (mask[p]) inside += e;
  }
  return total > 0 ? inside / total : 0;
}

/** Options of {@linkcode pxap}. */
export interface PxapOptions {
  /** Width of the score bins (wsolevaluation's `cam_curve_interval`; its default is 0.001). @default 0.01 */
  camCurveInterval?: number;
}

/**
 * Pixel-wise average precision (PxAP, Choe et al., 2020), computed as wsolevaluation's MaskEvaluator: the
 * scores (expected in [0, 1]) of object pixels (mask 1) and background pixels (mask 0) go into histograms
 * with bin edges [0, b, 2b, ..., 1 − b, 1, 2, 3] (other mask values, e.g. 255, are ignored, as its
 * "ignore" regions; scores outside [0, 3] are dropped); sweeping the edges downwards gives precision
 * P_i = TP_i / (TP_i + FP_i) and recall R_i = TP_i / #object at each threshold, and
 * PxAP = Σ_{i ≥ 1, TP_i + FP_i > 0} P_i (R_i − R_{i−1}). A fraction in [0, 1] (wsolevaluation prints percent).
 * Several images are scored together by concatenating their maps and masks.
 *
 * @example
 * pxap(camVolume, effectMask); // 1 when every object voxel outscores every background voxel
 */
export function pxap(scores: ArrayLike<number>, mask: ArrayLike<number>, options: PxapOptions = {}): number {
  const interval = options.camCurveInterval ?? 0.01;
  if (!(interval > 0 && interval <= 1)) {
    throw new LocalizeError("pxap", `camCurveInterval must be in (0, 1], got ${interval}`);
  }
  checkPair("pxap", scores, mask);
  const edges: number[] = [];
  for (let i = 0; i * interval < 1; i++) edges.push(i * interval);
  edges.push(1, 2, 3);
  const bins = edges.length - 1;
  const object = new Float64Array(bins), background = new Float64Array(bins);
  for (let p = 0; p < scores.length; p++) {
    const m = mask[p];
    if (m !== 0 && m !== 1) continue;
    const b = bin(edges, scores[p]);
    if (b < 0) continue;
    (m === 1 ? object : background)[b]++;
  }
  const positives = object.reduce((s, v) => s + v, 0);
  if (positives === 0) throw new LocalizeError("pxap", "no object pixels (mask value 1) to score");
  let tp = 0, fp = 0, previousRecall = 0, ap = 0, predicted = false;
  for (let i = bins - 1; i >= 0; i--) {
    tp += object[i];
    fp += background[i];
    const recall = tp / positives;
    // wsolevaluation skips its first (highest) threshold and thresholds that predict nothing.
    if (i < bins - 1 && tp + fp > 0) ap += (tp / (tp + fp)) * (recall - previousRecall);
    if (tp + fp > 0) predicted = true;
    previousRecall = recall;
  }
  if (!predicted) throw new LocalizeError("pxap", "no score falls in [0, 3]");
  return ap;
}

/** numpy.histogram's bin of v: [e_i, e_{i+1}), the last bin closed; −1 outside. */
function bin(edges: number[], v: number): number {
  const last = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[last])) return -1;
  if (v === edges[last]) return last - 1;
  let lo = 0, hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}
