/**
 * The one network class behind every zoo model: allocates the variables a {@link NetworkSpec} asks for
 * (seeded) and runs it.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { ZooConfig } from "./config.ts";
import { ModelError } from "./errors.ts";
import { layerTap, shapeText } from "./_tap.ts";
import {
  batchNorm,
  batchNormVariables,
  conv,
  dense,
  dropout,
  fusedConv,
  globalPool,
  lrn,
  pool,
} from "./_layers.ts";
import type { ApplyOptions, ApplyResult, CamModel } from "./model.ts";
import { createVariables, disposeVariables } from "./_variables.ts";
import { streamRng } from "../rng.ts";
import { fits } from "./registry.ts";
import { type LayerNode, layerOrder, type NetworkSpec, variableSpecs } from "./spec.ts";

/** A zoo model: a {@link CamModel} plus its layer description and minimum input size. */
export class ZooModel implements CamModel {
  readonly trainable: Record<string, tf.Variable>;
  readonly state: Record<string, tf.Variable>;
  readonly layerNames: string[];
  readonly convLayers: string[];
  readonly camLayer: string;
  #dropoutRand: () => number;
  #disposed = false;
  #preTap?: (layer: string, y: tf.Tensor4D) => tf.Tensor4D | void;

  constructor(readonly config: ZooConfig, readonly spec: NetworkSpec, readonly minInputSize: number) {
    ({ trainable: this.trainable, state: this.state } = createVariables(
      variableSpecs(spec, config),
      config.seed,
    ));
    this.layerNames = [...layerOrder(spec), config.pooling];
    this.convLayers = spec.body.filter((n) => n.kind === "conv" || n.kind === "concat").map((n) => n.name);
    this.camLayer = spec.body[spec.body.length - 1].name;
    this.#dropoutRand = streamRng(config.seed, "dropout");
  }

  /** Whether {@link dispose} has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  apply(images: tf.Tensor4D, options: ApplyOptions = {}): ApplyResult {
    const name = this.config.name;
    if (this.#disposed) throw new ModelError(name, "the model was disposed");
    const channels = this.config.inputShape[2];
    if (images.rank !== 4 || images.shape[3] !== channels) {
      throw new ModelError(
        name,
        `expected images [batch, height, width, ${channels}], got ${shapeText(images.shape)}`,
      );
    }
    const [, h, w] = images.shape;
    if (h < this.minInputSize || w < this.minInputSize || !fits(this.spec, [h, w, channels])) {
      const m = this.minInputSize;
      throw new ModelError(name, `input ${h}x${w} is too small (minimum ${m}x${m})`);
    }
    const { activations, tap } = layerTap(name, this.layerNames, options);
    const training = options.training ?? false;
    const bn = { training, momentum: options.bnMomentum ?? this.config.bnMomentum };
    return tf.tidy(() => {
      const features = this.#run(this.spec.body, images, bn, tap);
      const pooled = tap(this.config.pooling, globalPool(features, this.config.pooling));
      let rand = this.#dropoutRand;
      if (options.seed !== undefined) {
        rand = streamRng(this.config.seed, `dropout:${options.seed}`);
        // Row-major masks: image i of the whole batch takes draws [i·K, (i+1)·K).
        if (training && this.config.dropout > 0) {
          for (let i = (options.sampleOffset ?? 0) * pooled.shape[1]; i > 0; i--) rand();
        }
      }
      const dropped = training ? dropout(pooled, this.config.dropout, rand) : pooled;
      const logits = dense(
        dropped,
        this.trainable["classifier/kernel"] as tf.Tensor2D,
        this.trainable["classifier/bias"] as tf.Tensor1D,
      );
      return { logits, features, activations };
    });
  }

  #run(
    nodes: LayerNode[],
    input: tf.Tensor4D,
    bn: { training: boolean; momentum: number },
    tap: (layer: string, y: tf.Tensor4D) => tf.Tensor4D,
  ): tf.Tensor4D {
    let x = input;
    for (const node of nodes) {
      let y: tf.Tensor4D;
      switch (node.kind) {
        case "conv": {
          const v = (s: string) => this.trainable[`${node.name}/${s}`];
          if (!node.batchNorm && !this.#preTap) {
            // Bias and ReLU in the conv's own kernel outside a tape; the tap below sees the same ReLU?(x ⊛ W + b).
            y = fusedConv(x, node, {
              kernel: v("kernel") as tf.Tensor4D,
              bias: v("bias") as tf.Tensor1D,
              relu: node.relu,
            });
            break;
          }
          y = conv(
            x,
            node,
            v("kernel") as tf.Tensor4D,
            node.batchNorm ? undefined : v("bias") as tf.Tensor1D,
          );
          if (this.#preTap) y = this.#preTap(node.name, y) ?? y;
          if (node.batchNorm) {
            y = batchNorm(y, batchNormVariables(node.name, this.trainable, this.state), {
              ...bn,
              epsilon: this.config.bnEpsilon,
            });
          }
          if (node.relu) y = tf.relu(y);
          break;
        }
        case "lrn":
          y = lrn(x, node);
          break;
        case "maxPool":
        case "avgPool":
          y = pool(x, node);
          break;
        case "concat":
          y = tf.concat(node.branches.map((branch) => this.#run(branch, x, bn, tap)), 3);
          break;
      }
      x = tap(node.name, y);
    }
    return x;
  }

  /**
   * One inference-mode forward pass in which `visit` sees each conv layer's output before batch norm and
   * ReLU (z = x ⊛ W + b), in forward order, and may return a tensor that replaces it downstream (so a
   * visitor that rescales a layer's variables can hand on the rescaled output in the same pass). The
   * returned logits are the caller's; tensors made by `visit` are freed with the pass.
   */
  visitPreActivations(
    images: tf.Tensor4D,
    visit: (layer: string, z: tf.Tensor4D) => tf.Tensor4D | void,
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

  classifier(): { weights: tf.Tensor2D; bias: tf.Tensor1D } {
    if (this.#disposed) throw new ModelError(this.config.name, "the model was disposed");
    return {
      weights: tf.clone(this.trainable["classifier/kernel"]) as tf.Tensor2D,
      bias: tf.clone(this.trainable["classifier/bias"]) as tf.Tensor1D,
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    disposeVariables(this);
  }
}
