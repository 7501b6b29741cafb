/**
 * Classification metrics as pure functions over typed arrays: softmax, arg-max, top-k error, confusion
 * matrix, per-class precision/recall, precision–recall curve and average precision, ROC curve and AUC.
 * Conventions follow scikit-learn (ties between scores form one threshold; AP = Σ_n (R_n − R_{n−1}) P_n).
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";

/** Raised when a metric is undefined for its input (e.g. AP without positives) or inputs disagree in length. */
export class MetricError extends CamDmriError {
  constructor(message: string) {
    super(...CamDmriError.split(message, "metric"));
    this.message = message; // unchanged when it has no "source: " prefix
    this.name = "MetricError";
  }
}

/** Scores and binary targets (true/1 = positive). */
export type BinaryTargets = ArrayLike<number | boolean>;

function checkLengths(where: string, a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new MetricError(`${where}: ${a.length} scores but ${b.length} targets`);
  }
}

/**
 * Row-wise softmax of `[n, numClasses]` logits: p_c = exp(z_c − max z) / Σ_j exp(z_j − max z).
 *
 * @example
 * softmax(Float32Array.from([0, 0, 1, 3]), { numClasses: 2 }); // [0.5, 0.5, 0.119, 0.881]
 */
export function softmax(logits: ArrayLike<number>, options: { numClasses: number }): Float32Array {
  const c = options.numClasses;
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += c) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, logits[r + j]);
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp(logits[r + j] - max);
    for (let j = 0; j < c; j++) out[r + j] = Math.exp(logits[r + j] - max) / sum;
  }
  return out;
}

/** Index of the largest score in each row of `[n, numClasses]` scores (first index on ties). */
export function argmaxRows(scores: ArrayLike<number>, options: { numClasses: number }): Int32Array {
  const c = options.numClasses;
  const out = new Int32Array(scores.length / c);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (scores[i * c + j] > scores[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * Top-k error: the fraction of rows whose true class is not among the k highest scores. The rank of the true
 * class counts the classes scoring higher, and the classes scoring equal with a lower index (the tie rule of
 * {@linkcode argmaxRows}), so top-1 error = 1 − accuracy of the arg-max.
 *
 * @example
 * topKError(probabilities, labels, { numClasses: 10, k: 5 });
 */
export function topKError(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { numClasses: number; k?: number },
): number {
  const { numClasses: c, k = 1 } = options;
  if (scores.length !== labels.length * c) {
    throw new MetricError(`topKError: ${scores.length} scores for ${labels.length} labels x ${c} classes`);
  }
  if (labels.length === 0) return 0;
  let misses = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const s = scores[i * c + y];
    let rank = 0;
    for (let j = 0; j < c; j++) {
      const v = scores[i * c + j];
      if (v > s || (v === s && j < y)) rank++;
    }
    if (rank >= k) misses++;
  }
  return misses / labels.length;
}

/**
 * Confusion matrix C[i][j] = number of samples of true class i predicted as class j.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 0, 1], { numClasses: 2 }); // [[1, 0], [1, 1]]
 */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  options: { numClasses: number },
): number[][] {
  checkLengths("confusionMatrix", predictions, labels);
  const c = options.numClasses;
  const m = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i], p = predictions[i];
    if (!(y >= 0 && y < c && p >= 0 && p < c)) {
      throw new MetricError(
        `confusionMatrix: sample ${i} has label ${y} / prediction ${p} outside [0, ${c})`,
      );
    }
    m[y][p]++;
  }
  return m;
}

/**
 * Per-class precision P_c = C[c][c] / Σ_i C[i][c], recall R_c = C[c][c] / Σ_j C[c][j], F1 = 2PR/(P + R) and
 * support Σ_j C[c][j] from a confusion matrix. A zero denominator gives 0 (scikit-learn's zero_division=0).
 */
export function precisionRecall(
  confusion: number[][],
): { precision: number[]; recall: number[]; f1: number[]; support: number[] } {
  const c = confusion.length;
  const precision: number[] = [], recall: number[] = [], f1: number[] = [], support: number[] = [];
  for (let k = 0; k < c; k++) {
    let predicted = 0, actual = 0;
    for (let i = 0; i < c; i++) {
      predicted += confusion[i][k];
      actual += confusion[k][i];
    }
    const tp = confusion[k][k];
    const p = predicted > 0 ? tp / predicted : 0;
    const r = actual > 0 ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
    support.push(actual);
  }
  return { precision, recall, f1, support };
}

