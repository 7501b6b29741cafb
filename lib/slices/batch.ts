/**
 * Packing slice images into one NHWC batch and unpacking per-slice maps from one.
 *
 * @module
 */

import { SliceError } from "./errors.ts";
import type { SliceImage, SliceProvenance } from "./slice_volume.ts";

/** N images of one size in one buffer, NHWC with C = 1: index = ((n·H + y)·W + x). */
export interface SliceBatch {
  /** N·H·W values. */
  data: Float32Array;
  /** [N, H, W, 1]. */
  shape: [number, number, number, 1];
}

/**
 * Pack images of one size into a single N x H x W x 1 Float32Array (ready for `tf.tensor4d`).
 *
 * @example
 * const { data, shape } = packSlices(sliceVolume(fa));  // shape [48, 224, 224, 1]
 */
export function packSlices(images: readonly Pick<SliceImage, "data" | "height" | "width">[]): SliceBatch {
  if (images.length === 0) throw new SliceError("images", "nothing to pack: the list is empty");
  const { height, width } = images[0];
  const n = height * width;
  const data = new Float32Array(images.length * n);
  images.forEach((image, k) => {
    if (image.height !== height || image.width !== width || image.data.length !== n) {
      throw new SliceError(
        `images[${k}]`,
        `is ${image.height}x${image.width} (${image.data.length} values), images[0] is ${height}x${width}`,
      );
    }
    data.set(image.data, k * n);
  });
  return { data, shape: [images.length, height, width, 1] };
}

/** A per-slice 2-D map (a CAM, a mask, an image) that knows which slice it belongs to. */
export interface SliceMap {
  /** height·width values, row-major, row 0 at the top. */
  data: ArrayLike<number>;
  /** Rows of the map. */
  height: number;
  /** Columns of the map. */
  width: number;
  /** At least the axis and the RAS slice index; the rest is checked when present. */
  provenance: Pick<SliceProvenance, "axis" | "rasIndex"> & Partial<SliceProvenance>;
}

/**
 * Split an N x h x w (x 1) batch of maps (e.g. CAMs of packed slices) back into per-slice maps, pairing
 * map k with `provenance[k]`.
 */
export function unpackMaps(
  batch: { data: ArrayLike<number>; shape: readonly number[] },
  provenance: readonly SliceMap["provenance"][],
): SliceMap[] {
  const [n, h, w, c = 1] = batch.shape;
  if (batch.shape.length < 3 || c !== 1) {
    throw new SliceError("batch", `shape [${batch.shape}] is not N x H x W or N x H x W x 1`);
  }
  if (n !== provenance.length) {
    throw new SliceError("batch", `holds ${n} maps but ${provenance.length} provenance records were given`);
  }
  if (batch.data.length !== n * h * w) {
    throw new SliceError(
      "batch",
      `has ${batch.data.length} values, shape [${batch.shape}] needs ${n * h * w}`,
    );
  }
  const src = batch.data;
  return provenance.map((p, k) => ({
    data: src instanceof Float32Array
      ? src.slice(k * h * w, (k + 1) * h * w)
      : Float32Array.from(Array.prototype.slice.call(src, k * h * w, (k + 1) * h * w)),
    height: h,
    width: w,
    provenance: p,
  }));
}
