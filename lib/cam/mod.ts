/**
 * The CAM family, torch-cam style: every method only says how it computes its channel weights, and one
 * shared routine does weighted sum → optional ReLU → normalisation (with eps; a flat map becomes zeros) →
 * upsampling to the input (bilinear for images, trilinear for volumes). Every method takes 2-D images
 * `[n, H, W, C]` or 3-D volumes `[n, D, H, W, C]`. Results are plain `Float32Array` maps `[n, H, W]` (or
 * `[n, D, H, W]`) with a frozen
 * {@linkcode CamRecord} of how they were made (method, layer, classes, relu, normalize, eps, sizes, backend),
 * so downstream code (lib/localize, lib/viz) is pure. No tensor outlives a call. Every method is async: the maps
 * are read back with `tensor.data()`, which every backend supports (webgpu in Deno has no `dataSync`).
 * A batch whose estimated pass (lib/models' `estimateStepMemory`) would not fit the backend's heap (wasm:
 * 4 GiB; `heapLimitBytes`) runs in consecutive chunks that do, with the same maps; what cannot fit even one
 * image at a time, or a wasm heap that still runs out, is a `MemoryError` naming model, input and batch.
 *
 * | method | weights of channel k for class c | default ReLU |
 * |---|---|---|
 * | {@linkcode cam} | classifier weight w_k^c | off |
 * | {@linkcode gradCam} | spatial mean of ∂y^c/∂A_k | on |
 * | {@linkcode gradCamPlusPlus} | Σ α_k^{ij} ReLU(∂y^c/∂A_k^{ij}) | on |
 * | {@linkcode scoreCam} | softmax_c(f(X ∘ upsampled normalised A_k)) | on |
 * | {@linkcode saliency} | (none: max_ch \|∂y^c/∂X\|) | off |
 *
 * Every method explains an {@linkcode Explainable} (lib/models/explainable.ts, re-exported here): named
 * layers to capture and perturb, a default CAM layer, pre-softmax scores, and the classifier after global
 * pooling where there is one (plain CAM needs it). The zoo's `CamModel` is one; lib/foreign's
 * `fromLayersModel` and `fromGraphModel` make any TensorFlow.js model one. Gradients reach any layer through
 * `apply`'s `perturb` (∂y/∂P at P = 0 equals ∂y/∂A). TensorFlow.js comes through lib/tf.ts, which registers its gradient
 * functions. Oracles the tests pin: with a GAP → dense head, Grad-CAM at the CAM layer is CAM / Z
 * (equal after min-max); with GMP it is (1/Z) Σ_k n_k w_k^c f_k, n_k the positions tied at channel k's
 * maximum (equal to CAM / Z when there are no ties).
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { createModel } from "../models/mod.ts";
 * const model = createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 3 });
 * const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const top = await cam(model, images); // top-1 class of each image
 * const mid = await gradCam(model, images, { layer: model.layerNames[1], topK: 2 });
 * ```
 *
 * @module
 */
export { cam, type CamOptions } from "./cam.ts";
export { gradCam, type GradCamOptions } from "./grad_cam.ts";
export { gradCamPlusPlus } from "./grad_cam_pp.ts";
export { scoreCam, type ScoreCamOptions } from "./score_cam.ts";
export { saliency } from "./saliency.ts";
export { modelScoreFunction, type ScoreFunctionOptions } from "./score_function.ts";
export { CamError } from "./errors.ts";
export type {
  CamRecord,
  CamResult,
  ClassSelector,
  MapOptions,
  MapShape2D,
  MapShape3D,
  MapShapeOf,
  Normalization,
} from "./types.ts";
export type { Explainable, ExplainableConfig, ExplainOptions, ExplainOutput } from "../models/explainable.ts";
