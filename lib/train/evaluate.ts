/**
 * Evaluation of a trained model on a dataset: accuracy, top-1/top-5 error, confusion matrix, per-class
 * precision/recall, precision–recall and ROC curves with AP and AUC (binary, and one-vs-rest per class), and
 * the per-sample probabilities.
 *
 * @module
 */
import type { Dataset } from "../data/mod.ts";
import type { CamModel } from "../models/model.ts";
import { forEachLogits } from "./_forward.ts";
import { TrainError } from "./errors.ts";
import {
  argmaxRows,
  averagePrecision,
  confusionMatrix,
  crossEntropy,
  type PrCurve,
  precisionRecall,
  precisionRecallCurve,
  rocAuc,
  type RocCurve,
  rocCurve,
  softmax,
  topKError,
} from "./metrics.ts";

/** Options of {@linkcode evaluate}. */
export interface EvaluateOptions {
  /**
   * Images per forward pass; fewer where the estimated pass would not fit the heap (see `heapLimitBytes`).
   * @default 64
   */
  batchSize?: number;
  /**
   * Heap limit the batch is sized against, in bytes; null for none. @default the backend's (4 GiB − 64 KiB on
   * wasm, none elsewhere)
   */
  heapLimitBytes?: number | null;
  /** Class treated as positive in the `binary` summary of a two-class model. @default 1 */
  positiveClass?: number;
}

/** One class against the rest: curves, AP and AUC (null where undefined: no positives or no negatives). */
export interface OneVsRest {
  averagePrecision: number | null;
  rocAuc: number | null;
  prCurve: PrCurve | null;
  rocCurve: RocCurve | null;
}

/** What {@linkcode evaluate} returns. */
export interface Evaluation {
  numSamples: number;
  numClasses: number;
  /** Mean softmax cross-entropy. */
  loss: number;
  /** Fraction of arg-max predictions equal to the label. */
  accuracy: number;
  /** 1 − accuracy. */
  top1Error: number;
  /** Fraction whose label is not among the 5 highest scores (0 when there are ≤ 5 classes). */
  top5Error: number;
  /** confusion[true][predicted]. */
  confusion: number[][];
  /** Per-class precision, recall, F1 and support (zero denominators give 0). */
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  /** Per-class one-vs-rest curves and scores (softmax probability of the class as the score). */
  perClass: OneVsRest[];
  /** Mean of the defined per-class APs / AUCs (null if none is defined). */
  meanAveragePrecision: number | null;
  meanRocAuc: number | null;
  /** For two-class models: the positive class's curves (= perClass[positiveClass]). */
  binary?: OneVsRest & { positiveClass: number };
  /** Softmax probabilities, `[numSamples, numClasses]` row-major, in dataset order. */
  probabilities: Float32Array;
  labels: Int32Array;
  predictions: Int32Array;
}

function oneVsRest(probabilities: Float32Array, labels: Int32Array, c: number, k: number): OneVsRest {
  const n = labels.length;
  const scores = new Float32Array(n);
  const targets = new Uint8Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    scores[i] = probabilities[i * c + k];
    targets[i] = labels[i] === k ? 1 : 0;
    positives += targets[i];
  }
  const hasPos = positives > 0, hasNeg = positives < n;
  return {
    averagePrecision: hasPos ? averagePrecision(scores, targets) : null,
    prCurve: hasPos ? precisionRecallCurve(scores, targets) : null,
    rocAuc: hasPos && hasNeg ? rocAuc(scores, targets) : null,
    rocCurve: hasPos && hasNeg ? rocCurve(scores, targets) : null,
  };
}

function meanDefined(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
}

/**
 * Evaluate `model` (inference mode) on every sample of `dataset`.
 *
 * @example
 * const result = await evaluate(model, testSet);
 * console.log(result.accuracy, result.binary?.rocAuc, result.confusion);
 */
export async function evaluate(
  model: CamModel,
  dataset: Dataset,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const { batchSize = 64, positiveClass = 1 } = options;
  const c = model.config.numClasses;
  const n = dataset.size;
  if (n === 0) throw new TrainError("evaluate: the dataset is empty");
  const logits = new Float32Array(n * c);
  const labels = new Int32Array(n);
  let offset = 0;
  await forEachLogits(model, dataset, {
    batchSize,
    heapLimitBytes: options.heapLimitBytes,
    where: "evaluate",
    onBatch: (batch, z) => {
      logits.set(z, offset * c);
      labels.set(batch.labels, offset);
      offset += batch.size;
    },
  });
  const probabilities = softmax(logits, { numClasses: c });
  const predictions = argmaxRows(logits, { numClasses: c });
  const confusion = confusionMatrix(labels, predictions, { numClasses: c });
  const { precision, recall, f1, support } = precisionRecall(confusion);
  let correct = 0;
  for (let i = 0; i < n; i++) if (predictions[i] === labels[i]) correct++;
  const perClass = Array.from({ length: c }, (_, k) => oneVsRest(probabilities, labels, c, k));
  const result: Evaluation = {
    numSamples: n,
    numClasses: c,
    loss: crossEntropy(logits, labels, { numClasses: c }).mean,
    accuracy: correct / n,
    top1Error: 1 - correct / n,
    top5Error: topKError(logits, labels, { numClasses: c, k: 5 }),
    confusion,
    precision,
    recall,
    f1,
    support,
    perClass,
    meanAveragePrecision: meanDefined(perClass.map((p) => p.averagePrecision)),
    meanRocAuc: meanDefined(perClass.map((p) => p.rocAuc)),
    probabilities,
    labels,
    predictions,
  };
  if (c === 2) {
    if (positiveClass !== 0 && positiveClass !== 1) {
      throw new TrainError(
        `evaluate: positiveClass must be 0 or 1 for a two-class model, got ${positiveClass}`,
      );
    }
    result.binary = { ...perClass[positiveClass], positiveClass };
  }
  return result;
}
