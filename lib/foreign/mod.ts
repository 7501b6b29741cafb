/**
 * Foreign networks as `CamModel`s (the contract of lib/models/model.ts): TensorFlow.js models nobody here
 * trained, read offline from their files and wrapped so that lib/cam explains them like a zoo model (named
 * layers to capture and perturb, the classifier after global average pooling), and the images they take.
 *
 * - Finding files: {@linkcode npmPackageDir} (Deno's npm cache or a node_modules; nothing is downloaded).
 * - Reading weights: {@linkcode readWeightsManifest} / {@linkcode decodeWeights} (TensorFlow.js weights
 *   manifests, affine-quantized uint8/uint16 included).
 * - Graph models: {@linkcode readGraphModel} reads a `model.json` + shards, {@linkcode graphCamModel} runs it
 *   by a small interpreter on tfjs-core ops as a CamModel (head: conv map → GAP → softmax).
 * - Fixed forward functions: {@linkcode FixedCamModel}, the CamModel every adapter here returns.
 * - Pretrained nets shipped in npm packages: face-api's expression net ({@linkcode loadFaceExpressionNet})
 *   and human's emotion net ({@linkcode loadEmotionNet}), with face-api's demo photo
 *   ({@linkcode FACE_API_SAMPLE}).
 * - Images: {@linkcode readJpeg} / {@linkcode decodeJpeg} (no JPEG package: resvg, which needs
 *   `--allow-ffi`), {@linkcode faceCrops} (boxes → resized RGB or grey network input).
 *
 * @example
 * import { cam } from "../cam/mod.ts";
 * import { FACE_API_SAMPLE, faceCrops, loadFaceExpressionNet, readJpeg } from "./mod.ts";
 * const net = await loadFaceExpressionNet();                   // npm:@vladmandic/face-api@1.7.15, offline
 * const photo = await readJpeg(`${faceApiDir}/${FACE_API_SAMPLE.file}`);
 * const faces = faceCrops(photo, FACE_API_SAMPLE.faces, { size: 112 });
 * const maps = await cam(net, faces, { topK: 7 });              // one map per expression
 *
 * @module
 */
export { ForeignModelError } from "./errors.ts";
export {
  defaultNpmRoots,
  npmPackageDir,
  type NpmPackageDirOptions,
  packageDirOrThrow,
} from "./npm_package.ts";
export {
  decodeWeights,
  type ManifestEntry,
  type ManifestGroup,
  type NamedWeight,
  readWeightBuffers,
  readWeightsManifest,
  type WeightQuantization,
} from "./weights_manifest.ts";
export { FixedCamModel, type PretrainedCamModel } from "./_fixed_model.ts";
export {
  type GraphAttr,
  graphCamModel,
  type GraphCamModelOptions,
  type GraphModelFiles,
  type GraphNode,
  readGraphModel,
} from "./graph_model.ts";
export {
  FACE_API_EXPRESSIONS,
  FACE_API_PACKAGE,
  faceExpressionFromWeights,
  loadFaceExpressionNet,
  type LoadFaceExpressionOptions,
} from "./face_expression_net.ts";
export {
  emotionModelPath,
  HUMAN_EMOTIONS,
  HUMAN_PACKAGE,
  loadEmotionNet,
  type LoadEmotionOptions,
} from "./emotion_net.ts";
export { FACE_API_SAMPLE } from "./face_api_sample.ts";
export { decodeJpeg, jpegSize, readJpeg, type RgbImage } from "./jpeg.ts";
export { type FaceCropOptions, faceCrops, type PixelBox } from "./face_crop.ts";
