/**
 * The one routine every method shares (torch-cam's `_compute_cams` shape): channel weights → weighted sum
 * of the feature maps → optional ReLU → normalisation with eps → bilinear upsampling; then read back to plain
 * arrays with a frozen record. Methods differ only in how they compute their channel weights.
 */
import * as tf from "../tf.ts";
import type { CamModel } from "../models/model.ts";
import { CamError } from "./errors.ts";
import type { CamRecord, CamResult, MapOptions, Normalization } from "./types.ts";

/** The resolved pipeline options of one call. */
export interface PipelineSettings {
  relu: boolean;
  normalize: Normalization;
  eps: number;
  upsample: [number, number] | null;
}

/** Resolve and check the shared options against the input shape `[n, H, W, C]`. */
export function pipelineSettings(
  method: string,
  options: MapOptions,
  defaultRelu: boolean,
  inputShape: readonly number[],
): PipelineSettings {
  if (inputShape.length !== 4) {
    throw new CamError(
      method,
      `images must be a 4-D batch [n, height, width, channels], got shape [${inputShape}]`,
    );
  }
  const normalize = options.normalize ?? "minmax";
  if (normalize !== "minmax" && normalize !== "max" && normalize !== "none") {
    throw new CamError(method, `normalize must be "minmax", "max" or "none", got "${normalize}"`);
  }
  const eps = options.eps ?? 1e-7;
  if (!(eps >= 0)) throw new CamError(method, `eps must be >= 0, got ${eps}`);
  let upsample: [number, number] | null = [inputShape[1], inputShape[2]];
  if (options.upsample === false) upsample = null;
  else if (options.upsample !== undefined) {
    const [h, w] = options.upsample;
    if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) {
      throw new CamError(
        method,
        `upsample must be [height, width] of positive integers, got [${options.upsample}]`,
      );
    }
    upsample = [h, w];
  }
  return { relu: options.relu ?? defaultRelu, normalize, eps, upsample };
}

/** M(x, y) = Σ_k w_k f_k(x, y) for each map: featureMaps `[m, h, w, K]`, classWeights `[m, K]` → `[m, h, w]`. */
export function weightedSum(featureMaps: tf.Tensor4D, classWeights: tf.Tensor2D): tf.Tensor3D {
  const [m, h, w, k] = featureMaps.shape;
  // [m, h·w, K] x [m, K, 1]: one batched matmul instead of a broadcast product and a reduction.
  const sum = tf.matMul(tf.reshape(featureMaps, [m, h * w, k]), tf.reshape(classWeights, [m, k, 1]));
  return tf.reshape(sum, [m, h, w]);
}

/**
 * ReLU? → normalise → upsample, per map (`[m, h, w]` → `[m, H, W]`).
 * minmax: (M − min) / (max − min + eps); max: M / (max|M| + eps). A flat map gives 0 / eps = 0, and
 * `divNoNan` keeps it 0 even with eps = 0: never NaN.
 * Bilinear resizing of a map in [0, 1] stays in [0, 1] (each output is a convex combination).
 */
export function finishMaps(raw: tf.Tensor3D, settings: PipelineSettings): tf.Tensor3D {
  let maps = settings.relu ? tf.relu(raw) : raw;
  if (settings.normalize === "minmax") {
    const shifted = tf.sub(maps, tf.min(maps, [1, 2], true));
    maps = tf.divNoNan(shifted, tf.add(tf.max(shifted, [1, 2], true), settings.eps));
  } else if (settings.normalize === "max") {
    maps = tf.divNoNan(maps, tf.add(tf.max(tf.abs(maps), [1, 2], true), settings.eps));
  }
  if (settings.upsample) {
    const [h, w] = settings.upsample;
    if (h !== maps.shape[1] || w !== maps.shape[2]) {
      maps = tf.squeeze(tf.image.resizeBilinear(tf.expandDims(maps, 3) as tf.Tensor4D, [h, w], false, true), [
        3,
      ]);
    }
  }
  return maps;
}

/** What a method hands back from its tidy: tensors the collector reads and frees. */
export interface MethodOutput {
  maps: tf.Tensor3D;
  scores: tf.Tensor1D;
  imageIndex: tf.Tensor1D;
  classIndex: tf.Tensor1D;
  weights?: tf.Tensor2D;
  mapSize: [number, number];
  selection: string;
}

/** Read the tensors back into plain arrays (asynchronously, so every backend works), free them, and freeze the record. */
export async function collect(
  out: MethodOutput,
  meta: {
    method: string;
    layer: string;
    model: CamModel;
    settings: PipelineSettings;
    inputShape: readonly number[];
    extra?: Record<string, string | number | boolean>;
  },
): Promise<CamResult> {
  try {
    // data(), not dataSync(): the latter throws on webgpu in Deno (see lib/backend/read_data.ts).
    const maps = new Float32Array(await out.maps.data());
    const scores = new Float32Array(await out.scores.data());
    const imageIndex = Array.from(await out.imageIndex.data());
    const classIndex = Array.from(await out.classIndex.data());
    const weights = out.weights ? new Float32Array(await out.weights.data()) : undefined;
    const s = meta.settings;
    const record: CamRecord = Object.freeze({
      method: meta.method,
      layer: meta.layer,
      model: String(meta.model.config?.name ?? "unnamed"),
      pooling: String(meta.model.config?.pooling ?? "unknown"),
      classIndex: Object.freeze(classIndex),
      imageIndex: Object.freeze(imageIndex),
      classSelection: out.selection,
      relu: s.relu,
      normalize: s.normalize,
      eps: s.eps,
      mapSize: Object.freeze([...out.mapSize]) as unknown as readonly [number, number],
      upsample: s.upsample ? Object.freeze([...s.upsample]) as unknown as readonly [number, number] : null,
      inputShape: Object.freeze([...meta.inputShape]),
      backend: tf.getBackend(),
      tfjs: tf.version_core,
      extra: Object.freeze({ ...(meta.extra ?? {}) }),
    });
    const [count, h, w] = out.maps.shape;
    return Object.freeze({ maps, shape: [count, h, w] as const, weights, scores, record });
  } finally {
    for (const t of [out.maps, out.scores, out.imageIndex, out.classIndex, out.weights]) t?.dispose();
  }
}

/** Fail early, naming the method, when a layer name is not one the model exposes. */
export function checkLayer(method: string, model: CamModel, layer: string): void {
  if (!model.layerNames.includes(layer)) {
    throw new CamError(method, `unknown layer "${layer}" (layers: ${model.layerNames.join(", ")})`);
  }
}
