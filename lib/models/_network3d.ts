/**
 * The one network class behind every 3-D zoo model: allocates the variables a {@link Network3dSpec} asks for
 * (seeded) and runs it on volumes `[batch, depth, height, width, channels]`.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { fusedConv3d } from "../backend/mod.ts";
import type { Zoo3dConfig } from "./config3d.ts";
import { ModelError } from "./errors.ts";
import { layerTap, shapeText } from "./_tap.ts";
import type { ExplainOptions, ExplainOutput } from "./explainable.ts";
import { createVariables, disposeVariables } from "./_variables.ts";
import { batchNorm, batchNormVariables } from "./_layers.ts";
import {
  type Conv3dNode,
  layerOrder3d,
  type Network3dSpec,
  variableSpecs3d,
  walkLayers3d,
} from "./spec3d.ts";

/** Options of one forward pass of a 3-D model. */
export interface Apply3dOptions extends ExplainOptions {
  /** Training mode: batch norm uses and updates batch statistics. @default false */
  training?: boolean;
  /**
   * Weight of this pass's batch statistics in the moving ones (training mode), as the 2-D zoo's
   * `ApplyOptions.bnMomentum`. @default the model's `bnMomentum`
   */
  bnMomentum?: number;
}

/** What one forward pass returns; the caller owns the tensors. */
export interface Apply3dResult extends ExplainOutput {
  /**
   * Head outputs `[batch, numClasses]`: class scores before softmax, or (`head: "regress"`) the regression
   * value ŷ = s·(pool(A)·W + b) + m in `[batch, 1]`.
   */
  logits: tf.Tensor2D;
  /** The CAM layer's output `[batch, d, h, w, K]`. */
  features: tf.Tensor5D;
}

/**
 * A 3-D GAP/GMP network honouring the Explainable contract (lib/models/explainable.ts), so every CAM method
 * of lib/cam explains it with 3-D maps, plus the trainable variables and state a training loop needs.
 */
export class ZooModel3d {
  readonly trainable: Record<string, tf.Variable>;
  readonly state: Record<string, tf.Variable>;
  readonly layerNames: string[];
  readonly camLayer: string;
  /** Spatial size `[d, h, w]` of the CAM layer's grid for the configured input. */
  readonly camGrid: number[];
  #disposed = false;
  /** While {@link visitPreActivations} runs: sees (and may replace) each conv's output before batch norm and ReLU. */
  #preTap?: (layer: string, z: tf.Tensor5D) => tf.Tensor5D | void;

  /** @param network The layer description (not called `spec`: lib/models/memory.ts reads that as a 2-D one). */
  constructor(readonly config: Zoo3dConfig, readonly network: Network3dSpec) {
    ({ trainable: this.trainable, state: this.state } = createVariables(
      variableSpecs3d(network, config.inputShape, config.numClasses),
      config.seed,
    ));
    this.layerNames = [...layerOrder3d(network), config.pooling];
    this.camLayer = network.body[network.body.length - 1].name;
    this.camGrid = walkLayers3d(network, config.inputShape).slice(0, 3);
  }

