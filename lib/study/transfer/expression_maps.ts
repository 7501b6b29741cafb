/** CAM and Grad-CAM of every class of a pretrained net on a batch of faces, in label order. */
import * as tf from "../../tf.ts";
import { cam, gradCam } from "../../cam/mod.ts";
import type { CamRecord } from "../../cam/mod.ts";
import type { PretrainedCamModel } from "../../foreign/mod.ts";

/** Options of {@linkcode expressionMaps}. */
export interface ExpressionMapsOptions {
  /** Layer of the Grad-CAM maps. @default the model's `gradCamLayer` */
  gradCamLayer?: string;
}

/** Per class: its maps for every face. */
export interface ExpressionMaps {
  /** Softmax probabilities, row-major `[n, numClasses]`. */
  probabilities: Float32Array;
  labels: readonly string[];
  /** Maps per class in label order: each `[n, H, W]` in [0, 1] (min-max), upsampled to the input. */
  perClass: { label: string; cam: Float32Array; gradCam: Float32Array }[];
  shape: readonly [number, number, number];
  camRecord: CamRecord;
  gradCamRecord: CamRecord;
}

/**
 * CAM (at the CAM layer, no ReLU) and Grad-CAM (at `gradCamLayer`, ReLU) of each class for each face.
 *
 * @example
 * const net = await loadFaceExpressionNet();
 * const faces = faceCrops(photo, FACE_API_SAMPLE.faces, { size: 112 });
 * const { probabilities, perClass } = await expressionMaps(net, faces);
 */
export async function expressionMaps(
  net: PretrainedCamModel,
  faces: tf.Tensor4D,
  options: ExpressionMapsOptions = {},
): Promise<ExpressionMaps> {
  const probs = tf.tidy(() => tf.softmax(net.apply(faces).logits));
  const probabilities = await probs.data() as Float32Array;
  probs.dispose();
  const layer = options.gradCamLayer ?? net.gradCamLayer;
  const perClass: ExpressionMaps["perClass"] = [];
  let camRecord: CamRecord | undefined, gradCamRecord: CamRecord | undefined, shape;
  for (const [c, label] of net.labels.entries()) {
    const a = await cam(net, faces, { classIndex: c });
    const g = await gradCam(net, faces, { classIndex: c, layer });
    perClass.push({ label, cam: a.maps, gradCam: g.maps });
    camRecord ??= a.record;
    gradCamRecord ??= g.record;
    shape ??= a.shape;
  }
  return {
    probabilities,
    labels: net.labels,
    perClass,
    shape: shape!,
    camRecord: camRecord!,
    gradCamRecord: gradCamRecord!,
  };
}
