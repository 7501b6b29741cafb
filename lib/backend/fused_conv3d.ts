/**
 * A 3-D convolution with its bias and ReLU (and a max pool) in one op, and a gradient that keeps them fused:
 * y = act(x ⊛ w + b), act = ReLU or identity, NDHWC activations and DHWIO filters.
 *
 * TensorFlow.js has no FusedConv3D: `relu(add(conv3d(x, w), b))` runs the bias add, the ReLU and, in training,
 * ReLU's gradient (step, cast, multiply) and the bias gradient (a Sum over N·D·H·W) as separate single-threaded
 * wasm kernels over the largest 5-D tensors of a 3-D net. On a backend that registers the kernels of
 * lib/backend/_fused3d.ts (wasm, through {@link registerWasmTrainingKernels}, on oneDNN where it loads) this op
 * runs as one oneDNN convolution with a bias and ReLU post-op; its gradient as
 * g = dy ⊙ [y > 0] (oneDNN's eltwise backward), dw and db = Σ_{n, a, p, q} g[n, a, p, q, ·] from one
 * backward-weights pass, and dx = Conv3DBackpropInputV2(g, w) only when x needs a gradient. On any other
 * backend (cpu, webgpu) it is exactly that composition of stock ops.
 *
 * With `maxPool` the op also max-pools its output (FusedConv3DMaxPool): the unpooled volume is freed at once
 * and oneDNN's pooling workspace kept instead, and the gradient is g = MaxPoolGrad(dp ⊙ [p > 0]) from that
 * workspace (MaxPool3DGradWorkspace), so in training no pass over the unpooled volume runs for the ReLU's
 * gradient or a second pooling, and the tape copies no unpooled tensor.
 *
 * @example
 * const h = fusedConv3d(x, kernel, { bias, activation: "relu", strides: 1, pad: "same" });
 * const p = fusedConv3d(x, kernel, { bias, activation: "relu", maxPool: { size: 2, strides: 2 } });
 *
 * @module
 */
import * as tf from "../tf.ts";

/** A size per axis (depth, height, width), or one for all three. */
export type Triple = number | [number, number, number];

/** Options of {@link fusedConv3d}. */
export interface FusedConv3dOptions {
  /** Bias `[outChannels]` added before the activation. @default none */
  bias?: tf.Tensor1D;
  /** Activation after the bias. @default "linear" */
  activation?: "linear" | "relu";
  /** Strides (depth, height, width). @default 1 */
  strides?: Triple;
  /** Padding, tfjs's rules. @default "same" */
  pad?: "valid" | "same";
  /** Dilations (depth, height, width); tfjs computes no gradient for dilations above 1. @default 1 */
  dilations?: Triple;
  /**
   * Max pooling after the activation: the op returns maxPool3d(act(x ⊛ w + b), size, strides, pad). Fused, the
   * unpooled volume is never kept: the pooling's workspace (where each window's maximum is) is, and with
   * ReLU the gradient is g = MaxPoolGrad(dp ⊙ [p > 0]) (the window's maximum is the ReLU output at the
   * position its dy goes to), so neither a ReLU gradient pass nor a second pooling runs over the big volume.
   * @default none
   */
  maxPool?: { size: Triple; strides: Triple; pad?: "valid" | "same" };
}

const KERNEL = "FusedConv3D";
const POOLED = "FusedConv3DMaxPool";
let gradientRegistered = false;

type Attrs = Required<Omit<FusedConv3dOptions, "bias" | "maxPool">> & {
  poolSize: Triple;
  poolStrides: Triple;
  poolPad: "valid" | "same";
};

/**
 * The gradient from g (the gradient at the convolution's biased output): [dw, db] from one backward-weights
 * pass now (shared by the filter's and the bias's closures, which the tape runs each in its own tidy), dx only
 * when x needs one.
 */
