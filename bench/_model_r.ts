/**
 * Model R of ../shared/bench/WORKLOADS.md as a small tfjs-core functional model (NHWC):
 * conv3x3(32, same)-ReLU-maxpool2 → conv3x3(64, same)-ReLU-maxpool2 → conv3x3(128, same)-ReLU → GAP →
 * dense(2). The same network ../shared/bench/ref_torch.py builds in PyTorch.
 *
 * @module
 */
import * as tf from "../lib/tf.ts";

/** Model R's weights and its forward passes. */
export interface ModelR {
  /** Trainable variables by name (conv1..3 kernels/biases, fc kernel/bias). */
  readonly params: Record<string, tf.Variable>;
  /** Last conv map (the CAM layer), `[b, h/4, w/4, 128]`. */
  features(x: tf.Tensor4D): tf.Tensor4D;
  /** Class scores `[b, 2]`. */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  /** Free the variables. */
  dispose(): void;
}

/** Options of {@link createModelR}. */
export interface ModelROptions {
  /** Seed of the weight initialisation. @default 0 */
  seed?: number;
  /** Use fused conv+bias+ReLU kernels. @default true */
  fused?: boolean;
}

/** Channels of the three conv layers. */
export const MODEL_R_CHANNELS = [32, 64, 128] as const;

/**
 * Multiply-adds of one forward pass on an `h`×`w`×1 image: Σ_layers (h_l·w_l)·9·c_in·c_out + 128·2.
 * (38.9 M at 64×64.)
 */
export function modelRMacs(h: number, w = h): { forward: number; layers: number[] } {
  const layers: number[] = [];
  let cin = 1, hh = h, ww = w;
  for (const [i, cout] of MODEL_R_CHANNELS.entries()) {
    layers.push(hh * ww * 9 * cin * cout);
    cin = cout;
    if (i < 2) (hh = Math.floor(hh / 2), ww = Math.floor(ww / 2));
  }
  return { forward: layers.reduce((a, b) => a + b, 0) + 128 * 2, layers };
}

/**
 * Builds model R with He-uniform conv kernels and zero biases.
 *
 * @example
 * const model = createModelR({ seed: 1 });
 * const scores = model.logits(tf.randomNormal([32, 64, 64, 1]));
 */
export function createModelR(options: ModelROptions = {}): ModelR {
  const seed = options.seed ?? 0;
  const fused = options.fused ?? true;
  const params: Record<string, tf.Variable> = {};
  let cin = 1;
  for (const [i, cout] of MODEL_R_CHANNELS.entries()) {
    const bound = Math.sqrt(6 / (9 * cin));
    params[`conv${i + 1}/kernel`] = tf.variable(
      tf.randomUniform([3, 3, cin, cout], -bound, bound, "float32", seed + i),
      true,
      `conv${i + 1}/kernel`,
    );
    params[`conv${i + 1}/bias`] = tf.variable(tf.zeros([cout]), true, `conv${i + 1}/bias`);
    cin = cout;
  }
  const bound = Math.sqrt(6 / (128 + 2));
  params["fc/kernel"] = tf.variable(
    tf.randomUniform([128, 2], -bound, bound, "float32", seed + 9),
    true,
    "fc/kernel",
  );
  params["fc/bias"] = tf.variable(tf.zeros([2]), true, "fc/bias");

  const convRelu = (x: tf.Tensor4D, i: number): tf.Tensor4D => {
    const w = params[`conv${i}/kernel`] as tf.Tensor4D, b = params[`conv${i}/bias`];
    if (fused) return tf.fused.conv2d({ x, filter: w, strides: 1, pad: "same", bias: b, activation: "relu" });
    return tf.relu(tf.add(tf.conv2d(x, w, 1, "same"), b));
  };
  const features = (x: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      const a = tf.maxPool(convRelu(x, 1), 2, 2, "valid");
      const b = tf.maxPool(convRelu(a, 2), 2, 2, "valid");
      return convRelu(b, 3);
    });
  return {
    params,
    features,
    logits: (x) =>
      tf.tidy(() =>
        tf.add(tf.matMul(tf.mean(features(x), [1, 2]), params["fc/kernel"] as tf.Tensor2D), params["fc/bias"])
      ),
    dispose: () => Object.values(params).forEach((v) => v.dispose()),
  };
}
