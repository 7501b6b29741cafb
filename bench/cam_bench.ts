/**
 * Speed of lib/cam (../shared/bench/WORKLOADS.md, W4, through the library's own pipeline):
 * - W4: model R (bench/_model_r.ts, seeded) forward on batches of 32 N(0, 1) 64×64×1 images + `cam()` of the
 *   top class of every image, upsampled to 64×64 → images/s, in ref_torch.py's JSON format so that
 *   `deno task bench` pairs it with PyTorch's W4 line;
 * - the other methods on the same batches (Grad-CAM, Grad-CAM++, saliency; Score-CAM on 2 images: it runs
 *   128 masked forward passes per image) → images/s, `workload: "W4-methods"`;
 * - one subject: the CAM of all 48 slices (3 axes × 16) of one subject with the zoo's `small-gap` at
 *   112×112 → seconds per subject, `workload: "subject-cam"`.
 *
 * Usage: deno run --allow-read --allow-env --allow-sys --allow-ffi --allow-run bench/cam_bench.ts
 *   [--backends wasm,cpu] [--batches 20] [--budget-s 20] [--peer]
 * `--peer` also runs /usr/bin/python3 ../shared/bench/ref_torch.py (when torch imports) and prints the ratio.
 *
 * @module
 */
import * as tf from "../lib/tf.ts";
import { _resetBackendForTests, type BackendInfo, initBackend } from "../lib/backend/init_backend.ts";
import { cam, gradCam, gradCamPlusPlus, saliency, scoreCam } from "../lib/cam/mod.ts";
import type { CamResult } from "../lib/cam/mod.ts";
import type { CamModel } from "../lib/models/model.ts";
import { createModel } from "../lib/models/mod.ts";
import { createModelR, type ModelR } from "./_model_r.ts";

const BATCH = 32;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}

/** Model R seen through the CamModel contract (its only named layer is the CAM layer, conv3). */
function modelRAsCamModel(r: ModelR, size: number): CamModel {
  const weights = r.params["fc/kernel"] as tf.Tensor2D, bias = r.params["fc/bias"] as tf.Tensor1D;
  return {
    config: {
      name: "model-r",
      inputShape: [size, size, 1],
      numClasses: 2,
      pooling: "gap",
      widthMultiplier: 1,
    },
    trainable: r.params,
    state: {},
    layerNames: ["conv3"],
    convLayers: ["conv3"],
    camLayer: "conv3",
    apply(images, options = {}) {
      return tf.tidy(() => {
        let features = r.features(images);
        const p = options.perturb?.conv3;
        if (p) features = tf.add(features, p) as tf.Tensor4D;
        const logits = tf.add(tf.matMul(tf.mean(features, [1, 2]), weights), bias) as tf.Tensor2D;
        const activations: Record<string, tf.Tensor> = {};
        if (options.capture?.includes("conv3")) activations.conv3 = features;
        return { logits, features, activations };
      });
    },
    classifier: () => ({ weights, bias }),
    dispose: () => r.dispose(),
  };
}

/** Warm-up runs, then up to `batches` timed runs within `budgetS` seconds. */
async function timeLoop(step: () => Promise<unknown>, batches: number, budgetS: number, warmup = 3) {
  for (let i = 0; i < warmup; i++) await step();
  const t0 = performance.now();
  let n = 0;
  while (n < batches) {
    await step();
    n++;
    if ((performance.now() - t0) / 1000 > budgetS) break;
  }
  return { n, s: (performance.now() - t0) / 1000 };
}

