/** Options and results shared by every CAM method (one pipeline, one record). */
import type * as tf from "../tf.ts";

/**
 * Which class each map explains: one index for the whole batch, one per image, or the top-scoring class
 * of each image.
 */
export type ClassSelector = number | readonly number[] | "top1";

/** How each map is scaled before upsampling. */
export type Normalization = "minmax" | "max" | "none";

/** Options every CAM method understands. */
export interface MapOptions {
  /** Class to explain per image; ignored when `topK` is set. @default "top1" */
  classIndex?: ClassSelector;
  /** When set, explain the `topK` highest-scoring classes of every image (maps are image-major). @default undefined */
  topK?: number;
  /** Apply ReLU to the weighted sum before normalising. @default false for CAM, true for the gradient methods */
  relu?: boolean;
  /**
   * Scale of each map: `"minmax"` gives (M − min) / (max − min + eps), `"max"` gives M / (max|M| + eps),
   * `"none"` leaves the raw sum. A flat map becomes all zeros, never NaN. @default "minmax"
   */
  normalize?: Normalization;
  /** The eps of the normalisation. @default 1e-7 */
  eps?: number;
  /**
   * Output size of the upsampling, `[height, width]` (bilinear) for 2-D images or `[depth, height, width]`
   * (trilinear) for 3-D volumes, with half-pixel centres (PyTorch's `align_corners=False`); `false` keeps
   * the layer's resolution. @default the input's spatial size
   */
  upsample?: readonly number[] | false;
  /**
   * Heap limit in bytes that decides how many images run at once: when the estimated pass over all of them
   * (lib/models' `estimateStepMemory`: inference for CAM and Score-CAM, forward and backward for the
   * gradient methods) would fill more than 70% of it, they run in consecutive chunks that fit, with the
   * same maps; null: all at once. @default the backend's (4 GiB − 64 KiB on wasm, none elsewhere)
   */
  heapLimitBytes?: number | null;
}

/** How a set of maps was produced; frozen, travels with the maps. */
export interface CamRecord {
  /** `"cam"`, `"grad-cam"`, `"grad-cam++"`, `"score-cam"` or `"saliency"`. */
  readonly method: string;
  /** Layer the maps were computed at (`"input"` for saliency). */
  readonly layer: string;
  /** The model's name (`config.name`). */
  readonly model: string;
  /** The head's global pooling. */
  readonly pooling: string;
  /** The class each map explains (length = number of maps). */
  readonly classIndex: readonly number[];
  /** The image each map belongs to (length = number of maps). */
  readonly imageIndex: readonly number[];
  /** What the caller asked for: the selector, or `top<k>`. */
  readonly classSelection: string;
  readonly relu: boolean;
  readonly normalize: Normalization;
  readonly eps: number;
  /** Spatial size of the maps before upsampling: `[h, w]`, or `[d, h, w]` for volumes. */
  readonly mapSize: readonly number[];
  /** Output size `[H, W]` (or `[D, H, W]`), or null when not upsampled. */
  readonly upsample: readonly number[] | null;
  /** Input batch shape `[n, H, W, C]` or `[n, D, H, W, C]`. */
  readonly inputShape: readonly number[];
  /** TensorFlow.js backend that ran it. */
  readonly backend: string;
  /** TensorFlow.js core version. */
  readonly tfjs: string;
  /**
   * Method-specific settings (score function, batch size of Score-CAM, ...); `scores: "log-probabilities"`
   * when the model had no pre-softmax scores.
   */
  readonly extra: Readonly<Record<string, string | number | boolean>>;
}

/** Shape of 2-D maps: `[count, height, width]`. */
export type MapShape2D = readonly [number, number, number];
/** Shape of 3-D maps: `[count, depth, height, width]`. */
export type MapShape3D = readonly [number, number, number, number];
/** The maps' shape for a batch of images `T`: 3-D maps for a 5-D batch of volumes, else 2-D maps. */
export type MapShapeOf<T extends tf.Tensor> = T extends tf.Tensor5D ? MapShape3D : MapShape2D;

/** Maps as plain arrays plus the record of how they were made. */
export interface CamResult<S extends readonly number[] = MapShape2D> {
  /**
   * Maps, row-major `[count, ...spatial]`: in [0, 1] with `"minmax"` (and with `"max"` when the map is
   * non-negative, e.g. after ReLU; in [−1, 1] otherwise); raw with `"none"`.
   */
  readonly maps: Float32Array;
  /** `[count, height, width]` or `[count, depth, height, width]`; count = batch (or batch × topK). */
  readonly shape: S;
  /** Channel weights per map, row-major `[count, K]` (absent for saliency). */
  readonly weights?: Float32Array;
  /** The explained class's logit per map. */
  readonly scores: Float32Array;
  readonly record: CamRecord;
}
