/**
 * W3, W4 and W5 of ../shared/bench/WORKLOADS.md on every TensorFlow.js backend that loads here:
 * - W3: train model R (bench/_model_r.ts) on 20 batches of 32 N(0, 1) images 64×64×1, 2 classes, Adam 1e-3,
 *   after 3 warm-up batches → train samples/s;
 * - W4: model R forward on batches of 32 + the CAM of the top class for every image, upsampled (bilinear,
 *   half-pixel centres = PyTorch's align_corners=False) to 64×64 → images/s;
 * - W5: W3 and W4 at 128×128.
 * One JSON line per measurement in ../shared/bench/ref_torch.py's format, plus the GFLOP/s reached
 * (2 FLOPs per multiply-add; training counts forward + input and weight gradients, no input gradient for
 * the first layer). Slow backends get a time budget: fewer batches, said in the `batches` field. The cpu
 * backend is skipped for training (0.14 samples/s: one batch takes minutes).
 *
 * Usage: deno run --allow-read --allow-env --allow-sys --allow-ffi bench/backend_bench.ts
 *   [--backends wasm,webgpu,cpu] [--sizes 64,128] [--batches 20] [--budget-s 60] [--threads 1] [--profile]
 *   [--native both|on|off|all]
 * (`--native`: wasm with its convs on oneDNN and matrix products on a BLAS through FFI (tool
 * "cam-dmri wasm+dnnl+blas"), wasm alone ("cam-dmri wasm"), `both` one after the other in the same process
 * (the default), or `all`: also the BLAS without oneDNN ("cam-dmri wasm+blas", stride-1 convs as shifted
 * GEMMs).)
 * (`--threads 2`: the threaded wasm build; a process can start wasm only once, so run it separately.
 * `--fallback-adapter`: also run webgpu on a CPU-emulated adapter such as llvmpipe, ~1 train sample/s.)
 *
 * @module
 */
import * as tf from "../lib/tf.ts";
import { _resetBackendForTests, type BackendInfo, initBackend } from "../lib/backend/init_backend.ts";
import { activeNative, type NativeLibraries, registerNativeKernels } from "../lib/backend/native_kernels.ts";
import { createModelR, type ModelR, modelRMacs } from "./_model_r.ts";

const BATCH = 32;
const WARMUP = 3;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

/** Seeded N(0, 1) images and random labels, as ref_torch.py draws them (different generator, same law). */
function batchData(size: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomNormal([BATCH, size, size, 1], 0, 1, "float32", 0) as tf.Tensor4D;
    const labels = tf.randomUniformInt([BATCH], 0, 2, 1) as tf.Tensor1D;
    return { x, y: tf.cast(tf.oneHot(labels, 2), "float32") as tf.Tensor2D };
  });
}

/** One Adam step on the batch; resolves when the loss is on the host. */
async function trainStep(model: ModelR, opt: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D): Promise<number> {
  const vars = Object.values(model.params);
  const loss = opt.minimize(
    () => tf.losses.softmaxCrossEntropy(y, model.logits(x)) as tf.Scalar,
    true,
    vars,
  )!;
  const v = (await loss.data())[0];
  loss.dispose();
  return v;
}

/** Forward + CAM of the top class, upsampled to the input size; resolves when the maps are on the host. */
async function camBatch(model: ModelR, x: tf.Tensor4D): Promise<void> {
  const maps = tf.tidy(() => {
    const f = model.features(x); // [b, h, w, k]
    const [b, h, w, k] = f.shape;
    const weights = model.params["fc/kernel"] as tf.Tensor2D; // [k, 2]
    const logits = tf.add(tf.matMul(tf.mean(f, [1, 2]), weights), model.params["fc/bias"]);
    const top = tf.argMax(logits, 1) as tf.Tensor1D;
    const wc = tf.gather(tf.transpose(weights), top); // [b, k]
    const cams = tf.matMul(tf.reshape(f, [b, h * w, k]), tf.reshape(wc, [b, k, 1])); // [b, h·w, 1]
    return tf.image.resizeBilinear(
      tf.reshape(cams, [b, h, w, 1]) as tf.Tensor4D,
      [x.shape[1], x.shape[2]],
      false,
      true,
    );
  });
  await maps.data();
  maps.dispose();
}

/** Runs `step` `warmup` times, then up to `batches` times within `budgetS` seconds; returns batches and s. */
async function timeLoop(
  step: () => Promise<unknown>,
  batches: number,
  budgetS: number,
  warmup = WARMUP,
): Promise<{ n: number; s: number }> {
  const w0 = performance.now();
  for (let i = 0; i < warmup; i++) {
    await step();
    if ((performance.now() - w0) / 1000 > budgetS / 2) break;
  }
  const t0 = performance.now();
  let n = 0;
  while (n < batches) {
    await step();
    n++;
    if ((performance.now() - t0) / 1000 > budgetS) break;
  }
  return { n, s: (performance.now() - t0) / 1000 };
}

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