  /** Whether {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Forward pass (inference unless `training`). */
  apply(images: tf.Tensor, options: Apply3dOptions = {}): Apply3dResult {
    const name = this.config.name;
    if (this.#disposed) throw new ModelError(name, "the model was disposed");
    const c = this.config.inputShape[3];
    if (images.rank !== 5 || images.shape[4] !== c) {
      throw new ModelError(
        name,
        `expected volumes [batch, depth, height, width, ${c}], got ${shapeText(images.shape)}`,
      );
    }
    const { activations, tap } = layerTap(name, this.layerNames, options);
    const bn = {
      training: options.training ?? false,
      momentum: options.bnMomentum ?? this.config.bnMomentum,
    };
    return tf.tidy(() => {
      let x = images as tf.Tensor5D;
      const body = this.network.body;
      const tapped = (layer: string) => options.capture?.includes(layer) || options.perturb?.[layer] != null;
      for (let i = 0; i < body.length; i++) {
        const node = body[i], next = body[i + 1];
        if (
          node.kind === "conv3d" && !node.batchNorm && next?.kind === "maxPool3d" && !tapped(node.name) &&
          !this.#preTap
        ) {
          // Conv, bias, ReLU and the max pool after them as one op (the unpooled volume is never kept).
          x = tap(next.name, this.#conv(x, node, bn, { size: next.size, strides: next.strides }));
          i++;
          continue;
        }
        let y: tf.Tensor5D;
        switch (node.kind) {
          case "conv3d":
            y = this.#conv(x, node, bn);
            break;
          case "maxPool3d":
            y = tf.maxPool3d(x, node.size, node.strides, "same");
            break;
          case "avgPool3d":
            y = tf.avgPool3d(x, node.size, node.strides, "same");
            break;
          case "residual3d": {
            let h = x;
            for (const conv of node.body) h = tap(conv.name, this.#conv(h, conv, bn));
            const s = node.shortcut ? tap(node.shortcut.name, this.#conv(x, node.shortcut, bn)) : x;
            y = tf.relu(tf.add(h, s));
            break;
          }
        }
        x = tap(node.name, y);
      }
      const features = x;
      // GAP F_k = mean_p f_k(p); GMP F_k = max_p f_k(p), p over the 3-D grid.
      const pooled = tap(
        this.config.pooling,
        this.config.pooling === "gap" ? tf.mean(features, [1, 2, 3]) : tf.max(features, [1, 2, 3]),
      ) as tf.Tensor2D;
      const { weights, bias } = this.#head();
      const logits = tf.add(tf.matMul(pooled, weights), bias) as tf.Tensor2D;
      return { logits, features, activations };
    });
  }

  /**
   * Conv (+ batch norm or bias) (+ ReLU); the caller taps its output. With `maxPool` (bias convs only) the
   * output is max-pooled ("same") in the same fused op.
   */
  #conv(
    x: tf.Tensor5D,
    node: Conv3dNode,
    bn: { training: boolean; momentum: number },
    maxPool?: { size: number; strides: number },
  ): tf.Tensor5D {
    const v = (s: string) => this.trainable[`${node.name}/${s}`];
    // A 1³ kernel pads nothing either way ("same" and "valid" give ⌈n/s⌉ and the same values); "valid" keeps
    // clear of oneDNN's refusal of the negative padding "same" computes for it at stride 2 on even sizes.
    const padding = node.kernel === 1 ? "valid" : "same";
    const kernel = v("kernel") as tf.Tensor5D;
    if (!node.batchNorm && !this.#preTap) {
      // y = ReLU?(x ⊛ w + b) as one op: on wasm one oneDNN convolution with its bias and ReLU, and a fused
      // gradient (lib/backend/fused_conv3d.ts); elsewhere the same composition of tf ops.
      return fusedConv3d(x, kernel, {
        bias: v("bias") as tf.Tensor1D,
        activation: node.relu ? "relu" : "linear",
        strides: node.strides,
        pad: padding,
        maxPool: maxPool && { ...maxPool, pad: "same" },
      });
    }
    let y = tf.conv3d(x, kernel, node.strides, padding);
    // The composed path: batch-norm convs, and every conv while visitPreActivations sees z = x ⊛ w + b.
    if (!node.batchNorm) y = tf.add(y, v("bias"));
    if (this.#preTap) y = this.#preTap(node.name, y) ?? y;
    if (!node.batchNorm) return node.relu ? tf.relu(y) : y;
    y = batchNorm(y, batchNormVariables(node.name, this.trainable, this.state), {
      ...bn,
      epsilon: this.config.bnEpsilon,
    });
    return node.relu ? tf.relu(y) : y;
  }

  /**
   * One inference-mode forward pass in which `visit` sees each conv's output before batch norm and ReLU
   * (z = x ⊛ W + b; a residual block's convs and shortcut included), in forward order, and may return a tensor
   * that replaces it downstream (lib/models `initFromData`). The returned head outputs are the caller's;
   * tensors made by `visit` are freed with the pass.
   */
  visitPreActivations(
    images: tf.Tensor5D,
    visit: (layer: string, z: tf.Tensor5D) => tf.Tensor5D | void,
  ): tf.Tensor2D {
    this.#preTap = visit;
    try {
      const { logits, features, activations } = this.apply(images);
      tf.dispose([features, ...Object.values(activations)]);
      return logits;
    } finally {
      this.#preTap = undefined;
    }
  }

  /** The head in output units: W' = s·W, b' = s·b + m for regression; W, b for classification. */
  #head(): { weights: tf.Tensor2D; bias: tf.Tensor1D } {
    const w = this.trainable["head/kernel"] as tf.Tensor2D;
    const b = this.trainable["head/bias"] as tf.Tensor1D;
    if (this.config.head === "classify") return { weights: w, bias: b };
    const { targetScale: s, targetMean: m } = this.config;
    return { weights: tf.mul(w, s), bias: tf.add(tf.mul(b, s), m) };
  }

  /**
   * Weights W `[K, outputs]` and bias b after global pooling (output = pool(A)·W + b), in output units (for
   * regression W' = s·W, b' = s·b + m, see `targetMean`). With GAP, CAM's map M(p) = Σ_k W_k f_k(p) then has
   * mean_p M(p) = output − b: for regression, the map whose spatial mean is the prediction minus the bias.
   * Call inside `tf.tidy`.
   */
  classifier(): { weights: tf.Tensor2D; bias: tf.Tensor1D } {
    if (this.#disposed) throw new ModelError(this.config.name, "the model was disposed");
    const { weights, bias } = this.#head();
    return { weights: tf.clone(weights), bias: tf.clone(bias) };
  }

  /** Free every variable. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    disposeVariables(this);
  }
}