/** Cumulative true/false positives at each distinct score, from the highest score down. */
function cumulative(where: string, scores: ArrayLike<number>, targets: BinaryTargets) {
  checkLengths(where, scores, targets);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const thresholds: number[] = [], tps: number[] = [], fps: number[] = [];
  let tp = 0, fp = 0;
  for (let n = 0; n < order.length; n++) {
    const i = order[n];
    if (Number.isNaN(scores[i])) throw new MetricError(`${where}: score ${i} is NaN`);
    if (targets[i]) tp++;
    else fp++;
    // One point per distinct score: only after the last sample of a tie group.
    if (n === order.length - 1 || scores[order[n + 1]] !== scores[i]) {
      thresholds.push(scores[i]);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { thresholds, tps, fps, positives: tp, negatives: fp };
}

/** A precision–recall curve, ordered by decreasing threshold (increasing recall). */
export interface PrCurve {
  /** P_n = TP_n / (TP_n + FP_n); the first point is (recall 0, precision 1), as scikit-learn appends. */
  precision: number[];
  /** R_n = TP_n / positives. */
  recall: number[];
  /** Score threshold of each point (score ≥ threshold is called positive); +Infinity for the first point. */
  thresholds: number[];
}

/**
 * Precision–recall curve of binary scores; ties between scores form a single point.
 *
 * @example
 * precisionRecallCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * // recall [0, 0.5, 0.5, 1, 1], precision [1, 1, 0.5, 0.667, 0.5]
 */
export function precisionRecallCurve(scores: ArrayLike<number>, targets: BinaryTargets): PrCurve {
  const { thresholds, tps, fps, positives } = cumulative("precisionRecallCurve", scores, targets);
  if (positives === 0) {
    throw new MetricError("precisionRecallCurve: no positive samples; recall is undefined");
  }
  return {
    precision: [1, ...tps.map((tp, n) => tp / (tp + fps[n]))],
    recall: [0, ...tps.map((tp) => tp / positives)],
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * Average precision AP = Σ_n (R_n − R_{n−1}) P_n over the thresholds of {@linkcode precisionRecallCurve}
 * (scikit-learn's average_precision_score: a step function, not the interpolated area). 1 for a perfect
 * ranking; the positive rate for constant scores.
 *
 * @example
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.8333
 */
export function averagePrecision(scores: ArrayLike<number>, targets: BinaryTargets): number {
  const { precision, recall } = precisionRecallCurve(scores, targets);
  let ap = 0;
  for (let n = 1; n < recall.length; n++) ap += (recall[n] - recall[n - 1]) * precision[n];
  return ap;
}

/** A ROC curve, ordered by decreasing threshold, from (0, 0) to (1, 1). */
export interface RocCurve {
  /** False-positive rate FP_n / negatives. */
  fpr: number[];
  /** True-positive rate TP_n / positives. */
  tpr: number[];
  /** Score threshold of each point; +Infinity for (0, 0). */
  thresholds: number[];
}

/**
 * ROC curve of binary scores (all distinct thresholds kept; ties form one point, so a tie between a positive
 * and a negative is a diagonal segment).
 *
 * @example
 * rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1]
 */
export function rocCurve(scores: ArrayLike<number>, targets: BinaryTargets): RocCurve {
  const { thresholds, tps, fps, positives, negatives } = cumulative("rocCurve", scores, targets);
  if (positives === 0 || negatives === 0) {
    throw new MetricError(`rocCurve: needs positive and negative samples, got ${positives} and ${negatives}`);
  }
  return {
    fpr: [0, ...fps.map((fp) => fp / negatives)],
    tpr: [0, ...tps.map((tp) => tp / positives)],
    thresholds: [Infinity, ...thresholds],
  };
}

/**
 * Area under a curve by the trapezoidal rule: Σ (x_n − x_{n−1}) (y_n + y_{n−1}) / 2 (x monotone).
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths("auc", x, y);
  let area = 0;
  for (let n = 1; n < x.length; n++) area += ((x[n] - x[n - 1]) * (y[n] + y[n - 1])) / 2;
  return area;
}

/**
 * Area under the ROC curve (= the probability that a random positive scores above a random negative, ties
 * counting one half). 0.5 for constant scores, 1 for a perfect ranking.
 *
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, targets: BinaryTargets): number {
  const { fpr, tpr } = rocCurve(scores, targets);
  return auc(fpr, tpr);
}

/** One test set's ROC curve as {@linkcode pooledRocAuc} reads it ({@linkcode rocCurve}'s, with its counts). */
export interface RocPoints {
  /** False-positive rate of each point, from 0 to 1, by decreasing threshold. */
  fpr: ArrayLike<number>;
  /** True-positive rate of each point. */
  tpr: ArrayLike<number>;
  /** Score threshold of each point (a point with a non-finite or null threshold adds no sample). */
  thresholds: ArrayLike<number | null>;
  /** Positive samples of the test set. */
  positives: number;
  /** Negative samples of the test set. */
  negatives: number;
}

/**
 * ROC AUC of the union of disjoint test sets (the folds of a cross-validation), from each set's ROC curve
 * with every distinct threshold kept ({@linkcode rocCurve} keeps them): each step of a curve is
 * ΔTP = Δtpr · P positives and ΔFP = Δfpr · N negatives scored exactly at its threshold, so the curves
 * together give back every sample's score, and the AUC is {@linkcode rocAuc} of those samples (the
 * Mann–Whitney statistic, ties one half). Pooling scores across folds rewards models whose scores are
 * comparable between folds; the mean of the folds' own AUCs does not (Forman & Scholz, 2010).
 *
 * @returns the pooled AUC, or null when a curve does not resolve into whole counts (a curve without its
 *   thresholds, or counts that do not match it) or the union lacks positives or negatives.
 */
export function pooledRocAuc(curves: readonly RocPoints[]): number | null {
  const scores: number[] = [], targets: number[] = [];
  for (const c of curves) {
    let tpSum = 0, fpSum = 0;
    for (let i = 1; i < c.fpr.length; i++) {
      const t = c.thresholds[i];
      const dtp = (c.tpr[i] - c.tpr[i - 1]) * c.positives, dfp = (c.fpr[i] - c.fpr[i - 1]) * c.negatives;
      const tp = Math.round(dtp), fp = Math.round(dfp);
      if (Math.abs(dtp - tp) > 1e-6 || Math.abs(dfp - fp) > 1e-6 || tp < 0 || fp < 0) return null;
      if (tp === 0 && fp === 0) continue;
      if (t === null || !Number.isFinite(t)) return null;
      for (let k = 0; k < tp; k++) scores.push(t), targets.push(1);
      for (let k = 0; k < fp; k++) scores.push(t), targets.push(0);
      tpSum += tp;
      fpSum += fp;
    }
    if (tpSum !== c.positives || fpSum !== c.negatives) return null;
  }
  const positives = targets.reduce((a, y) => a + y, 0);
  if (positives === 0 || positives === targets.length) return null;
  return rocAuc(scores, targets);
}

/**
 * Summed and mean softmax cross-entropy of `[n, numClasses]` logits, ℓ_i = logsumexp(z_i) − z_{i,y_i}, in
 * float64; with class weights the mean is Σ w_{y_i} ℓ_i / Σ w_{y_i}, the training loss's definition.
 */
export function crossEntropy(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: { numClasses: number; classWeights?: ArrayLike<number> },
): { sum: number; weight: number; mean: number } {
  const { numClasses: c, classWeights } = options;
  if (logits.length !== labels.length * c) {
    throw new MetricError(`crossEntropy: ${logits.length} logits for ${labels.length} labels x ${c} classes`);
  }
  let sum = 0, weight = 0;
  for (let i = 0; i < labels.length; i++) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, logits[i * c + j]);
    let z = 0;
    for (let j = 0; j < c; j++) z += Math.exp(logits[i * c + j] - max);
    const w = classWeights ? classWeights[labels[i]] ?? 1 : 1;
    sum += w * (max + Math.log(z) - logits[i * c + labels[i]]);
    weight += w;
  }
  return { sum, weight, mean: weight > 0 ? sum / weight : 0 };
}
