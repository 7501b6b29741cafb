/**
 * Helpers to compose wasm kernels from other wasm kernels, the way tfjs backends compose their own:
 * kernel functions are called directly on `TensorInfo`s (no engine, no tape), and every intermediate
 * is released with `backend.disposeData`. This sidesteps the engine's reference counting entirely.
 *
 * @module
 */
import * as tf from "../tf.ts";

/** A `TensorInfo` as kernels see it. */
export type Info = tf.TensorInfo;

/** The slice of the wasm backend's surface the composed kernels use. */
export interface WasmLike extends tf.KernelBackend {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  incRef(dataId: tf.DataId): void;
}

/** What a kernel function receives. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: WasmLike; attrs: tf.NamedAttrMap };

/** Conv2D attributes (and those of its gradients). */
export type ConvAttrs = {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: [number, number] | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
};

/** The wasm backend with its heap: kernels that write outputs in place use these. */
export type HeapBackend = WasmLike & {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(info: Info): Float32Array;
};

/** The address of `info`'s data in the wasm heap (valid until the next allocation may grow the heap). */
export function heapPointer(backend: HeapBackend, info: Info): Deno.PointerValue {
  return Deno.UnsafePointer.of(backend.typedArrayFromHeap(info));
}

/**
 * A new float32 output of `shape` that `fill` writes natively; `null` (the output freed) when `fill` returns
 * false. Pointers must be taken inside `fill`, after the allocation.
 */
export function nativeOutput(
  backend: HeapBackend,
  shape: number[],
  fill: (out: Info) => boolean,
): Info | null {
  const out = backend.makeOutput(shape, "float32");
  if (fill(out)) return out;
  backend.disposeData(out.dataId);
  return null;
}

/** Runs kernel `name` of backend `backendName` on `TensorInfo` inputs and returns its output. */
export function run(
  backend: WasmLike,
  name: string,
  inputs: Record<string, Info | Info[]>,
  attrs: Record<string, unknown> = {},
  backendName = "wasm",
): Info {
  const config = tf.getKernel(name, backendName);
  if (config == null) throw new Error(`lib/backend: kernel ${name} is not registered for ${backendName}`);
  const out = config.kernelFunc({
    inputs: inputs as unknown as tf.NamedTensorInfoMap,
    backend,
    attrs: attrs as unknown as tf.NamedAttrMap,
  });
  return (Array.isArray(out) ? out[0] : out) as Info;
}

/**
 * Releases one reference of each intermediate, skipping the `keep` objects themselves (not their buffers:
 * a reshape shares its input's buffer but holds its own reference).
 */
export function free(backend: WasmLike, infos: Info[], keep: Info[] = []): void {
  for (const info of infos) if (!keep.includes(info)) backend.disposeData(info.dataId);
}

/**
 * Runs `body` with a scratch list; every `TensorInfo` pushed with `use` is freed afterwards, except the
 * returned one.
 */
export function scoped(backend: WasmLike, body: (use: (info: Info) => Info) => Info): Info {
  const made: Info[] = [];
  const use = (info: Info) => {
    made.push(info);
    return info;
  };
  let out: Info | undefined;
  try {
    out = body(use);
    return out;
  } finally {
    free(backend, made, out ? [out] : []);
  }
}

/** Reshape (shares the buffer, bumps the refcount). */
export function reshape(backend: WasmLike, x: Info, shape: number[]): Info {
  return run(backend, "Reshape", { x }, { shape });
}

/** Transpose by `perm`. */
export function transpose(backend: WasmLike, x: Info, perm: number[]): Info {
  return run(backend, "Transpose", { x }, { perm });
}

/**
 * Pads (positive amounts) or crops (negative amounts) each axis: `amounts[i] = [before, after]`.
 * Returns a new reference even when nothing changes.
 */
export function padOrCrop(backend: WasmLike, x: Info, amounts: [number, number][], value = 0): Info {
  const crop = amounts.some(([a, b]) => a < 0 || b < 0);
  const grow = amounts.some(([a, b]) => a > 0 || b > 0);
  let cur = x;
  const made: Info[] = [];
  if (crop) {
    const begin = amounts.map(([a]) => Math.max(0, -a));
    const size = x.shape.map((d, i) => d - Math.max(0, -amounts[i][0]) - Math.max(0, -amounts[i][1]));
    cur = run(backend, "Slice", { x: cur }, { begin, size });
    made.push(cur);
  }
  if (grow) {
    const paddings = amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]);
    cur = run(backend, "PadV2", { x: cur }, { paddings, constantValue: value });
    made.push(cur);
  }
  if (!crop && !grow) return reshape(backend, x, x.shape);
  free(backend, made, [cur]);
  return cur;
}

/**
 * Inserts `s - 1` zeros after every row (axis 1) and column (axis 2) of an NHWC tensor, so that
 * out[n, i*sh, j*sw, c] = x[n, i, j, c]. The output is `[n, h*sh, w*sw, c]` (trailing zeros included).
 */
export function zeroInsert(backend: WasmLike, x: Info, sh: number, sw: number): Info {
  if (sh === 1 && sw === 1) return reshape(backend, x, x.shape);
  const [n, h, w, c] = x.shape;
  return scoped(backend, (use) => {
    const x6 = use(reshape(backend, x, [n, h, 1, w, 1, c]));
    const padded = use(
      run(backend, "PadV2", { x: x6 }, {
        paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
        constantValue: 0,
      }),
    );
    return reshape(backend, padded, [n, h * sh, w * sw, c]);
  });
}
