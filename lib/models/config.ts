/**
 * The resolved configuration of a zoo model, and the options `createModel` takes.
 *
 * @module
 */
import type { ModelConfig } from "./model.ts";
import type { ConvNode } from "./spec.ts";

/** Options of {@link createModel}; each default depends on the architecture (see `listModels`). */
export interface ModelOptions {
  /** Input `[height, width, channels]`. @default paper size: 227 (AlexNet), 224 (VGG16, GoogLeNet), 299 (Inception-v3), 64x64x1 (small); 3 channels */
  inputShape?: [number, number, number];
  /** Classes of the softmax classifier. @default 1000 (paper backbones), 2 (small) */
  numClasses?: number;
  /** Every layer's channel count is multiplied by this and rounded (at least 1). @default 1 */
  widthMultiplier?: number;
  /** Seed of the weight initialisation and of the dropout masks. @default 0 */
  seed?: number;
  /** Dropout rate on the pooled features before the classifier (training only). @default 0 */
  dropout?: number;
  /** Batch norm after every conv (conv then has no bias), replacing LRN. @default true for Inception-v3 and AlexNet-BN, else false */
  batchNorm?: boolean;
  /** Units of each conv added before global pooling, before width scaling. @default 1024 */
  camUnits?: number;
  /** Number of 3x3/1/1 convs added before global pooling. @default 1; 3 for AlexNet*; 0 for small */
  camConvs?: number;
  /** Weight of the new batch in batch norm's moving averages. @default 0.1 */
  bnMomentum?: number;
  /** Batch norm's ε. @default 1e-3 for Inception-v3, else 1e-5 */
  bnEpsilon?: number;
  /**
   * Initialisation. "he": conv kernels He-normal N(0, 2/fan_in), as drawn from the seed. "data": the same
   * draws, then rescaled on training images by `train()` before its first step (lib/models `initFromData`:
   * every conv without batch norm gets zero-mean, unit-variance pre-activations per channel, and the logits
   * are centred). @default "he"
   */
  init?: "he" | "data";
  /**
   * Total stride from the input to the CAM layer: the last pools' strides are set to 1, latest first, until
   * the strides multiply to this (lib/models/output_stride.ts), so the CAM map is finer (AlexNet-GAP and
   * GoogLeNet-GAP at 96 px: 8 gives 8x8 and 12x12 maps instead of 4x4 and 6x6) with the same parameters.
   * @default the architecture's own stride (16 for AlexNet, VGG16, GoogLeNet and Inception-v3; 4 for small)
   */
  outputStride?: number;
}

/** A zoo model's full configuration: every option resolved. Saved with the weights; rebuilds the model. */
export interface ZooConfig extends ModelConfig {
  seed: number;
  dropout: number;
  batchNorm: boolean;
  camUnits: number;
  camConvs: number;
  bnMomentum: number;
  bnEpsilon: number;
  init: "he" | "data";
  outputStride: number;
}

/** Channel count c scaled by the width multiplier: max(1, round(c · widthMultiplier)). */
export function scaled(config: ZooConfig, channels: number): number {
  return Math.max(1, Math.round(channels * config.widthMultiplier));
}

/** A conv node with the config's batch-norm choice and ReLU. */
export function convNode(
  config: ZooConfig,
  name: string,
  filters: number,
  kernel: number | [number, number],
  options: { strides?: number; padding?: ConvNode["padding"] } = {},
): ConvNode {
  const k: [number, number] = typeof kernel === "number" ? [kernel, kernel] : kernel;
  return {
    kind: "conv",
    name,
    filters: scaled(config, filters),
    kernel: k,
    strides: options.strides ?? 1,
    padding: options.padding ?? "same",
    batchNorm: config.batchNorm,
    relu: true,
  };
}

/**
 * The convs the CAM paper adds after the cut: `camConvs` x (conv 3x3, stride 1, pad 1, `camUnits`
 * units, ReLU). The last is named `cam_conv`, earlier ones `cam_conv1`, `cam_conv2`, ...
 */
export function camConvNodes(config: ZooConfig): ConvNode[] {
  const nodes: ConvNode[] = [];
  for (let i = 1; i <= config.camConvs; i++) {
    const name = i === config.camConvs ? "cam_conv" : `cam_conv${i}`;
    nodes.push(convNode(config, name, config.camUnits, 3));
  }
  return nodes;
}