function convGrads(
  g: tf.Tensor,
  x: tf.Tensor,
  filter: tf.Tensor,
  a: Attrs,
): Record<string, () => tf.Tensor> {
  const e = tf.engine();
  const geometry = { strides: a.strides, pad: a.pad, dilations: a.dilations, dataFormat: "NDHWC" };
  const [dw, db] = e.runKernel("Conv3DBackpropFilterBias", { x, dy: g }, {
    ...geometry,
    filterShape: filter.shape,
  }) as unknown as tf.Tensor[];
  return {
    x: () =>
      e.runKernel("Conv3DBackpropInputV2", { dy: g, filter }, {
        ...geometry,
        inputShape: x.shape,
      }) as tf.Tensor,
    filter: () => dw,
    bias: () => db,
  };
}

/**
 * The gradient of FusedConv3D: g = dy ⊙ [y > 0] (ReLU's, from the output) and [dw, db] from one
 * Conv3DBackpropFilterBias pass are computed when the node is reached (as tfjs's own fused 2-D conv computes
 * all of its gradients); dx = Conv3DBackpropInputV2(g, w) only when x needs a gradient (not for a net's input).
 * The tape runs each input's closure inside its own tidy, so anything two closures share is made out here.
 */
function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  const e = tf.engine();
  const masked = (dy: tf.Tensor, y: tf.Tensor, a: Attrs) =>
    a.activation === "relu" ? e.runKernel("ReluBackprop", { dy, y }) as tf.Tensor : dy;
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ["x", "filter"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const a = attrs as unknown as Attrs;
      return convGrads(masked(dy as tf.Tensor, y, a), x, filter, a);
    },
  });
  tf.registerGradient({
    kernelName: POOLED,
    inputsToSave: ["x", "filter"],
    outputsToSave: [true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, filter, p, ws] = saved;
      const a = attrs as unknown as Attrs;
      const info = tf.backend_util.computeConv3DInfo(
        x.shape as [number, number, number, number, number],
        filter.shape as [number, number, number, number, number],
        a.strides,
        a.dilations,
        a.pad,
      );
      const dp = masked((dys as tf.Tensor[])[0], p, a);
      const g = e.runKernel("MaxPool3DGradWorkspace", { dy: dp, ws }, {
        inputShape: info.outShape,
        poolSize: a.poolSize,
        poolStrides: a.poolStrides,
        poolPad: a.poolPad,
      }) as tf.Tensor;
      return convGrads(g, x, filter, a);
    },
  });
}

/**
 * y = act(x ⊛ w + b) for volumes x `[n, d, h, w, c]` and filters `[kd, kh, kw, c, o]`, one fused kernel (and a
 * fused gradient) where the backend has it, else `relu(add(conv3d(x, w), b))`: same values either way (the
 * kernels are tested against the cpu backend's composition, forward and every gradient).
 */
export function fusedConv3d(
  x: tf.Tensor5D,
  filter: tf.Tensor5D,
  options: FusedConv3dOptions = {},
): tf.Tensor5D {
  const { bias, activation = "linear", strides = 1, pad = "same", dilations = 1, maxPool } = options;
  const kernel = maxPool == null ? KERNEL : POOLED;
  const fused = x.dtype === "float32" && tf.getKernel(kernel, tf.getBackend()) != null;
  if (!fused) {
    return tf.tidy(() => {
      let y: tf.Tensor5D = tf.conv3d(x, filter, strides, pad, "NDHWC", dilations);
      if (bias != null) y = tf.add(y, bias);
      if (activation === "relu") y = tf.relu(y);
      return maxPool == null ? y : tf.maxPool3d(y, maxPool.size, maxPool.strides, maxPool.pad ?? "same");
    });
  }
  registerGradient();
  const inputs: tf.NamedTensorMap = bias == null ? { x, filter } : { x, filter, bias };
  const attrs = { strides, pad, dilations, activation, dataFormat: "NDHWC" } as Record<string, unknown>;
  if (maxPool == null) {
    return tf.engine().runKernel(KERNEL, inputs, attrs as tf.NamedAttrMap) as tf.Tensor5D;
  }
  const [pooled, workspace] = tf.engine().runKernel(POOLED, inputs, {
    ...attrs,
    poolSize: maxPool.size,
    poolStrides: maxPool.strides,
    poolPad: maxPool.pad ?? "same",
  } as tf.NamedAttrMap) as unknown as tf.Tensor[];
  // The tape keeps its own copy of the workspace for the gradient.
  workspace.dispose();
  return pooled as tf.Tensor5D;
}
