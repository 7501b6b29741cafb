/**
 * Paper-size training by hand (not part of `deno task bench` nor the tests: it takes minutes): a zoo network
 * at full width and the paper's input trains a few steps at the paper's batch on the default backend, split
 * into micro-batches by lib/train's plan where the wasm heap cannot hold the batch. Each batch runs in a
 * fresh process, so the heap's high-water mark is that run's own.
 *
 * Usage: `deno run -A bench/paper_batch.ts [--model googlenet-gap] [--batch 32,64] [--steps 2] [--size 224]
 * [--width 1] [--micro auto|N] [--no-limit]` (`--no-limit`: plan without the heap limit, to see where wasm
 * really fails)
 *
 * Prints the CPU model, the backend, and per batch: the plan (micro-batch sizes, estimated bytes), seconds per
 * step (every step; the first includes kernel set-up), and the heap before and after.
 *
 * @module
 */
import * as tf from "../lib/tf.ts";
import { describeBackend, initBackend, wasmHeapBytes } from "../lib/backend/mod.ts";
import { arrayDataset, type Sample } from "../lib/data/mod.ts";
import { createModel, estimateStepMemory, formatBytes } from "../lib/models/mod.ts";
import { train } from "../lib/train/mod.ts";

function option(name: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 && at + 1 < Deno.args.length ? Deno.args[at + 1] : fallback;
}

function cpuModel(): string {
  try {
    const line = Deno.readTextFileSync("/proc/cpuinfo").split("\n").find((l) => l.startsWith("model name"));
    return `${line?.split(":")[1]?.trim() ?? "unknown"}, ${navigator.hardwareConcurrency} logical cores`;
  } catch {
    return `unknown CPU, ${navigator.hardwareConcurrency} logical cores`;
  }
}

const model = option("model", "googlenet-gap");
const steps = Number(option("steps", "2"));
const size = Number(option("size", "224"));
const width = Number(option("width", "1"));
const micro = option("micro", "auto");

/** One run (in this process): `steps` training steps at `batch`, reported as one JSON line. */
async function child(batch: number): Promise<void> {
  const info = await initBackend();
  const heapStart = wasmHeapBytes();
  const net = createModel(model, { inputShape: [size, size, 3], numClasses: 1000, widthMultiplier: width });
  const samples: Sample[] = [];
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < batch * steps; i++) {
    const image = new Float32Array(size * size * 3);
    for (let j = 0; j < image.length; j++) image[j] = rand();
    samples.push({ image, height: size, width: size, channels: 3, label: i % 1000 });
  }
  const seconds: number[] = [];
  let t = performance.now();
  const result = await train(net, { train: arrayDataset(samples) }, {
    epochs: 1,
    batchSize: batch,
    microBatch: micro === "auto" ? "auto" : Number(micro),
    ...(Deno.args.includes("--no-limit") ? { heapLimitBytes: null } : {}),
    shuffle: false,
    callbacks: [{
      onBatchBegin: () => void (t = performance.now()),
      onBatchEnd: () => void seconds.push((performance.now() - t) / 1000),
    }],
  });
  console.log(JSON.stringify({
    model,
    size,
    width,
    batch,
    backend: describeBackend(info),
    plan: result.plan.sizes,
    estimateBytes: result.plan.estimateBytes,
    fullBatchEstimateBytes: estimateStepMemory(net, { batchSize: batch }).bytes,
    secondsPerStep: seconds.map((s) => +s.toFixed(2)),
    heapStart,
    heapEnd: wasmHeapBytes(),
    tensors: tf.memory().numTensors,
  }));
}

if (Deno.args.includes("--child")) {
  await child(Number(option("child-batch", "32")));
} else {
  console.log(`CPU: ${cpuModel()}`);
  for (const batch of option("batch", "32,64").split(",").map(Number)) {
    const args = [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      ...Deno.args,
      "--child",
      "--child-batch",
      `${batch}`,
    ];
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" }).output();
    const wall = (performance.now() - t0) / 1000;
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
    if (!out.success) {
      console.log(`${model} batch ${batch}: failed (exit ${out.code}) after ${wall.toFixed(0)} s`);
      console.log(
        new TextDecoder().decode(out.stderr).trim().split("\n").filter((l) => !/^\s+at /.test(l)).slice(-6)
          .join("\n"),
      );
      continue;
    }
    const r = JSON.parse(text);
    console.log(
      `${r.model} ${r.size} px width ${r.width}, batch ${r.batch} on ${r.backend}: micro-batches ` +
        `[${r.plan.join(", ")}], estimate ${formatBytes(r.estimateBytes)} per step (full batch would be ` +
        `${formatBytes(r.fullBatchEstimateBytes)}); seconds per step ${r.secondsPerStep.join(", ")}; heap ` +
        `${r.heapStart === null ? "n/a" : formatBytes(r.heapStart)} → ` +
        `${r.heapEnd === null ? "n/a" : formatBytes(r.heapEnd)}; process ${wall.toFixed(0)} s`,
    );
  }
}
