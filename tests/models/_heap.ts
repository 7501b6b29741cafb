/**
 * Measuring the wasm heap in tests: the peak bytes its allocator hands out while a function runs, and a
 * child process that reports the heap's high-water mark after training steps (a fresh heap, so the mark is
 * the step's own).
 *
 * @module
 */
import * as tf from "../../lib/tf.ts";

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
