/**
 * Pattern discovery (Zhou et al., 2016, Sec. 4.2 / Fig. 11): a concept detector learned from weak labels —
 * positives are images that contain a concept somewhere, negatives random other images — as a linear SVM on
 * GAP features; CAM with its weights then localizes the concept, which no box ever marked.
 */
import type { Dataset, Sample } from "../../data/mod.ts";
import { Rng } from "../../data/mod.ts";
import type { CamModel } from "../../models/model.ts";
import {
  accuracy,
  argMaxRows,
  gapFeatures,
  type LinearSvm,
  linearSvm,
  type LinearSvmOptions,
  svmScores,
  withClassifier,
} from "../../probes/mod.ts";
import { TransferError } from "./errors.ts";

/** Options of {@linkcode weakLabels}. */
export interface WeakLabelOptions {
  /** Negatives per positive (drawn without replacement from the non-positives). @default 1 */
  negativesPerPositive?: number;
  /** Seed of the negative draw. @default 0 */
  seed?: number;
}

/**
 * A weakly labelled dataset: every sample where `hasConcept` holds (label 1) plus a seeded random draw of the
 * others (label 0). Samples are shallow copies with the new label; the original label moves to
 * `meta.sourceLabel`.
 *
 * @example
 * const set = weakLabels(digits.train, (s) => s.label === 7);
 */
export function weakLabels(
  dataset: Dataset,
  hasConcept: (sample: Sample, index: number) => boolean,
  options: WeakLabelOptions = {},
): Dataset & { positives: number; negatives: number; indices: number[] } {
  const pos: number[] = [], neg: number[] = [];
  for (let i = 0; i < dataset.size; i++) (hasConcept(dataset.get(i), i) ? pos : neg).push(i);
  if (pos.length === 0) throw new TransferError("weakLabels", "no sample has the concept");
  if (neg.length === 0) throw new TransferError("weakLabels", "every sample has the concept; no negatives");
  const rng = new Rng(options.seed ?? 0);
  for (let i = neg.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [neg[i], neg[j]] = [neg[j], neg[i]];
  }
  const chosen = neg.slice(
    0,
    Math.min(neg.length, Math.round(pos.length * (options.negativesPerPositive ?? 1))),
  );
  const indices = [...pos, ...chosen].sort((a, b) => a - b);
  const positive = new Set(pos);
  return {
    size: indices.length,
    positives: pos.length,
    negatives: chosen.length,
    indices,
    get(i: number): Sample {
      const source = indices[i];
      if (source === undefined) {
        throw new TransferError("weakLabels", `index ${i} is out of range [0, ${indices.length})`);
      }
      const s = dataset.get(source);
      return { ...s, label: positive.has(source) ? 1 : 0, meta: { ...s.meta, sourceLabel: s.label } };
    },
  };
}

/** A trained concept detector. */
export interface ConceptDetector {
  /** The SVM on GAP features (class 1 = the concept). */
  svm: LinearSvm;
  /** The network with the SVM as its classifier: `cam(detector.model, images, { classIndex: 1 })` localizes. */
  model: CamModel;
  /** Accuracy on the weakly labelled training set. */
  trainAccuracy: number;
}

/**
 * Train a concept detector on a weakly labelled set (labels 1 = has the concept, 0 = not; see
 * {@linkcode weakLabels}). `dispose()` the returned model to free the SVM's two tensors.
 *
 * @example
 * const detector = await conceptDetector(model, weakLabels(digits.train, (s) => s.label === 7));
 * const where = await cam(detector.model, images, { classIndex: 1 });
 */
export async function conceptDetector(
  model: CamModel,
  labelled: Dataset,
  options: { svm?: LinearSvmOptions; batchSize?: number } = {},
): Promise<ConceptDetector> {
  const f = await gapFeatures(model, labelled, { batchSize: options.batchSize });
  if (f.labels.some((l) => l !== 0 && l !== 1)) {
    throw new TransferError("conceptDetector", "labels must be 0 (no concept) or 1 (concept)");
  }
  const svm = linearSvm(f.features, f.labels, { standardize: true, ...options.svm, numClasses: 2 });
  return {
    svm,
    model: withClassifier(model, svm.weights, svm.bias),
    trainAccuracy: accuracy(argMaxRows(svmScores(svm, f.features), 2), f.labels),
  };
}
