/** Table 5 analogue: deep features + one-vs-all linear SVMs on several target sets. */
import type { Dataset } from "../data/mod.ts";
import type { Explainable } from "../models/explainable.ts";
import { gapFeatures } from "./features.ts";
import {
  accuracy,
  argMaxRows,
  type LinearSvm,
  linearSvm,
  type LinearSvmOptions,
  svmScores,
} from "./linear_svm.ts";

/** A feature extractor: a trained network and the layer whose (GAP-pooled) output is the feature. */
export interface FeatureSource {
  /** Row label, e.g. "small-gap (GAP of conv3)". */
  name: string;
  model: Explainable;
  /** @default the model's CAM layer (GAP vector) */
  layer?: string;
}

/** A target classification task with its own train and test images (same image size as the sources'). */
export interface TargetSet {
  name: string;
  train: Dataset;
  test: Dataset;
  numClasses: number;
}

/** Options of {@linkcode svmTransfer}. */
export interface SvmTransferOptions {
  /** SVM options (cost, standardisation, ...). @default { cost: 1, standardize: true } */
  svm?: LinearSvmOptions;
  /** Most train / test samples used per target. @default all */
  limit?: { train?: number; test?: number };
  /** Images per forward pass. @default 64 */
  batchSize?: number;
}

/** One cell of the table. */
export interface SvmTransferRow {
  features: string;
  layer: string;
  target: string;
  numFeatures: number;
  nTrain: number;
  nTest: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** The trained SVM (its weights give CAM with `withClassifier`). */
  svm: LinearSvm;
}

/**
 * For every (source, target): features of the target's train and test images, one-vs-all linear SVMs on the
 * train features, accuracy on the test features (Zhou et al., 2016, Table 5: GoogLeNet-GAP features vs
 * AlexNet/fc7-style features on new tasks).
 *
 * @example
 * const rows = await svmTransfer(
 *   [{ name: "GAP", model: gapNet }, { name: "fc", model: fcNet, layer: "fc1" }],
 *   [{ name: "digits", train: digits.train, test: digits.test, numClasses: 10 }],
 * );
 */
export async function svmTransfer(
  sources: readonly FeatureSource[],
  targets: readonly TargetSet[],
  options: SvmTransferOptions = {},
): Promise<SvmTransferRow[]> {
  const svmOptions = { cost: 1, standardize: true, ...options.svm };
  const rows: SvmTransferRow[] = [];
  for (const target of targets) {
    for (const source of sources) {
      const common = { layer: source.layer, batchSize: options.batchSize };
      const tr = await gapFeatures(source.model, target.train, { ...common, limit: options.limit?.train });
      const te = await gapFeatures(source.model, target.test, { ...common, limit: options.limit?.test });
      const svm = linearSvm(tr.features, tr.labels, { ...svmOptions, numClasses: target.numClasses });
      const k = target.numClasses;
      rows.push({
        features: source.name,
        layer: tr.layer,
        target: target.name,
        numFeatures: tr.numFeatures,
        nTrain: tr.count,
        nTest: te.count,
        trainAccuracy: accuracy(argMaxRows(svmScores(svm, tr.features), k), tr.labels),
        testAccuracy: accuracy(argMaxRows(svmScores(svm, te.features), k), te.labels),
        svm,
      });
    }
  }
  return rows;
}
