/** Vanilla-gradient saliency (Simonyan et al., 2014): the baseline CAM is compared with. */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import { checkLogits, collect, finishMaps, pipelineSettings } from "./_pipeline.ts";
import { byImage, resolveTargets, targetMask, targetScores } from "./_targets.ts";
import { inChunks } from "./_chunks.ts";
import type { CamResult, MapOptions, MapShapeOf } from "./types.ts";

/**
 * Image-specific class saliency: M(p) = max_ch |∂S_c/∂I(p, ch)|  (Simonyan et al., 2014, Sec. 3.1),
 * S_c the pre-softmax class score, p a pixel (or a voxel of a volume). The map is already at the input's
 * resolution; it then goes through the shared pipeline (ReLU is a no-op on |·|; normalisation; resizing
 * only when `upsample` asks for another size). Has no channel weights.
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { createModel } from "../models/mod.ts";
 * const model = createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 3 });
 * const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const labels = [0, 2];
 * const { maps } = await saliency(model, images, { classIndex: labels });
 * ```
 */
export async function saliency<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: MapOptions = {},
): Promise<CamResult<MapShapeOf<T>>> {
  return await inChunks(
    "saliency",
    model,
    images,
    options,
    "gradients",
    (part, o) => saliencyOf(model, part, o),
  );
}

async function saliencyOf<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: MapOptions,
): Promise<CamResult<MapShapeOf<T>>> {
  const settings = pipelineSettings("saliency", options, false, images.shape);
  const out = tf.tidy(() => {
    const { logits } = model.apply(images);
    checkLogits("saliency", model, logits);
    const targets = resolveTargets("saliency", logits, options.classIndex, options.topK);
    const pick = targetMask(targets, logits.shape[1]);
    const objective = (x: tf.Tensor) => tf.sum(tf.mul(model.apply(x).logits, pick));
    const gradient = tf.grad(objective)(byImage(images as tf.Tensor, targets));
    const raw = tf.max(tf.abs(gradient), gradient.rank - 1);
    return {
      maps: finishMaps(raw, settings),
      scores: targetScores(logits, targets),
      imageIndex: targets.imageIndex,
      classIndex: targets.classIndex,
      mapSize: raw.shape.slice(1),
      selection: targets.selection,
    };
  });
  return await collect(out, {
    method: "saliency",
    layer: "input",
    model,
    settings,
    inputShape: images.shape,
  }) as CamResult<MapShapeOf<T>>;
}
