/**
 * Models from elsewhere, explained: any TensorFlow.js `tf.LayersModel` or tfjs-converter `GraphModel` adapted
 * to the {@linkcode Explainable} contract lib/cam explains (any layer by name to capture and perturb, the
 * pool → dense head plain CAM needs, found automatically), the files they come in, and the pretrained nets and
 * images of the face study.
 *
 * - Adapters: {@linkcode fromLayersModel} (walks the model's layer graph) and {@linkcode fromGraphModel}
 *   (tfjs-converter's `execute` captures a node and re-enters the graph there under `tf.grad`). Both take
 *   {@linkcode AdapterOptions}: the output of a multi-output model, whether the output is probabilities (then
 *   the pre-softmax scores are explained, or log-probabilities where there are none), the CAM layer,
 *   preprocessing, labels. Errors are {@linkcode ForeignModelError}s naming the model and the layer.
 * - Files, offline: {@linkcode loadGraphModelFile}, {@linkcode loadLayersModelFile} (a `model.json` and its
 *   shards through `tf.io.fromMemory`), {@linkcode folderSaveHandler} (`model.save` into a folder),
 *   {@linkcode npmPackageDir} (Deno's npm cache or a node_modules; nothing is downloaded),
 *   {@linkcode readWeightsManifest} / {@linkcode decodeWeights} (weights manifests, affine-quantized
 *   uint8/uint16 included).
 * - Pretrained nets shipped in npm packages, loaded through the adapters: face-api's expression net
 *   ({@linkcode loadFaceExpressionNet}: weights only in the package, assembled as a `tf.LayersModel`),
 *   human's emotion net ({@linkcode loadEmotionNet}, a GraphModel) and its age net
 *   ({@linkcode loadFaceResNet}: pool → dense → dense, so Grad-CAM rather than CAM), with face-api's demo photo
 *   ({@linkcode FACE_API_SAMPLE}).
 * - Images: {@linkcode readJpeg} / {@linkcode decodeJpeg} (no JPEG package: resvg, which needs
 *   `--allow-ffi`), {@linkcode faceCrops} (boxes → resized RGB or grey network input).
 *
 * @example
 * import { cam, gradCam } from "../cam/mod.ts";
 * import { fromLayersModel, loadGraphModelFile, fromGraphModel } from "./mod.ts";
 * const net = fromLayersModel(myKerasStyleModel);               // GAP → dense found: cam works
 * const maps = await cam(net, images, { topK: 2 });
 * const graph = fromGraphModel(await loadGraphModelFile("model/model.json"), { output: "probs" });
 * const where = await gradCam(graph, images, { layer: graph.layerNames[10] });
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
export type {
  AdapterOptions,
  ForeignModel,
  ForeignModelConfig,
  Head,
  PretrainedCamModel,
  ScoresOption,
} from "./_adapter.ts";
export { fromLayersModel } from "./layers_model.ts";
export { fromGraphModel, type GraphAdapterOptions, type GraphAttr, type GraphNode } from "./graph_model.ts";
export {
  folderSaveHandler,
  loadGraphModelFile,
  loadLayersModelFile,
  readModelArtifacts,
} from "./model_files.ts";
export type { Explainable } from "../models/explainable.ts";
export {
  FACE_API_EXPRESSIONS,
  FACE_API_PACKAGE,
  faceExpressionFromWeights,
  faceExpressionLayersModel,
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
export {
  FACERES_AGES,
  faceResModelPath,
  humanAge,
  loadFaceResNet,
  type LoadFaceResOptions,
} from "./faceres.ts";
export { FACE_API_SAMPLE } from "./face_api_sample.ts";
export { decodeJpeg, jpegSize, readJpeg, type RgbImage } from "./jpeg.ts";
export { type FaceCropOptions, faceCrops, type PixelBox } from "./face_crop.ts";
