/** Grad-CAM (Selvaraju et al., 2017). */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import { gradientMethod } from "./_gradients.ts";
import type { CamResult, MapOptions, MapShapeOf } from "./types.ts";

/** Options of {@linkcode gradCam} and {@linkcode gradCamPlusPlus}. */
export interface GradCamOptions extends MapOptions {
  /** Layer to explain, one of `model.layerNames` (any layer with a spatial map). @default model.camLayer */
  layer?: string;
}

/**
 * Grad-CAM: α_k^c = (1/Z) Σ_p ∂y^c/∂A_k^p,  L^c = ReLU(Σ_k α_k^c A_k)  (Selvaraju et al., 2017,
 * eqs. 1-2), y^c the pre-softmax score, A the chosen layer's output (any layer with a spatial map, by
 * name), p running over its Z positions: (i, j) of a 2-D map, (d, i, j) of a 3-D one.
 *
 * Relation to CAM: with a GAP → dense head at the CAM layer, ∂y^c/∂A_k^p = w_k^c / Z, so α^c = w^c / Z
 * and the Grad-CAM map is CAM / Z: equal after min-max normalisation (with the same `relu`). With a GMP
 * head the gradient reaches only the arg-max positions: α_k^c = n_k w_k^c / Z, n_k the number of positions
 * attaining channel k's maximum (TensorFlow.js splits a max's gradient to every tied position; PyTorch
 * routes it to one, n_k = 1). Without ties (n_k = 1 for every channel that is not identically zero) it is
 * again CAM / Z; with ties each channel is re-weighted by n_k.
 *
 * ReLU is on by default (the paper's); set `relu: false` to compare with CAM.
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { createModel } from "../models/mod.ts";
 * const model = createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 3 });
 * const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const { maps } = await gradCam(model, images, { layer: model.layerNames[1], classIndex: [0, 1] });
 * ```
 */
export function gradCam<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: GradCamOptions = {},
): Promise<CamResult<MapShapeOf<T>>> {
  return gradientMethod(
    "gradCam",
    "grad-cam",
    model,
    images,
    options,
    (_activations, gradients, axes) => tf.mean(gradients, axes) as tf.Tensor2D,
  );
}
