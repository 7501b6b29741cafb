// The CAM family by name, so grids and notebooks can list methods as strings.
import type * as tf from "../tf.ts";
import { cam, gradCam, gradCamPlusPlus, saliency, scoreCam } from "../cam/mod.ts";
import type { CamResult, Explainable, MapOptions, MapShapeOf } from "../cam/mod.ts";

/** Method names a grid may list. */
export const CAM_METHODS = ["cam", "grad-cam", "grad-cam++", "score-cam", "saliency"] as const;

/** One of {@linkcode CAM_METHODS}. */
export type CamMethod = typeof CAM_METHODS[number];

/**
 * Run a CAM-family method by name on 2-D images `[n, H, W, C]` or 3-D volumes `[n, D, H, W, C]` (maps
 * `[n, H, W]` or `[n, D, H, W]`); `layer` applies to the gradient methods.
 */
export function runCamMethod<T extends tf.Tensor4D | tf.Tensor5D>(
  method: string,
  model: Explainable,
  images: T,
  options: MapOptions & { layer?: string },
): Promise<CamResult<MapShapeOf<T>>> {
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
