/** Face crops as network input: square box → bilinear resize → RGB or grey in [0, 1]. */
import * as tf from "../tf.ts";
import { ForeignModelError } from "./errors.ts";
import type { RgbImage } from "./jpeg.ts";

/** A box in pixels: top-left corner and size. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Options of {@linkcode faceCrops}. */
export interface FaceCropOptions {
  /** Output side in pixels. @default 64 */
  size?: number;
  /**
   * Grey output (1 channel) as g = 0.2989 R + 0.5870 G + 0.1140 B (human's emotion preprocessing), else RGB.
   * @default false
   */
  grey?: boolean;
}

/**
 * Crop boxes of an image and resize them (bilinear, `tf.image.cropAndResize`) to `size`x`size`, values in
 * [0, 1]. Boxes outside the image are an error. The caller owns the returned tensor.
 *
 * @example
 * const faces = faceCrops(image, [{ x: 800, y: 200, width: 300, height: 300 }], { size: 64, grey: true });
 */
export function faceCrops(
  image: RgbImage,
  boxes: readonly PixelBox[],
  options: FaceCropOptions = {},
): tf.Tensor4D {
  const size = options.size ?? 64;
  for (const b of boxes) {
    if (
      b.width <= 0 || b.height <= 0 || b.x < 0 || b.y < 0 || b.x + b.width > image.width ||
      b.y + b.height > image.height
    ) {
      throw new ForeignModelError(
        "faceCrops",
        `box ${JSON.stringify(b)} is not inside the ${image.width}x${image.height} image`,
      );
    }
  }
  return tf.tidy(() => {
    const img = tf.div(tf.tensor4d(Float32Array.from(image.data), [1, image.height, image.width, 3]), 255);
    const norm = boxes.map((b) => [
      b.y / (image.height - 1),
      b.x / (image.width - 1),
      (b.y + b.height - 1) / (image.height - 1),
      (b.x + b.width - 1) / (image.width - 1),
    ]);
    const crops = tf.image.cropAndResize(
      img as tf.Tensor4D,
      tf.tensor2d(norm.flat(), [boxes.length, 4]),
      tf.zeros([boxes.length], "int32") as tf.Tensor1D,
      [size, size],
    );
    if (!options.grey) return crops;
    return tf.sum(tf.mul(crops, tf.tensor1d([0.2989, 0.587, 0.114])), 3, true) as tf.Tensor4D;
  });
}
