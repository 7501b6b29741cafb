// The CAM family by name, so grids and notebooks can list methods as strings.
import type * as tf from "../tf.ts";
import { cam, gradCam, gradCamPlusPlus, saliency, scoreCam } from "../cam/mod.ts";
import type { CamResult, MapOptions } from "../cam/mod.ts";
import type { CamModel } from "../models/model.ts";

/** Method names a grid may list. */
export const CAM_METHODS = ["cam", "grad-cam", "grad-cam++", "score-cam", "saliency"] as const;

/** One of {@linkcode CAM_METHODS}. */
export type CamMethod = typeof CAM_METHODS[number];

/** Run a CAM-family method by name; `layer` applies to the gradient methods. */
export function runCamMethod(
  method: string,
  model: CamModel,
  images: tf.Tensor4D,
  options: MapOptions & { layer?: string },
): Promise<CamResult> {
  switch (method) {
    case "cam":
      return cam(model, images, options);
    case "grad-cam":
      return gradCam(model, images, options);
    case "grad-cam++":
      return gradCamPlusPlus(model, images, options);
    case "score-cam":
      return scoreCam(model, images, options);
    case "saliency":
      return saliency(model, images, options);
    default:
      throw new Error(`unknown CAM method "${method}" (known: ${CAM_METHODS.join(", ")})`);
  }
}
