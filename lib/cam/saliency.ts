/** Vanilla-gradient saliency (Simonyan et al., 2014): the baseline CAM is compared with. */
import * as tf from "../tf.ts";
import type { CamModel } from "../models/model.ts";
import { collect, finishMaps, pipelineSettings } from "./_pipeline.ts";
import { byImage, resolveTargets, targetMask, targetScores } from "./_targets.ts";
import type { CamResult, MapOptions } from "./types.ts";

/**
 * Image-specific class saliency: M(x, y) = max_ch |∂S_c/∂I(x, y, ch)|  (Simonyan et al., 2014, Sec. 3.1),
 * S_c the pre-softmax class score. The map is already at the input's resolution; it then goes through the
 * shared pipeline (ReLU is a no-op on |·|; normalisation; resizing only when `upsample` asks for another
 * size). Has no channel weights.
 *
 * @example
 * const { maps } = await saliency(model, images, { classIndex: labels });
 */
export async function saliency(
  model: CamModel,
  images: tf.Tensor4D,
  options: MapOptions = {},
): Promise<CamResult> {
  const settings = pipelineSettings("saliency", options, false, images.shape);
  const out = tf.tidy(() => {
    const { logits } = model.apply(images, { training: false });
    const targets = resolveTargets("saliency", logits, options.classIndex, options.topK);
    const pick = targetMask(targets, logits.shape[1]);
    const objective = (x: tf.Tensor) =>
      tf.sum(tf.mul(model.apply(x as tf.Tensor4D, { training: false }).logits, pick));
    const gradient = tf.grad(objective)(byImage(images, targets)) as tf.Tensor4D;
    const raw = tf.max(tf.abs(gradient), 3) as tf.Tensor3D;
    return {
      maps: finishMaps(raw, settings),
      scores: targetScores(logits, targets),
      imageIndex: targets.imageIndex,
      classIndex: targets.classIndex,
      mapSize: [raw.shape[1], raw.shape[2]] as [number, number],
      selection: targets.selection,
    };
  });
  return await collect(out, {
    method: "saliency",
    layer: "input",
    model,
    settings,
    inputShape: images.shape,
  });
}
