/**
 * The one routine every method shares (torch-cam's `_compute_cams` shape): channel weights → weighted sum
 * of the feature maps → optional ReLU → normalisation with eps → upsampling (bilinear for 2-D maps,
 * trilinear for 3-D); then read back to plain arrays with a frozen record. Methods differ only in how they
 * compute their channel weights. Maps have any number of spatial axes: `[m, h, w]` or `[m, d, h, w]`.
 */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import { CamError } from "./errors.ts";
import type { CamRecord, CamResult, MapOptions, Normalization } from "./types.ts";

/** The resolved pipeline options of one call. */
export interface PipelineSettings {
  relu: boolean;
  normalize: Normalization;
  eps: number;
  /** Output size of the maps' spatial axes, or null to keep the layer's resolution. */
  upsample: number[] | null;
}

const SPATIAL_NAMES: Record<number, string> = { 2: "[height, width]", 3: "[depth, height, width]" };

/**
 * Resolve and check the shared options against the input shape: `[n, H, W, C]` (2-D) or `[n, D, H, W, C]`
 * (3-D).
 */
export function pipelineSettings(
  method: string,
  options: MapOptions,
  defaultRelu: boolean,
  inputShape: readonly number[],
): PipelineSettings {
  if (inputShape.length !== 4 && inputShape.length !== 5) {
    throw new CamError(
      method,
      `images must be a 4-D batch [n, height, width, channels] or a 5-D batch [n, depth, height, width, channels], got shape [${inputShape}]`,
    );
  }
  const normalize = options.normalize ?? "minmax";
  if (normalize !== "minmax" && normalize !== "max" && normalize !== "none") {
    throw new CamError(method, `normalize must be "minmax", "max" or "none", got "${normalize}"`);
  }
  const eps = options.eps ?? 1e-7;
  if (!(eps >= 0)) throw new CamError(method, `eps must be >= 0, got ${eps}`);
  const spatial = inputShape.slice(1, -1);
  let upsample: number[] | null = spatial;
  if (options.upsample === false) upsample = null;
  else if (options.upsample !== undefined) {
    const size = [...options.upsample];
    if (size.length !== spatial.length || !size.every((d) => Number.isInteger(d) && d > 0)) {
      throw new CamError(
        method,
        `upsample must be ${SPATIAL_NAMES[spatial.length]} of positive integers, got [${options.upsample}]`,
      );
    }
    upsample = size;
  }
  return { relu: options.relu ?? defaultRelu, normalize, eps, upsample };
}

/** The spatial axes of a map or feature tensor: 1 .. rank − 2 (features) or 1 .. rank − 1 (maps). */
export function spatialAxes(rank: number, channelsLast: boolean): number[] {
  return Array.from({ length: rank - (channelsLast ? 2 : 1) }, (_, i) => i + 1);
}

/**
 * M(p) = Σ_k w_k f_k(p) for each map: featureMaps `[m, ...spatial, K]`, classWeights `[m, K]` →
 * `[m, ...spatial]`.
 */
export function weightedSum(featureMaps: tf.Tensor, classWeights: tf.Tensor2D): tf.Tensor {
  const shape = featureMaps.shape;
  const m = shape[0], k = shape[shape.length - 1];
  const spatial = shape.slice(1, -1);
  const positions = spatial.reduce((a, b) => a * b, 1);
  // [m, P, K] x [m, K, 1]: one batched matmul instead of a broadcast product and a reduction.
  const sum = tf.matMul(tf.reshape(featureMaps, [m, positions, k]), tf.reshape(classWeights, [m, k, 1]));
  return tf.reshape(sum, [m, ...spatial]);
}

/**
 * Resize maps `[m, ...spatial]` to `size` with half-pixel centres (PyTorch's `align_corners=False`):
 * bilinear for 2-D maps; trilinear for 3-D maps, as linear interpolation along height and width
 * (`resizeBilinear` on each depth slice) and then along depth (`resizeBilinear` on `[D', H·W]` planes,
 * whose unchanged width axis is an exact identity): linear interpolation is separable, so the two passes
 * are exactly trilinear. A convex combination per output, so maps in [0, 1] stay in [0, 1].
 */
export function resizeMaps(maps: tf.Tensor, size: readonly number[]): tf.Tensor {
  const spatial = maps.shape.slice(1);
  if (spatial.length === size.length && spatial.every((d, i) => d === size[i])) return maps;
  const m = maps.shape[0];
  if (spatial.length === 2) {
    const [h, w] = size;
    return tf.reshape(
      tf.image.resizeBilinear(
        tf.reshape(maps, [m, spatial[0], spatial[1], 1]) as tf.Tensor4D,
        [h, w],
        false,
        true,
      ),
      [m, h, w],
    );
  }
  if (spatial.length === 3) {
    const [d, h, w] = spatial;
    const [outD, outH, outW] = size;
    let x: tf.Tensor4D = tf.reshape(maps, [m * d, h, w, 1]);
    if (outH !== h || outW !== w) x = tf.image.resizeBilinear(x, [outH, outW], false, true);
    let planes: tf.Tensor4D = tf.reshape(x, [m, d, outH * outW, 1]);
    if (outD !== d) planes = tf.image.resizeBilinear(planes, [outD, outH * outW], false, true);
    return tf.reshape(planes, [m, outD, outH, outW]);
  }
  throw new CamError("resizeMaps", `maps must have 2 or 3 spatial axes, got shape [${maps.shape}]`);
}

