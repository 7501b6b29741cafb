/**
 * The resolved configuration of a 3-D zoo model, and the options `createModel3d` takes.
 *
 * @module
 */
import type { Pooling } from "./model.ts";
import type { Conv3dNode } from "./spec3d.ts";

/** What the head outputs: class scores (softmax classifier) or one regression value (e.g. age in years). */
export type Head3d = "classify" | "regress";

/** Options of `createModel3d`; defaults depend on the architecture (see `listModels3d`). */
export interface Model3dOptions {
  /** Input `[depth, height, width, channels]`. @default [48, 48, 48, 1] */
  inputShape?: [number, number, number, number];
  /** "classify": softmax classes; "regress": one output (GAP → dense 1). @default "classify" */
  head?: Head3d;
  /** Classes of the classifier (ignored, and 1, for `head: "regress"`). @default 2 */
  numClasses?: number;
  /** Every layer's channel count is multiplied by this and rounded (at least 1). @default 1 */
  widthMultiplier?: number;
  /** Seed of the weight initialisation. @default 0 */
  seed?: number;
  /** Batch norm after every conv (the conv then has no bias). @default false */
  batchNorm?: boolean;
  /** Weight of the new batch in batch norm's moving averages. @default 0.1 */
  bnMomentum?: number;
  /** Batch norm's ε. @default 1e-5 */
  bnEpsilon?: number;
  /**
   * Regression output offset m and scale s: ŷ = s·(pool(A)·W + b) + m, so the network learns a standardised
   * target while its output (and the `classifier()` it reports, W' = s·W, b' = s·b + m) is in the target's
   * units. Ignored for `head: "classify"`. @default 0 and 1
   */
  targetMean?: number;
  /** See `targetMean`. @default 1 */
  targetScale?: number;
}

/** A 3-D zoo model's full configuration: every option resolved. Rebuilds the model. */
export interface Zoo3dConfig {
  /** Registry name, e.g. "small3d-gap". */
  name: string;
  pooling: Pooling;
  inputShape: [number, number, number, number];
  head: Head3d;
  /** Outputs of the head: the class count, or 1 for regression. */
  numClasses: number;
  widthMultiplier: number;
  seed: number;
  batchNorm: boolean;
  bnMomentum: number;
  bnEpsilon: number;
  targetMean: number;
  targetScale: number;
  /** Anything else, as ExplainableConfig allows. */
  [key: string]: unknown;
}

/** A 3-D conv node with the config's width scaling (max(1, round(c · widthMultiplier))) and batch norm. */
export function conv3dNode(
  config: Zoo3dConfig,
  name: string,
  filters: number,
  options: { kernel?: number; strides?: number; relu?: boolean } = {},
): Conv3dNode {
  return {
    kind: "conv3d",
    name,
    filters: Math.max(1, Math.round(filters * config.widthMultiplier)),
    kernel: options.kernel ?? 3,
    strides: options.strides ?? 1,
    batchNorm: config.batchNorm,
    relu: options.relu ?? true,
  };
}
