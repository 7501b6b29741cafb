/**
 * A 3-D convolution with its bias and ReLU in one op, and a gradient that keeps them fused:
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
 * @example
 * const h = fusedConv3d(x, kernel, { bias, activation: "relu", strides: 1, pad: "same" });
 *
 * @module
 */
import * as tf from "../tf.ts";

type Triple = number | [number, number, number];

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
}

const KERNEL = "FusedConv3D";
let gradientRegistered = false;

/**
 * The gradient of FusedConv3D: g = dy ⊙ [y > 0] (ReLU's, from the output) and [dw, db] from one
 * Conv3DBackpropFilterBias pass are computed when the node is reached (as tfjs's own fused 2-D conv computes
 * all of its gradients); dx = Conv3DBackpropInputV2(g, w) only when x needs a gradient (not for a net's input).
 * The tape runs each input's closure inside its own tidy, so anything two closures share is made out here.
 */
function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ["x", "filter"],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved;
      const a = attrs as unknown as Required<Omit<FusedConv3dOptions, "bias">>;
      const e = tf.engine();
      const g = a.activation === "relu"
        ? e.runKernel("ReluBackprop", { dy: dy as tf.Tensor, y }) as tf.Tensor
        : dy as tf.Tensor;
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
  const { bias, activation = "linear", strides = 1, pad = "same", dilations = 1 } = options;
  const fused = x.dtype === "float32" && tf.getKernel(KERNEL, tf.getBackend()) != null;
  if (!fused) {
    let y: tf.Tensor5D = tf.conv3d(x, filter, strides, pad, "NDHWC", dilations);
    if (bias != null) y = tf.add(y, bias);
    return activation === "relu" ? tf.relu(y) : y;
  }
  registerGradient();
  const inputs: tf.NamedTensorMap = bias == null ? { x, filter } : { x, filter, bias };
  return tf.engine().runKernel(KERNEL, inputs, {
    strides,
    pad,
    dilations,
    activation,
    dataFormat: "NDHWC",
  } as unknown as tf.NamedAttrMap) as tf.Tensor5D;
}
