/** Gradients of the explained class scores at a layer. Private: shared by Grad-CAM and Grad-CAM++. */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import { byImage, resolveTargets, targetMask, type Targets, targetScores } from "./_targets.ts";
import type { CamResult, ClassSelector, MapOptions, MapShapeOf } from "./types.ts";
import { captureMap, checkLayer, collect, finishMaps, pipelineSettings, weightedSum } from "./_pipeline.ts";
import { inChunks } from "./_chunks.ts";

/** Activations A and gradients ∂y^c/∂A at one layer, one row per map. */
export interface LayerGradients {
  /** The layer's output for each map's image, `[m, ...spatial, K]`. */
  activations: tf.Tensor;
  /** ∂y^c/∂A (y^c the pre-softmax score of the map's class), `[m, ...spatial, K]`. */
  gradients: tf.Tensor;
  scores: tf.Tensor1D;
  targets: Targets;
}

/**
 * One forward pass captures A (and the logits that resolve "top1"/top-k); a second runs under `tf.grad`
 * with an all-zero perturbation P added at the layer: ∂y/∂P = ∂y/∂A. The objective is Σ_i y_i^{c_i}:
 * images do not interact in inference mode (batch norm uses its moving statistics), so each row of the
 * gradient is that image's own. Must be called inside a `tf.tidy`.
 */
export function layerGradients(
  method: string,
  model: Explainable,
  images: tf.Tensor,
  layer: string,
  options: { classIndex?: ClassSelector; topK?: number },
): LayerGradients {
  const forward = captureMap(method, model, images, layer);
  const targets = resolveTargets(method, forward.logits, options.classIndex, options.topK);
  const activations = byImage(forward.activations, targets);
  const batch = byImage(images, targets);
  const pick = targetMask(targets, forward.logits.shape[1]);
  const objective = (perturbation: tf.Tensor) =>
    tf.sum(tf.mul(model.apply(batch, { perturb: { [layer]: perturbation } }).logits, pick));
  const gradients = tf.grad(objective)(tf.zerosLike(activations));
  return { activations, gradients, scores: targetScores(forward.logits, targets), targets };
}

/**
 * The shared body of the gradient methods (torch-cam style): gradients at the layer → the method's channel
 * weights α (from A and ∂y^c/∂A) → Σ_k α_k A_k → the pipeline (ReLU?, normalise, upsample) → a CamResult.
 * `spatialAxes` are the axes of A that index positions (1 .. rank − 2).
 */
export async function gradientMethod<T extends tf.Tensor4D | tf.Tensor5D>(
  fn: string,
  method: string,
  model: Explainable,
  images: T,
  options: MapOptions & { layer?: string },
  channelWeights: (activations: tf.Tensor, gradients: tf.Tensor, spatialAxes: number[]) => tf.Tensor2D,
): Promise<CamResult<MapShapeOf<T>>> {
  return await inChunks(
    fn,
    model,
    images,
    options,
    "gradients",
    (part, o) => gradientMaps(fn, method, model, part, o, channelWeights),
  );
}

async function gradientMaps<T extends tf.Tensor4D | tf.Tensor5D>(
  fn: string,
  method: string,
  model: Explainable,
  images: T,
  options: MapOptions & { layer?: string },
  channelWeights: (activations: tf.Tensor, gradients: tf.Tensor, spatialAxes: number[]) => tf.Tensor2D,
): Promise<CamResult<MapShapeOf<T>>> {
  const layer = options.layer ?? model.camLayer;
  checkLayer(fn, model, layer);
  const settings = pipelineSettings(fn, options, true, images.shape);
  const out = tf.tidy(() => {
    const { activations, gradients, scores, targets } = layerGradients(fn, model, images, layer, options);
    const axes = Array.from({ length: activations.rank - 2 }, (_, i) => i + 1);
    const weights = channelWeights(activations, gradients, axes);
    const raw = weightedSum(activations, weights);
    return {
      maps: finishMaps(raw, settings),
      scores,
      imageIndex: targets.imageIndex,
      classIndex: targets.classIndex,
      weights,
      mapSize: raw.shape.slice(1),
      selection: targets.selection,
    };
  });
  return await collect(out, { method, layer, model, settings, inputShape: images.shape }) as CamResult<
    MapShapeOf<T>
  >;
}
