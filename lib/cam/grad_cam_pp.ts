/** Grad-CAM++ (Chattopadhyay et al., 2018). */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import { gradientMethod } from "./_gradients.ts";
import type { GradCamOptions } from "./grad_cam.ts";
import type { CamResult, MapShapeOf } from "./types.ts";

/**
 * Grad-CAM++ with the exponential-score closed form (Chattopadhyay et al., 2018, eq. 19): with
 * g = ∂y^c/∂A_k (y^c the pre-softmax score) and S^c = exp(y^c), the higher derivatives of S^c are powers
 * of g, and
 *
 *   α_k^{p} = g_{p}² / (2 g_{p}² + Σ_{q} A_k^{q} · g_{p}³),
 *   w_k^c   = Σ_{p} α_k^{p} · ReLU(g_{p}),
 *   L^c     = ReLU(Σ_k w_k^c A_k),
 *
 * p and q running over the map's positions (2-D or 3-D). This is pytorch-grad-cam's form (the sum runs over
 * the activations only, as in the paper). The paper's w_k has an extra factor exp(y^c) (ReLU of
 * ∂S/∂A = S·g); it is the same for every channel of a map, so the normalised map is unchanged and it is
 * dropped here, as pytorch-grad-cam does. Where the denominator is 0 (in particular where g = 0) α is 0
 * (`tf.divNoNan`) instead of pytorch-grad-cam's + 1e-6. torch-cam differs: its denominator uses
 * Σ_q A^{q}·g_{q}³; the two agree whenever g is constant over the map (a GAP head at the CAM layer).
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { createModel } from "../models/mod.ts";
 * const model = createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 3 });
 * const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const { maps, weights } = await gradCamPlusPlus(model, images, { topK: 2 }); // 4 maps, weights [4, K]
 * ```
 */
export function gradCamPlusPlus<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: GradCamOptions = {},
): Promise<CamResult<MapShapeOf<T>>> {
  return gradientMethod("gradCamPlusPlus", "grad-cam++", model, images, options, (activations, g, axes) => {
    const g2 = tf.square(g);
    const g3 = tf.mul(g2, g);
    const activationSum = tf.sum(activations, axes, true);
    const alpha = tf.divNoNan(g2, tf.add(tf.mul(g2, 2), tf.mul(activationSum, g3)));
    return tf.sum(tf.mul(alpha, tf.relu(g)), axes) as tf.Tensor2D;
  });
}