async function benchBackend(name: string, batches: number, budgetS: number): Promise<number | null> {
  _resetBackendForTests();
  let info: BackendInfo;
  try {
    info = await initBackend({ backend: name as BackendInfo["name"], allowFallbackAdapter: true });
  } catch (e) {
    console.error(`[cam_bench] ${name}: not available (${(e as Error).message})`);
    return null;
  }
  const tool = `cam-dmri lib/cam ${info.name}${info.threads > 1 ? ` ${info.threads} threads` : ""}`;
  const common = { threads: info.threads, simd: info.simd };
  const slow = info.name === "cpu";

  // W4: forward + CAM of the top class, upsampled to 64x64.
  const model = modelRAsCamModel(createModelR({ seed: 0 }), 64);
  const x = tf.randomNormal([BATCH, 64, 64, 1], 0, 1, "float32", 0) as tf.Tensor4D;
  const w4 = await timeLoop(
    () => cam(model, x, { upsample: [64, 64] }),
    slow ? 3 : batches,
    budgetS,
    slow ? 1 : 3,
  );
  const w4Value = Math.round((BATCH * w4.n / w4.s) * 10) / 10;
  emit({
    workload: "W4",
    tool,
    size: 64,
    ...common,
    batches: w4.n,
    value: w4Value,
    unit: "forward+CAM images/s",
  });

  // The other methods on the same model and images.
  const methods: [string, (images: tf.Tensor4D) => Promise<CamResult>, number][] = [
    ["grad-cam", (im) => gradCam(model, im), BATCH],
    ["grad-cam++", (im) => gradCamPlusPlus(model, im), BATCH],
    ["saliency", (im) => saliency(model, im), BATCH],
    ["score-cam", (im) => scoreCam(model, im, { batchSize: 64 }), 2],
  ];
  for (const [method, run, n] of methods) {
    const images = tf.slice(x, [0, 0, 0, 0], [n, 64, 64, 1]);
    const r = await timeLoop(() => run(images), slow ? 2 : batches, budgetS / 2, 1);
    emit({
      workload: "W4-methods",
      tool,
      method,
      size: 64,
      batch: n,
      ...common,
      batches: r.n,
      value: Math.round((n * r.n / r.s) * 10) / 10,
      unit: "images/s",
    });
    images.dispose();
  }
  x.dispose();
  model.dispose();

  // One subject: 48 slices at 112x112 through small-gap, CAM of the top class (and Grad-CAM) at full size.
  const zoo = createModel("small-gap", { inputShape: [112, 112, 1], numClasses: 2 });
  const slices = tf.randomUniform([48, 112, 112, 1], 0, 1, "float32", 1) as tf.Tensor4D;
  for (const [method, run] of [["cam", cam], ["grad-cam", gradCam]] as const) {
    const r = await timeLoop(() => run(zoo, slices), slow ? 1 : 5, budgetS / 2, 1);
    emit({
      workload: "subject-cam",
      tool,
      method,
      model: "small-gap",
      size: 112,
      slices: 48,
      ...common,
      repeats: r.n,
      value: Math.round((r.s / r.n) * 1000) / 1000,
      unit: "s per subject (48 slices)",
    });
  }
  slices.dispose();
  zoo.dispose();
  return w4Value;
}

/** PyTorch's W4 line from ref_torch.py, or null when torch is missing. */
async function peerW4(): Promise<number | null> {
  const python = "/usr/bin/python3";
  try {
    const probe = await new Deno.Command(python, { args: ["-c", "import torch"], stderr: "null" }).output();
    if (!probe.success) {
      console.error("[cam_bench] peer skipped: python3 cannot import torch");
      return null;
    }
    const script = new URL("../../shared/bench/ref_torch.py", import.meta.url).pathname;
    const out = await new Deno.Command(python, { args: [script] }).output();
    let value: number | null = null;
    for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
      if (!line.startsWith("{")) continue;
      const m = JSON.parse(line);
      if (m.workload === "W4") {
        console.log(line);
        value = m.value;
      }
    }
    return value;
  } catch (e) {
    console.error(`[cam_bench] peer failed: ${(e as Error).message}`);
    return null;
  }
}

if (import.meta.main) {
  const backends = arg("backends", "wasm").split(",");
  const batches = Number(arg("batches", "20"));
  const budgetS = Number(arg("budget-s", "20"));
  const ours: [string, number][] = [];
  for (const b of backends) {
    const v = await benchBackend(b, batches, budgetS);
    if (v !== null) ours.push([b, v]);
  }
  if (Deno.args.includes("--peer")) {
    const peer = await peerW4();
    if (peer) {
      for (const [b, v] of ours) console.error(`[cam_bench] W4 ${b} / torch: ${(v / peer).toFixed(2)}x`);
    }
  }
}
