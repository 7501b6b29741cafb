/**
 * W6 and W7 of ../shared/bench/WORKLOADS.md: the paper's own networks at paper size on the default backend,
 * beside ../shared/bench/ref_torch_paper.py (PyTorch, 2 threads):
 * - W6: GoogLeNet-GAP (cut after inception4e, conv 3x3 1024, GAP, dense 2; Caffe LRN, ceil-mode pools), full
 *   width, 224x224x1, 2 classes, Adam 1e-4, batch 32: train after 1 warm-up batch (4 timed batches), then
 *   forward + CAM of the top class upsampled to 224 (1 warm-up, 4 timed batches);
 * - W7: as W6 with VGG16-GAP (cut after conv5_3), batch 8, 3 timed batches.
 *
 * Training runs through lib/train's `train()` as the study does (`microBatch: "auto"`: a batch the wasm heap
 * cannot hold is split into micro-batches, said in the `microBatches` field); forward + CAM through lib/cam's
 * `cam()` (no normalisation, as the peer). One JSON line per measurement in the peer's format (`workload`,
 * `tool`, `model`, `size`, `batch`, `threads`, `value`, `unit`), plus `cpu` (/proc/cpuinfo's model name),
 * `loadavg` (the 1-minute load average when the measurement ended), `gflops` (GFLOP/s reached) and
 * `gflopPerSample` (the work of one sample, from the layer shapes: {@link convMacs}; bench/main.ts uses it to
 * give the peer's line its GFLOP/s too), and beside them the ceiling they are to be read against:
 * `sgemmGflops`, the rate of a 1024³ SGEMM on the native BLAS with all its threads measured right after the
 * measurement under the same load ({@link sgemmRate}; ~200 GFLOP/s on 2 idle AMD EPYC cores), and
 * `ofSgemm`, gflops / sgemmGflops. `winograd`: whether oneDNN ran the 3x3 stride-1 convolutions as Winograd
 * F(4x4, 3x3) (lib/native `Dnnl.winograd`; `CAM_DNNL_WINOGRAD=off` for the direct convolution). The work counted
 * is the direct convolution's either way, so with Winograd `gflops` is an effective rate (fewer multiplies were
 * made) and can exceed the SGEMM ceiling.
 *
 * Usage: deno run -A bench/paper_bench.ts [--models googlenet,vgg16] [--profile] [--size 224] [--width 1]
 *   [--batch B] [--batches N]
 * (`--size`, `--width`, `--batch`, `--batches`: a smaller version for a quick look; the lines are then not
 * W6/W7's and say so in `size`/`width`. `--profile`: after the timed batches, one training step and one
 * forward + CAM batch under `tf.profile`, kernel time grouped by kernel name, the top 20 on stderr.)
 *
 * @module
 */
import * as tf from "../lib/tf.ts";
import { activeNative, describeBackend, initBackend } from "../lib/backend/mod.ts";
import type { Blas } from "../lib/native/mod.ts";
import { cam } from "../lib/cam/mod.ts";
import { arrayDataset, Rng, type Sample } from "../lib/data/mod.ts";
import { createModel, type ModelOptions, walkLayers } from "../lib/models/mod.ts";
import { resolve } from "../lib/models/registry.ts";
import { train } from "../lib/train/mod.ts";
import { cpuModel, loadAverage } from "./main.ts";
import { profileKernels } from "./_profile.ts";

/** The two workloads as WORKLOADS.md defines them. */
export const PAPER_WORKLOADS = {
  googlenet: { workload: "W6", model: "googlenet-gap", batch: 32, batches: 4 },
  vgg16: { workload: "W7", model: "vgg16-gap", batch: 8, batches: 3 },
} as const;

/** Multiply-adds of one forward pass, in total and by kind, from the layer shapes. */
export interface ModelMacs {
  /** Every conv and the classifier. */
  forward: number;
  /** The first convolution (its input gradient is never computed in training). */
  firstConv: number;
  /** The classifier (dense) layer. */
  dense: number;
}

