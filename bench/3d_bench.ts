/**
 * W3D: a small 3-D GAP CNN on the default backend (wasm with the 3-D kernels on oneDNN where it loads),
 * beside bench/peers/ref_torch_3d.py (PyTorch `Conv3d`, 2 threads) on the same shapes: input 48³×1, batch 4,
 * 2 classes; conv 3×3×3 16 + ReLU, max pool 2, conv 3×3×3 32 + ReLU, max pool 2, conv 3×3×3 64 + ReLU (the CAM
 * layer, a 12³ grid), global average pooling, dense 2; Adam 1e-3, softmax cross-entropy. Train samples/s after
 * one warm-up step, then forward samples/s after one warm-up batch. Built from tf ops (tfjs-layers has no 3-D
 * global pooling layer), so it times the kernels, not a zoo model.
 *
 * One JSON line per measurement in the peer's format (`workload`, `tool`, `model`, `size`, `batch`, `threads`,
 * `value`, `unit`) plus `cpu`, `loadavg`, `gflopPerSample` (2 × the multiply-adds of one sample: forward, or
 * a training step ≈ 3x forward), `gflops` (GFLOP/s reached) and `kernels` (which path each 3-D kernel ran on).
 *
 * Usage: `deno task bench --only 3d [--rounds N]` (alternating with the peer, each in a fresh process), or
 * deno run -A bench/3d_bench.ts [--size 48] [--batch 4] [--batches 5] [--threads N] [--unfused] [--profile]
 * (`--threads N`: oneDNN's and OpenBLAS's threads, beside the peer's `--threads N`; default all cores)
 *
 * `--profile`: after the timed batches, one training step and one forward batch under `tf.profile`, kernel
 * time grouped by kernel name and input shapes, the top 25 on stderr, with the wall time beside it.
 *
 * @module
 */
import * as tf from "../lib/tf.ts";
import { describeBackend, fusedConv3d, initBackend, nativeKernelCounts } from "../lib/backend/mod.ts";
import { cpuModel, loadAverage } from "./main.ts";
import { profileKernels } from "./_profile.ts";

const arg = (name: string, fallback: number) => {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
};
const S = arg("size", 48), B = arg("batch", 4), N = arg("batches", 5);
const WIDTHS = [16, 32, 64];
/**
 * `--unfused`: conv3d, add, relu and maxPool3d as separate tf ops (what the net ran as before the fused op,
 * lib/backend/fused_conv3d.ts, which runs conv + bias + ReLU (+ max pool) as one op with a fused gradient).
 */
const UNFUSED = Deno.args.includes("--unfused");

/**
 * Multiply-adds of one sample: forward Σ_conv 27·c_in·c_out·voxels_out plus the dense layer; a training step
 * 3x that (forward, input and weight gradients) less the first conv's input gradient, never computed.
 */
function macsPerSample(): { forward: number; train: number } {
  let macs = 0, c = 1, side = S, first = 0;
  WIDTHS.forEach((o, i) => {
    const m = 27 * c * o * side ** 3;
    if (i === 0) first = m;
    macs += m;
    c = o;
    if (i < WIDTHS.length - 1) side = Math.floor(side / 2);
  });
  macs += c * 2;
  return { forward: macs, train: 3 * macs - first };
}

const THREADS = arg("threads", 0);
const info = await initBackend(THREADS > 0 ? { nativeThreads: THREADS } : {});
const rng = { seed: 1 };
const he = (shape: number[], fanIn: number) =>
  tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, "float32", rng.seed++), Math.sqrt(2 / fanIn)));
const params: tf.Variable[] = [];
let cin = 1;
for (const o of WIDTHS) {
  params.push(he([3, 3, 3, cin, o], 27 * cin), tf.variable(tf.zeros([o])));
  cin = o;
}
params.push(he([cin, 2], cin), tf.variable(tf.zeros([2])));

function logits(x: tf.Tensor5D): tf.Tensor2D {
  let h: tf.Tensor5D = x;
  WIDTHS.forEach((_, i) => {
    const w = params[2 * i] as tf.Tensor5D, b = params[2 * i + 1] as tf.Tensor1D;
    const pool = i < WIDTHS.length - 1;
    if (UNFUSED) {
      h = tf.relu(tf.add(tf.conv3d(h, w, 1, "same"), b));
      if (pool) h = tf.maxPool3d(h, 2, 2, "valid");
    } else {
      h = fusedConv3d(h, w, {
        bias: b,
        activation: "relu",
        maxPool: pool ? { size: 2, strides: 2, pad: "valid" } : undefined,
      });
    }
  });
  const gap = tf.mean(h, [1, 2, 3]) as tf.Tensor2D;
  return tf.add(tf.matMul(gap, params[2 * WIDTHS.length] as tf.Tensor2D), params[2 * WIDTHS.length + 1]);
}

const x = tf.randomNormal([B, S, S, S, 1], 0, 1, "float32", 7) as tf.Tensor5D;
const y = tf.oneHot(tf.tensor1d([...Array(B)].map((_, i) => i % 2), "int32"), 2);
const opt = tf.train.adam(1e-3);
const step = () =>
  opt.minimize(() => tf.losses.softmaxCrossEntropy(y, logits(x)) as tf.Scalar, false, params);

const common = {
  workload: "W3D",
  tool: `cam-dmri ${describeBackend(info)}`,
  model: "gap3d-16-32-64",
  size: S,
  batch: B,
  threads: info.native?.dnnl?.threads ?? info.threads,
};
const macs = macsPerSample();
const line = (value: number, unit: string, macsPer: number) =>
  console.log(JSON.stringify({
    ...common,
    value: Math.round(value * 1000) / 1000,
    unit,
    gflopPerSample: Math.round(2 * macsPer / 1e7) / 100,
    gflops: Math.round(value * 2 * macsPer / 1e8) / 10,
    cpu: cpuModel(),
    loadavg: loadAverage(),
    kernels: Object.fromEntries(
      Object.entries(nativeKernelCounts()).filter(([k]) => k.includes("3D")).map(([k, v]) => [
        k,
        Object.entries(v).filter(([, n]) => n > 0).map(([p]) => p).join("+"),
      ]),
    ),
  }));

step();
let t = performance.now();
for (let i = 0; i < N; i++) step();
line(B * N / ((performance.now() - t) / 1000), "train samples/s", macs.train);

const forward = async () => {
  const out = tf.tidy(() => logits(x));
  await out.data();
  out.dispose();
};
await forward();
t = performance.now();
for (let i = 0; i < N; i++) await forward();
line(B * N / ((performance.now() - t) / 1000), "forward samples/s", macs.forward);

if (Deno.args.includes("--profile")) {
  await profileKernels(`train step, batch ${B}`, () => Promise.resolve(step()), { top: 25, byShape: true });
  await profileKernels(`forward, batch ${B}`, forward, { top: 25, byShape: true });
}