/**
 * ReLU? → normalise → upsample, per map (`[m, ...spatial]` → `[m, ...upsample]`).
 * minmax: (M − min) / (max − min + eps); max: M / (max|M| + eps). A flat map gives 0 / eps = 0, and
 * `divNoNan` keeps it 0 even with eps = 0: never NaN.
 */
export function finishMaps(raw: tf.Tensor, settings: PipelineSettings): tf.Tensor {
  const axes = spatialAxes(raw.rank, false);
  let maps = settings.relu ? tf.relu(raw) : raw;
  if (settings.normalize === "minmax") {
    const shifted = tf.sub(maps, tf.min(maps, axes, true));
    maps = tf.divNoNan(shifted, tf.add(tf.max(shifted, axes, true), settings.eps));
  } else if (settings.normalize === "max") {
    maps = tf.divNoNan(maps, tf.add(tf.max(tf.abs(maps), axes, true), settings.eps));
  }
  return settings.upsample ? resizeMaps(maps, settings.upsample) : maps;
}

/** What a method hands back from its tidy: tensors the collector reads and frees. */
export interface MethodOutput {
  /** `[m, ...spatial]`. */
  maps: tf.Tensor;
  scores: tf.Tensor1D;
  imageIndex: tf.Tensor1D;
  classIndex: tf.Tensor1D;
  weights?: tf.Tensor2D;
  /** Spatial size of the maps before upsampling. */
  mapSize: number[];
  selection: string;
}

/** Read the tensors back into plain arrays (asynchronously, so every backend works), free them, and freeze the record. */
export async function collect(
  out: MethodOutput,
  meta: {
    method: string;
    layer: string;
    model: Explainable;
    settings: PipelineSettings;
    inputShape: readonly number[];
    extra?: Record<string, string | number | boolean>;
  },
): Promise<CamResult<readonly number[]>> {
  try {
    // data(), not dataSync(): the latter throws on webgpu in Deno (see lib/backend/read_data.ts).
    const maps = new Float32Array(await out.maps.data());
    const scores = new Float32Array(await out.scores.data());
    const imageIndex = Array.from(await out.imageIndex.data());
    const classIndex = Array.from(await out.classIndex.data());
    const weights = out.weights ? new Float32Array(await out.weights.data()) : undefined;
    const s = meta.settings;
    const config = meta.model.config;
    const extra = { ...(meta.extra ?? {}) };
    if (typeof config.scores === "string" && config.scores !== "logits") extra.scores = config.scores;
    const record: CamRecord = Object.freeze({
      method: meta.method,
      layer: meta.layer,
      model: String(config?.name ?? "unnamed"),
      pooling: String(config?.pooling ?? "unknown"),
      classIndex: Object.freeze(classIndex),
      imageIndex: Object.freeze(imageIndex),
      classSelection: out.selection,
      relu: s.relu,
      normalize: s.normalize,
      eps: s.eps,
      mapSize: Object.freeze([...out.mapSize]),
      upsample: s.upsample ? Object.freeze([...s.upsample]) : null,
      inputShape: Object.freeze([...meta.inputShape]),
      backend: tf.getBackend(),
      tfjs: tf.version_core,
      extra: Object.freeze(extra),
    });
    return Object.freeze({ maps, shape: Object.freeze([...out.maps.shape]), weights, scores, record });
  } finally {
    for (const t of [out.maps, out.scores, out.imageIndex, out.classIndex, out.weights]) t?.dispose();
  }
}

/** Fail early, naming the method, the model and the layer, when a layer name is not one the model exposes. */
export function checkLayer(method: string, model: Explainable, layer: string): void {
  if (!model.layerNames.includes(layer)) {
    throw new CamError(
      method,
      `unknown layer "${layer}" in ${model.config.name} (layers: ${model.layerNames.join(", ")})`,
    );
  }
}

/**
 * One forward pass capturing `layer`, checked to be a map with the input's spatial rank
 * (`[n, ...spatial, K]`). Must be called inside a `tf.tidy`.
 */
export function captureMap(
  method: string,
  model: Explainable,
  images: tf.Tensor,
  layer: string,
): { logits: tf.Tensor2D; activations: tf.Tensor } {
  const { logits, activations } = model.apply(images, { capture: [layer] });
  const captured = activations[layer];
  if (!captured || captured.rank !== images.rank) {
    const want = images.rank === 5 ? "[n, d, h, w, K]" : "[n, h, w, K]";
    throw new CamError(
      method,
      `layer "${layer}" of ${model.config.name} did not give a ${images.rank}-D map ${want}${
        captured ? `, got shape [${captured.shape}]` : ""
      }`,
    );
  }
  checkLogits(method, model, logits);
  return { logits, activations: captured };
}

/** The model's scores must be `[n, C]`. */
export function checkLogits(method: string, model: Explainable, logits: tf.Tensor): void {
  if (logits.rank !== 2) {
    throw new CamError(
      method,
      `${model.config.name} gave class scores of shape [${logits.shape}], expected [n, numClasses]`,
    );
  }
}