/**
 * Multiply-adds of one sample's forward pass through a zoo model: Σ_conv k_h·k_w·c_in·c_out·h_out·w_out plus
 * the classifier's K·classes (pooling, LRN, ReLU and concatenation are not counted: they are < 1% of the
 * work). A training step is 3x the forward pass (forward, input gradients, weight gradients) less the first
 * conv's input gradient: {@link trainMacs}.
 *
 * @example
 * convMacs("googlenet-gap", { inputShape: [224, 224, 1], numClasses: 2 }).forward; // ≈ 2.3 G
 */
export function convMacs(name: string, options: ModelOptions = {}): ModelMacs {
  const { config, spec } = resolve(name, options);
  let forward = 0, firstConv = -1;
  const cam = walkLayers(spec, config.inputShape, (node, input, out) => {
    if (node.kind !== "conv") return;
    const macs = node.kernel[0] * node.kernel[1] * input[2] * node.filters * out[0] * out[1];
    if (firstConv < 0) firstConv = macs;
    forward += macs;
  });
  const dense = cam[2] * config.numClasses;
  return { forward: forward + dense, firstConv: Math.max(0, firstConv), dense };
}

/** Multiply-adds of one sample's training step: 3 x forward − the first conv's input gradient. */
export function trainMacs(m: ModelMacs): number {
  return 3 * m.forward - m.firstConv;
}

/**
 * GFLOP/s of C = A·B (n×n, float32, 2n³ flops) on `blas` with all of its threads: the best of `reps` runs
 * after one warm-up. The ceiling a convolution-bound step is read against (oneDNN's convolutions reach about
 * the same rate); measured beside each benchmark line because other load moves it.
 *
 * @example
 * const blas = activeNative().blas;
 * if (blas) console.log(sgemmRate(blas).toFixed(0), "GFLOP/s");
 */
export function sgemmRate(blas: Blas, options: { n?: number; reps?: number } = {}): number {
  const { n = 1024, reps = 5 } = options;
  const a = new Float32Array(n * n).fill(0.5), b = new Float32Array(n * n).fill(0.25);
  const c = new Float32Array(n * n);
  const m = (x: Float32Array) => ({ ptr: Deno.UnsafePointer.of(x), ld: n });
  let best = Infinity;
  for (let i = 0; i <= reps; i++) {
    const t = performance.now();
    blas.sgemm(false, false, n, n, n, 1, m(a), m(b), 0, m(c));
    if (i > 0) best = Math.min(best, performance.now() - t);
  }
  return 2 * n ** 3 / (best / 1000) / 1e9;
}

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/** `n` seeded N(0, 1) images with labels 0/1 (lib/rng.ts's generator, not the peer's; the same law). */
function randomSamples(n: number, size: number, seed: number): Sample[] {
  const rng = new Rng(seed);
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const image = new Float32Array(size * size);
    for (let j = 0; j < image.length; j++) image[j] = rng.normal(0, 1);
    samples.push({ image, height: size, width: size, channels: 1, label: rng.float() < 0.5 ? 0 : 1 });
  }
  return samples;
}

