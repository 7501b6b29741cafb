/**
 * One-vs-all linear SVMs (hinge loss + L2) trained by dual coordinate descent (Hsieh et al., 2008, the
 * LIBLINEAR solver of the L1-loss SVM): deterministic, no learning rate, converges to the exact optimum.
 */
import { ProbeError } from "./errors.ts";

/** Options of {@linkcode linearSvm}. */
export interface LinearSvmOptions {
  /** Number of classes; one binary SVM per class (class c vs the rest). @default max(label) + 1 */
  numClasses?: number;
  /** Cost C of the primal ½‖w̃‖² + C Σ_i max(0, 1 − y_i w̃·x̃_i). @default 1 */
  cost?: number;
  /** The constant appended to every feature vector as the bias input (LIBLINEAR's B; the bias is regularized). @default 1 */
  biasInput?: number;
  /** Stop when the projected-gradient spread of a pass falls below this. @default 1e-4 */
  tolerance?: number;
  /** Most passes over the data per class. @default 1000 */
  maxPasses?: number;
  /**
   * Standardize each feature (z-score with the training mean and sd, folded back into the returned weights so
   * they apply to raw features). @default false
   */
  standardize?: boolean;
}

/** A trained one-vs-all linear SVM: score_c(x) = x·W[:, c] + b_c. */
export interface LinearSvm {
  /** Weights, row-major `[numFeatures, numClasses]` (the layout of a dense classifier's kernel `[K, C]`). */
  weights: Float32Array;
  /** Bias per class (b_c = B · w̃_{D, c}, already multiplied by the bias input). */
  bias: Float32Array;
  numFeatures: number;
  numClasses: number;
  /** Per class: passes run, whether the tolerance was met, and the primal objective at the end. */
  perClass: { passes: number; converged: boolean; objective: number; supportVectors: number }[];
  /** The options used. */
  options: Required<LinearSvmOptions>;
}

/**
 * Train one-vs-all linear SVMs on row-major features `[n, numFeatures]`. For class c the targets are
 * y_i = +1 if label_i = c else −1, and the solver minimises the primal
 * ½‖w̃‖² + C Σ_i max(0, 1 − y_i w̃·x̃_i) with x̃ = [x, B], by cyclic dual coordinate descent over
 * α_i ∈ [0, C], w̃ = Σ_i α_i y_i x̃_i.
 *
 * @example
 * const svm = linearSvm(features, labels, { numClasses: 10, cost: 0.1 });
 * const scores = svmScores(svm, testFeatures);   // [n, 10]
 */
