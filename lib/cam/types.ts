/** Options and results shared by every CAM method (one pipeline, one record). */

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
   * Output size `[height, width]` of the bilinear upsampling (half-pixel centres, as PyTorch's
   * `align_corners=False`), or `false` to keep the layer's resolution. @default the input's height and width
   */
  upsample?: readonly [number, number] | false;
}

/** How a set of maps was produced; frozen, travels with the maps. */
export interface CamRecord {
  /** `"cam"`, `"grad-cam"`, `"grad-cam++"`, `"score-cam"` or `"saliency"`. */
  readonly method: string;
  /** Layer the maps were computed at (`"input"` for saliency). */
  readonly layer: string;
  /** Model registry name, when the model has one. */
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
  /** Size of the maps before upsampling `[h, w]`. */
  readonly mapSize: readonly [number, number];
  /** Output size `[H, W]`, or null when not upsampled. */
  readonly upsample: readonly [number, number] | null;
  /** Input batch shape `[n, H, W, C]`. */
  readonly inputShape: readonly number[];
  /** TensorFlow.js backend that ran it. */
  readonly backend: string;
  /** TensorFlow.js core version. */
  readonly tfjs: string;
  /** Method-specific settings (score function, batch size of Score-CAM, ...). */
  readonly extra: Readonly<Record<string, string | number | boolean>>;
}

/** Maps as plain arrays plus the record of how they were made. */
export interface CamResult {
  /**
   * Maps, row-major `[count, height, width]`: in [0, 1] with `"minmax"` (and with `"max"` when the map is
   * non-negative, e.g. after ReLU; in [−1, 1] otherwise); raw with `"none"`.
   */
  readonly maps: Float32Array;
  /** `[count, height, width]`; count = batch (or batch × topK). */
  readonly shape: readonly [number, number, number];
  /** Channel weights per map, row-major `[count, K]` (absent for saliency). */
  readonly weights?: Float32Array;
  /** The explained class's logit per map. */
  readonly scores: Float32Array;
  readonly record: CamRecord;
}