async function benchModel(
  key: keyof typeof PAPER_WORKLOADS,
  options: { size: number; width: number; batch?: number; batches?: number; profile: boolean },
  common: Record<string, unknown>,
): Promise<void> {
  const w = PAPER_WORKLOADS[key];
  const batch = options.batch ?? w.batch, batches = options.batches ?? w.batches, size = options.size;
  const modelOptions = {
    inputShape: [size, size, 1] as [number, number, number],
    numClasses: 2,
    widthMultiplier: options.width,
    seed: 0,
  };
  const macs = convMacs(w.model, modelOptions);
  const model = createModel(w.model, modelOptions);
  const blas = activeNative().blas;
  const line = (value: number, unit: string, gflopPerSample: number, extra: Record<string, unknown>) => {
    const gflops = Math.round(value * gflopPerSample * 10) / 10;
    const sgemm = blas ? Math.round(sgemmRate(blas)) : null;
    console.log(JSON.stringify({
      workload: w.workload,
      ...common,
      model: w.model,
      size,
      ...(options.width !== 1 ? { width: options.width } : {}),
      batch,
      batches,
      value: Math.round(value * 100) / 100,
      unit,
      gflops,
      gflopPerSample: Math.round(gflopPerSample * 1000) / 1000,
      ...(sgemm ? { sgemmGflops: sgemm, ofSgemm: Math.round(100 * gflops / sgemm) / 100 } : {}),
      ...extra,
      cpu: cpuModel(),
      loadavg: loadAverage(),
    }));
  };
  try {
    // Training: 1 warm-up batch, then `batches` timed ones, each a whole step of lib/train (micro-batched).
    const samples = randomSamples(batch * (1 + batches), size, 1);
    const seconds: number[] = [];
    let t = 0;
    const result = await train(model, { train: arrayDataset(samples) }, {
      epochs: 1,
      batchSize: batch,
      learningRate: 1e-4,
      optimizer: "adam",
      shuffle: false,
      augment: false,
      microBatch: "auto",
      callbacks: [{
        onBatchBegin: () => void (t = performance.now()),
        onBatchEnd: () => void seconds.push((performance.now() - t) / 1000),
      }],
    });
    const timed = seconds.slice(1).reduce((a, b) => a + b, 0);
    line(batch * batches / timed, "train samples/s", 2 * trainMacs(macs) / 1e9, {
      microBatches: result.plan.sizes,
      warmupSeconds: Math.round(seconds[0] * 100) / 100,
    });
    if (options.profile) {
      await profileKernels(
        `${w.model} train step, batch ${batch}`,
        () =>
          train(model, { train: arrayDataset(samples.slice(0, batch)) }, {
            epochs: 1,
            batchSize: batch,
            learningRate: 1e-4,
            shuffle: false,
            augment: false,
          }),
      );
    }

    // Forward + CAM of the top class, upsampled to the input size, on the host.
    const x = tf.tidy(() => tf.randomNormal([batch, size, size, 1], 0, 1, "float32", 2)) as tf.Tensor4D;
    try {
      const camBatch = () => cam(model, x, { classIndex: "top1", normalize: "none", relu: false });
      await camBatch();
      const t0 = performance.now();
      for (let i = 0; i < batches; i++) await camBatch();
      const s = (performance.now() - t0) / 1000;
      line(batch * batches / s, "forward+CAM images/s", 2 * macs.forward / 1e9, {});
      if (options.profile) await profileKernels(`${w.model} forward+CAM, batch ${batch}`, camBatch);
    } finally {
      x.dispose();
    }
  } finally {
    model.dispose();
  }
}

if (import.meta.main) {
  const info = await initBackend();
  const libs = activeNative();
  const suffix = `${libs.dnnl ? "+dnnl" : ""}${libs.blas ? "+blas" : ""}`;
  const common = {
    tool: `cam-dmri ${info.name}${suffix}${info.threads > 1 ? ` ${info.threads} threads` : ""}`,
    threads: Math.max(info.threads, libs.dnnl?.threads ?? 1),
    backend: describeBackend(info),
    winograd: libs.dnnl?.winograd ?? false,
  };
  const sgemm = libs.blas ? `, SGEMM ceiling ${sgemmRate(libs.blas).toFixed(0)} GFLOP/s now` : "";
  console.error(
    `[paper_bench] ${describeBackend(info)} on ${cpuModel()}, load average ${loadAverage()}${sgemm}`,
  );
  const models = arg("models", "googlenet,vgg16").split(",") as (keyof typeof PAPER_WORKLOADS)[];
  for (const m of models) {
    if (!(m in PAPER_WORKLOADS)) throw new Error(`--models: unknown "${m}" (googlenet, vgg16)`);
    await benchModel(m, {
      size: Number(arg("size", "224")),
      width: Number(arg("width", "1")),
      batch: Deno.args.includes("--batch") ? Number(arg("batch", "0")) : undefined,
      batches: Deno.args.includes("--batches") ? Number(arg("batches", "0")) : undefined,
      profile: Deno.args.includes("--profile"),
    }, common);
  }
}