export function linearSvm(
  features: Float32Array,
  labels: ArrayLike<number>,
  options: LinearSvmOptions = {},
): LinearSvm {
  const n = labels.length;
  if (n === 0) throw new ProbeError("linearSvm", "no training samples");
  if (features.length % n !== 0) {
    throw new ProbeError("linearSvm", `${features.length} feature values do not split into ${n} samples`);
  }
  const d = features.length / n;
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) {
      throw new ProbeError("linearSvm", `label ${i} is ${l}, not a class index`);
    }
    maxLabel = Math.max(maxLabel, l);
  }
  const opts: Required<LinearSvmOptions> = {
    numClasses: options.numClasses ?? maxLabel + 1,
    cost: options.cost ?? 1,
    biasInput: options.biasInput ?? 1,
    tolerance: options.tolerance ?? 1e-4,
    maxPasses: options.maxPasses ?? 1000,
    standardize: options.standardize ?? false,
  };
  if (maxLabel >= opts.numClasses) {
    throw new ProbeError("linearSvm", `label ${maxLabel} is not below numClasses ${opts.numClasses}`);
  }
  if (!(opts.cost > 0)) throw new ProbeError("linearSvm", `cost must be > 0, got ${opts.cost}`);
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i])) {
      throw new ProbeError("linearSvm", `feature value ${i} is ${features[i]}`);
    }
  }
  // Optional z-scoring, as float64 working copy with the bias input appended: x̃ = [x, B].
  const mean = new Float64Array(d), sd = new Float64Array(d).fill(1);
  if (opts.standardize) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += features[i * d + j] / n;
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += (features[i * d + j] - mean[j]) ** 2 / n;
      sd[j] = Math.sqrt(v) > 1e-12 ? Math.sqrt(v) : 1;
    }
  }
  const D = d + 1;
  const x = new Float64Array(n * D);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * D + j] = (features[i * d + j] - mean[j]) / sd[j];
    x[i * D + d] = opts.biasInput;
    let s = 0;
    for (let j = 0; j < D; j++) s += x[i * D + j] ** 2;
    norms[i] = s;
  }
  const C = opts.numClasses;
  const weights = new Float32Array(d * C);
  const bias = new Float32Array(C);
  const perClass: LinearSvm["perClass"] = [];
  const w = new Float64Array(D);
  const alpha = new Float64Array(n);
  for (let c = 0; c < C; c++) {
    w.fill(0);
    alpha.fill(0);
    let passes = 0, converged = false;
    while (passes < opts.maxPasses && !converged) {
      passes++;
      let pgMax = -Infinity, pgMin = Infinity;
      for (let i = 0; i < n; i++) {
        if (norms[i] === 0) continue;
        const y = labels[i] === c ? 1 : -1;
        let dot = 0;
        for (let j = 0; j < D; j++) dot += w[j] * x[i * D + j];
        const g = y * dot - 1; // ∂/∂α_i of the dual ½ αᵀQα − eᵀα
        let pg = g;
        if (alpha[i] === 0) pg = Math.min(g, 0);
        else if (alpha[i] === opts.cost) pg = Math.max(g, 0);
        pgMax = Math.max(pgMax, pg);
        pgMin = Math.min(pgMin, pg);
        if (pg !== 0) {
          const old = alpha[i];
          alpha[i] = Math.min(Math.max(old - g / norms[i], 0), opts.cost);
          const step = (alpha[i] - old) * y;
          for (let j = 0; j < D; j++) w[j] += step * x[i * D + j];
        }
      }
      converged = pgMax - pgMin < opts.tolerance;
    }
    let hinge = 0, sv = 0;
    for (let i = 0; i < n; i++) {
      const y = labels[i] === c ? 1 : -1;
      let dot = 0;
      for (let j = 0; j < D; j++) dot += w[j] * x[i * D + j];
      hinge += Math.max(0, 1 - y * dot);
      if (alpha[i] > 0) sv++;
    }
    let norm2 = 0;
    for (let j = 0; j < D; j++) norm2 += w[j] * w[j];
    perClass.push({ passes, converged, objective: 0.5 * norm2 + opts.cost * hinge, supportVectors: sv });
    // Fold the z-scoring back: w·(x − μ)/σ + wB·B = Σ_j (w_j/σ_j) x_j + (wB·B − Σ_j w_j μ_j/σ_j).
    let b = w[d] * opts.biasInput;
    for (let j = 0; j < d; j++) {
      weights[j * C + c] = w[j] / sd[j];
      b -= (w[j] * mean[j]) / sd[j];
    }
    bias[c] = b;
  }
  return { weights, bias, numFeatures: d, numClasses: C, perClass, options: opts };
}

/** Scores `[n, numClasses]` (row-major) of row-major features `[n, numFeatures]`: s_ic = x_i·W[:, c] + b_c. */
export function svmScores(svm: LinearSvm, features: Float32Array): Float32Array {
  const { numFeatures: d, numClasses: C } = svm;
  if (features.length % d !== 0) {
    throw new ProbeError("svmScores", `${features.length} values are not rows of ${d} features`);
  }
  const n = features.length / d;
  const out = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++) {
      let s = svm.bias[c];
      for (let j = 0; j < d; j++) s += features[i * d + j] * svm.weights[j * C + c];
      out[i * C + c] = s;
    }
  }
  return out;
}

/** Arg-max class of each row of scores `[n, numClasses]`. */
export function argMaxRows(scores: Float32Array, numClasses: number): Int32Array {
  const n = scores.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if (scores[i * numClasses + c] > scores[i * numClasses + best]) best = c;
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of predictions equal to the labels. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length || labels.length === 0) {
    throw new ProbeError("accuracy", `${predicted.length} predictions for ${labels.length} labels`);
  }
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) hit++;
  return hit / labels.length;
}
