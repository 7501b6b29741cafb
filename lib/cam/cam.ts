/** CAM (Zhou et al., 2016). */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import { CamError } from "./errors.ts";
import { captureMap, collect, finishMaps, pipelineSettings, weightedSum } from "./_pipeline.ts";
import { byImage, resolveTargets, targetScores } from "./_targets.ts";
import { inChunks } from "./_chunks.ts";
import type { CamResult, MapOptions, MapShapeOf } from "./types.ts";

/** Options of {@linkcode cam}. */
export interface CamOptions extends MapOptions {
  /**
   * Classifier weights to use instead of `model.classifier()`: a dense layer's `[K, C]`, or a 1x1-conv
   * classifier's kernel `[1, 1, K, C]` (for a GAP head the two are the same linear map). The caller keeps
   * ownership. @default the model's classifier
   */
  weights?: tf.Tensor2D | tf.Tensor4D;
}

/**
 * Class activation map: M_c(p) = Σ_k w_k^c f_k(p)  (Zhou et al., 2016, eq. 2), where f_k are the CAM
 * layer's maps (2-D, or 3-D for volumes: p = (d, y, x)) and w^c the classifier's column for class c. With a
 * GAP head the class score is S_c = mean_p M_c(p) + b_c; with a GMP head the same weighted sum is the map
 * (Zhou et al., Sec. 2). The bias is not part of the map. ReLU is off by default (the paper's CAM keeps
 * negative evidence; the min-max normalisation maps it to 0). Needs a model whose head is global pooling →
 * dense (`model.classifier()`), or `weights`.
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { createModel } from "../models/mod.ts";
 * const model = createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 3 });
 * const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const { maps, shape, record } = await cam(model, images, { classIndex: "top1" });
 * // maps: Float32Array of shape [n, H, W] (or [n, D, H, W] for volumes) in [0, 1]; record.method === "cam"
 * console.log(maps.length === shape[0] * shape[1] * shape[2], record.layer);
 * ```
 */
export async function cam<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: CamOptions = {},
): Promise<CamResult<MapShapeOf<T>>> {
  return await inChunks("cam", model, images, options, "inference", (part, o) => camOf(model, part, o));
}

async function camOf<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: CamOptions,
): Promise<CamResult<MapShapeOf<T>>> {
  const settings = pipelineSettings("cam", options, false, images.shape);
  if (options.weights && options.weights.rank !== 2 && options.weights.rank !== 4) {
    throw new CamError("cam", `weights must be [K, C] or [1, 1, K, C], got shape [${options.weights.shape}]`);
  }
  if (!options.weights && !model.classifier) {
    throw new CamError(
      "cam",
      `${model.config.name} has no global pooling → dense head after its CAM layer "${model.camLayer}" ` +
        `(layers: ${model.layerNames.join(", ")}); use gradCam, or pass weights`,
    );
  }
  const layer = model.camLayer;
  const out = tf.tidy(() => {
    const { logits, activations: features } = captureMap("cam", model, images, layer);
    const targets = resolveTargets("cam", logits, options.classIndex, options.topK);
    const channels = features.shape[features.rank - 1];
    const classifier = classifierWeights(model, options.weights, channels, logits.shape[1]);
    const classWeights = tf.gather(tf.transpose(classifier), targets.classIndex) as tf.Tensor2D;
    const raw = weightedSum(byImage(features, targets), classWeights);
    return {
      maps: finishMaps(raw, settings),
      scores: targetScores(logits, targets),
      imageIndex: targets.imageIndex,
      classIndex: targets.classIndex,
      weights: classWeights,
      mapSize: raw.shape.slice(1),
      selection: targets.selection,
    };
  });
  return await collect(out, {
    method: "cam",
    layer,
    model,
    settings,
    inputShape: images.shape,
    extra: { classifier: options.weights ? `given [${options.weights.shape}]` : "model" },
  }) as CamResult<MapShapeOf<T>>;
}

/** The `[K, C]` classifier, from the options or the model; checked against the feature map. */
function classifierWeights(
  model: Explainable,
  given: tf.Tensor2D | tf.Tensor4D | undefined,
  channels: number,
  numClasses: number,
): tf.Tensor2D {
  let w: tf.Tensor2D;
  if (given) {
    if (given.rank === 4 && (given.shape[0] !== 1 || given.shape[1] !== 1)) {
      throw new CamError("cam", `a conv classifier must be 1x1, got kernel shape [${given.shape}]`);
    }
    w = given.rank === 4 ? tf.reshape(given, given.shape.slice(2) as [number, number]) : given as tf.Tensor2D;
  } else {
    w = model.classifier!().weights;
  }
  if (w.shape[0] !== channels || w.shape[1] !== numClasses) {
    throw new CamError(
      "cam",
      `classifier weights are [${w.shape}] but the CAM layer has ${channels} channels and the model ${numClasses} classes`,
    );
  }
  return w;
}