async function profileStep(label: string, f: () => Promise<unknown>): Promise<void> {
  const info = await tf.profile(async () => {
    await f();
  });
  const byName = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const e = byName.get(k.name) ?? { ms: 0, n: 0 };
    byName.set(k.name, { ms: e.ms + ms, n: e.n + 1 });
  }
  const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  const top = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14);
  console.error(`[profile ${label}] kernel total ${total.toFixed(1)} ms`);
  for (const [name, { ms, n }] of top) {
    console.error(`  ${name.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms  x${n}`);
  }
}

async function benchBackend(
  name: string,
  sizes: number[],
  batches: number,
  budgetS: number,
  profile: boolean,
  threads: number,
) {
  _resetBackendForTests();
  let info: BackendInfo;
  try {
    info = await initBackend({
      backend: name as BackendInfo["name"],
      allowFallbackAdapter: Deno.args.includes("--fallback-adapter"),
      threads,
    });
  } catch (e) {
    console.error(`[bench] ${name}: not available (${(e as Error).message})`);
    return;
  }
  // The cpu backend is a reference, not a contender: a short look is enough.
  if (info.name === "cpu") budgetS = Math.min(budgetS, 20);
  const libs = activeNative();
  const mode = arg("native", "both");
  const none: NativeLibraries = {};
  const hasNative = info.name === "wasm" && (libs.blas != null || libs.dnnl != null);
  const variants: NativeLibraries[] = !hasNative
    ? [none]
    : mode === "on"
    ? [libs]
    : mode === "off"
    ? [none]
    : [
      none,
      ...(mode === "all" && libs.dnnl && libs.blas ? [{ blas: libs.blas }] : []),
      libs,
    ];
  for (const variant of variants) {
    if (info.name === "wasm") registerNativeKernels(variant);
    await benchVariant(info, name, sizes, batches, budgetS, profile, variant);
  }
  if (info.name === "wasm") registerNativeKernels(libs);
}

async function benchVariant(
  info: BackendInfo,
  name: string,
  sizes: number[],
  batches: number,
  budgetS: number,
  profile: boolean,
  libs: NativeLibraries,
) {
  const suffix = `${libs.dnnl ? "+dnnl" : ""}${libs.blas ? "+blas" : ""}`;
  const tool = `cam-dmri ${info.name}${suffix}${info.threads > 1 ? ` ${info.threads} threads` : ""}`;
  const common = {
    threads: info.threads,
    simd: info.simd,
    ...(libs.dnnl ? { dnnl: libs.dnnl.version, dnnlThreads: libs.dnnl.threads } : {}),
    ...(libs.blas ? { blas: libs.blas.config, blasThreads: libs.blas.threads } : {}),
    ...(info.adapter ? { adapter: info.adapter.description } : {}),
  };
  for (const size of sizes) {
    const macs = modelRMacs(size);
    const trainMacs = 3 * macs.forward - macs.layers[0];
    const model = createModelR({ seed: 0 });
    const { x, y } = batchData(size);
    const trainTag = size === 64 ? "W3" : "W5";
    if (name === "cpu") {
      console.error(
        `[bench] cpu: ${trainTag} skipped (about 0.14 train samples/s: one batch of 32 takes minutes)`,
      );
    } else {
      const opt = tf.train.adam(1e-3);
      if (profile) {
        await trainStep(model, opt, x, y);
        await profileStep(`${name} train ${size}`, () => trainStep(model, opt, x, y));
      }
      const r = await timeLoop(() => trainStep(model, opt, x, y), batches, budgetS);
      const sps = (BATCH * r.n) / r.s;
      emit({
        workload: trainTag,
        tool,
        size,
        ...common,
        batches: r.n,
        value: Math.round(sps * 10) / 10,
        unit: "train samples/s",
        gflops: Math.round((2 * trainMacs * sps) / 1e8) / 10,
      });
      opt.dispose();
    }
    if (profile) await profileStep(`${name} cam ${size}`, () => camBatch(model, x));
    const r = await timeLoop(() => camBatch(model, x), batches, budgetS);
    const ips = (BATCH * r.n) / r.s;
    emit({
      workload: size === 64 ? "W4" : "W5",
      tool,
      size,
      ...common,
      batches: r.n,
      value: Math.round(ips * 10) / 10,
      unit: "forward+CAM images/s",
      gflops: Math.round((2 * macs.forward * ips) / 1e8) / 10,
    });
    tf.dispose([x, y]);
    model.dispose();
  }
}

if (import.meta.main) {
  const backends = arg("backends", "wasm,webgpu,cpu").split(",");
  const sizes = arg("sizes", "64,128").split(",").map(Number);
  const batches = Number(arg("batches", "20"));
  const budgetS = Number(arg("budget-s", "60"));
  const profile = Deno.args.includes("--profile");
  const threads = Number(arg("threads", "1"));
  for (const b of backends) await benchBackend(b, sizes, batches, budgetS, profile, threads);
}
