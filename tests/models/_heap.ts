/**
 * Measuring the wasm heap in tests: the peak bytes its allocator hands out while a function runs, and a
 * child process that reports the heap's high-water mark after training steps (a fresh heap, so the mark is
 * the step's own).
 *
 * @module
 */
import * as tf from "../../lib/tf.ts";
import { createModel } from "../../lib/models/mod.ts";
import { createOptimizer, softmaxCrossEntropy } from "../../lib/train/mod.ts";

interface WasmModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/**
 * Peak bytes allocated on the wasm heap through the module's `_malloc` while `fn` runs (every tensor, and
 * the composed kernels' outputs; not C++-internal scratch), counting only what `fn` allocates. Wasm only.
 */
export async function allocationPeak(fn: () => unknown): Promise<number> {
  const wasm = (tf.backend() as unknown as { wasm: WasmModule }).wasm;
  // emscripten binds _malloc and _free lazily, replacing them on their first call: bind before wrapping.
  wasm._free(wasm._malloc(8));
  const malloc = wasm._malloc, free = wasm._free;
  const sizes = new Map<number, number>();
  let live = 0, peak = 0;
  wasm._malloc = (bytes: number) => {
    const p = malloc(bytes);
    sizes.set(p >>> 0, bytes);
    live += bytes;
    peak = Math.max(peak, live);
    return p;
  };
  wasm._free = (pointer: number) => {
    live -= sizes.get(pointer >>> 0) ?? 0;
    sizes.delete(pointer >>> 0);
    free(pointer);
  };
  try {
    await fn();
  } finally {
    wasm._malloc = malloc;
    wasm._free = free;
  }
  return peak;
}

/** What {@linkcode stepPeak} builds and runs: a zoo model on `size`² inputs and a batch of `n`. */
export interface StepPeakOptions {
  size: number;
  width: number;
  n: number;
  /** Two Adam steps (true) or one inference pass (false). */
  training: boolean;
  /** Input channels. @default 3 */
  channels?: number;
}

/**
 * Peak allocator bytes of building `name` and two Adam steps (or one inference pass) at batch `n` (the input
 * batch counted: train and evaluate make it from the batch's arrays), and what `inspect` reads from the model
 * before it is disposed.
 */
export async function stepPeak<T>(
  name: string,
  options: StepPeakOptions,
  inspect: (model: ReturnType<typeof createModel>) => T,
): Promise<{ peak: number; value: T }> {
  const { size, width, n, training, channels = 3 } = options;
  let model: ReturnType<typeof createModel> | undefined;
  let x: tf.Tensor4D | undefined;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const optimizer = createOptimizer("adam");
  try {
    const peak = await allocationPeak(() => {
      model = createModel(name, {
        inputShape: [size, size, channels],
        numClasses: 2,
        widthMultiplier: width,
      });
      x = tf.randomNormal([n, size, size, channels], 0, 1, "float32", 7) as tf.Tensor4D;
      const [m, images] = [model, x];
      if (!training) return tf.tidy(() => void m.apply(images).logits.dataSync());
      const key = new Map(Object.entries(m.trainable).map(([k, v]) => [v.name, k]));
      for (let i = 0; i < 2; i++) {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(
            () => softmaxCrossEntropy(m.apply(images, { training: true }).logits, labels),
            Object.values(m.trainable),
          );
          const byKey = Object.fromEntries(Object.entries(grads).map(([k, g]) => [key.get(k)!, g]));
          optimizer.step(m.trainable, byKey, { learningRate: 1e-3 });
        });
      }
    });
    return { peak, value: inspect(model!) };
  } finally {
    model?.dispose();
    optimizer.dispose();
    x?.dispose();
  }
}

/** What the child process reports. */
export interface ChildHeap {
  backend: string;
  /** The heap's size before building the model, and after the steps. */
  heapBefore: number;
  heapAfter: number;
  /** estimateStepMemory's bytes for the step, plus the input batch the child holds. */
  estimate: number;
}

/** Run `steps` Adam steps of a zoo model in a fresh process and report its wasm heap. */
export async function childHeap(
  model: string,
  options: { size: number; width: number; batch: number },
): Promise<ChildHeap> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      new URL("./_heap_child.ts", import.meta.url).pathname,
      model,
      String(options.size),
      String(options.width),
      String(options.batch),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) throw new Error(`child failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(text.split("\n").at(-1)!);
}
