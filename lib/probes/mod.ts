/**
 * Linear probes on a network's deep features (Zhou et al., 2016, Sec. 4): the GAP vector of the CAM layer
 * (or any captured layer) as the feature of an image, one-vs-all linear SVMs trained on it, and CAM with the
 * SVM's weights in place of the network's classifier ("generic discriminative localization", Fig. 8).
 *
 * - {@linkcode gapFeatures}: F_k = (1/Z) Σ_{x,y} f_k(x, y) of every image of a dataset.
 * - {@linkcode linearSvm}: one-vs-all L1-loss SVMs by dual coordinate descent (LIBLINEAR's solver);
 *   {@linkcode svmScores}, {@linkcode argMaxRows}, {@linkcode accuracy}.
 * - {@linkcode svmTransfer}: features of several networks × target sets → probe accuracy (Table 5).
 * - {@linkcode withClassifier}: the same network with a probe's weights as its classifier, so CAM explains
 *   the probe.
 * - {@linkcode fcHeadModel}: the non-GAP baseline (flatten → fc1 → fc2), whose feature is fc1.
 * - {@linkcode packImages}: samples of a dataset as one batch tensor (what the probes feed the network).
 *
 * @example
 * import { cam } from "../cam/mod.ts";
 * import { gapFeatures, linearSvm, withClassifier } from "./mod.ts";
 * const train = await gapFeatures(model, digits.train);
 * const svm = linearSvm(train.features, train.labels, { numClasses: 10 });
 * const maps = await cam(withClassifier(model, svm.weights, svm.bias), images, { classIndex: "top1" });
 *
 * @module
 */
export { ProbeError } from "./errors.ts";
export {
  accuracy,
  argMaxRows,
  type LinearSvm,
  linearSvm,
  type LinearSvmOptions,
  svmScores,
} from "./linear_svm.ts";
export { type DeepFeatures, gapFeatures, type GapFeaturesOptions } from "./features.ts";
export {
  type FeatureSource,
  svmTransfer,
  type SvmTransferOptions,
  type SvmTransferRow,
  type TargetSet,
} from "./svm_transfer.ts";
export { withClassifier } from "./with_classifier.ts";
export { fcHeadModel, type FcHeadOptions } from "./fc_head.ts";
export { packImages } from "./_images.ts";
