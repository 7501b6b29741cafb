/**
 * oneDNN (libdnnl 2.x, the library PyTorch's CPU convolutions run on) through Deno's FFI: convolution
 * forward (with bias and a fused ReLU), backward-data and backward-weights primitives, and max and average
 * pooling forward and backward, across-channel LRN forward and backward, on plain NHWC/HWIO (2-D) or NDHWC/DHWIO (3-D: {@link Conv3DProblem},
 * {@link Pool3DProblem}) memory — here, tensors on the wasm heap. Optional: {@link loadDnnl} returns `null` when the library is
 * missing, FFI is not permitted or `CAM_DNNL=off`.
 *
 * The primitive for each problem is created once and cached (oneDNN picks its fastest implementation,
 * e.g. `brgconv:avx512_core`, with the weights in a blocked layout it chooses; they are reordered from
 * HWIO on a call whose `weightsKey` differs from the plan's last call's, and kept). 3x3 stride-1 convolutions with many channels
 * run as Winograd F(4x4, 3x3) instead ({@link Dnnl.winograd}, {@link WINOGRAD_MIN_CHANNELS}), their activations
 * reordered to oneDNN's blocked layout and back in a scratch area outside the caller's memory.
 *
 * y[n, p, q, o] = b[o] + Σ_{i, j, c} x[n, p·sh + i·dh − top, q·sw + j·dw − left, c] · w[i, j, c, o].
 *
 * Also across-channel local response normalization, forward and backward ({@link LrnProblem}).
 *
 * For the fused 3-D layers (lib/backend/fused_conv3d.ts): the bias gradient from the backward-weights pass
 * (`db`), ReLU's gradient from its output ({@link Dnnl.reluBackward}), and max pooling for training with the
 * workspace in the caller's memory ({@link Dnnl.maxPoolForwardTraining}, {@link Dnnl.maxPoolBackwardFromWorkspace}).
 *
 * @module
 */

import { openNative, pinLibrary } from "./ffi.ts";

/** Library names tried in order when {@link DnnlOptions.library} is not given. */
export const DNNL_CANDIDATES: readonly string[] = [
  "libdnnl.so.2",
  "libdnnl.so",
  "libdnnl.2.dylib",
  "dnnl.dll",
];

/** Options of {@link loadDnnl}. */
export interface DnnlOptions {
  /** Library to open. `CAM_DNNL` overrides it (`CAM_DNNL=off` disables oneDNN). @default the first of {@link DNNL_CANDIDATES} that opens */
  library?: string;
  /** OpenMP threads for oneDNN (through libgomp's `omp_set_num_threads`). @default OpenMP's default (all cores) */
  threads?: number;
  /**
   * Run 2-D 3x3 stride-1 convolutions with many channels (forward and both gradients) as Winograd F(4x4, 3x3)
   * where oneDNN has it (`jit_wino_4x3`; {@link Dnnl.winograd} says which): 4x fewer multiplies per output tile;
   * against the cpu backend the tests' relative errors are 0.4–3.4e-6, the direct convolution's 0–1.5e-6.
   * `CAM_DNNL_WINOGRAD=off` overrides it.
   * @default true
   */
  winograd?: boolean;
}

/** One 2-D convolution, NHWC activations and HWIO weights; paddings may differ per side. */
export interface ConvProblem {
  n: number;
  h: number;
  w: number;
  c: number;
  o: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** One 2-D max pooling, NHWC; paddings may differ per side (padded positions never win). */
export interface PoolProblem {
  n: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/**
 * One 3-D convolution, NDHWC activations and DHWIO weights: a {@link ConvProblem} plus the depth axis (input
 * `d`, kernel `kd`, output `od`, stride `sd`, dilation `dd`, padding `front`/`back`).
 * y[n, a, p, q, o] = b[o] + Σ_{k, i, j, c} x[n, a·sd + k·dd − front, p·sh + i·dh − top, q·sw + j·dw − left, c] ·
 * w[k, i, j, c, o].
 */
export interface Conv3DProblem extends ConvProblem {
  d: number;
  kd: number;
  od: number;
  sd: number;
  dd: number;
  front: number;
  back: number;
}

/** One 3-D pooling, NDHWC: a {@link PoolProblem} plus the depth axis. */
export interface Pool3DProblem extends PoolProblem {
  d: number;
  od: number;
  kd: number;
  sd: number;
  front: number;
  back: number;
}

/**
 * One across-channel local response normalization, NHWC, in TensorFlow's terms:
 * y[n, h, w, c] = x[n, h, w, c] / (bias + alpha · Σ_{|c'−c| ≤ radius} x[n, h, w, c']²)^beta
 * (channels beyond the edges count as 0). oneDNN is given local_size = 2·radius + 1 and alpha·local_size
 * (its alpha is divided by local_size; TensorFlow's is not).
 */
export interface LrnProblem {
  n: number;
  h: number;
  w: number;
  c: number;
  radius: number;
  bias: number;
  alpha: number;
  beta: number;
}

/** A loaded oneDNN. Pointers are raw addresses (e.g. into the wasm heap); every call is synchronous. */
export interface Dnnl {
  /** The library opened. */
  readonly library: string;
  /** Its version, e.g. "2.6.3". */
  readonly version: string;
  /** OpenMP threads it runs on. */
  readonly threads: number;
  /**
   * Whether 2-D 3x3 stride-1 undilated convolutions with channel counts that are multiples of 16 and at least
   * {@link WINOGRAD_MIN_CHANNELS}, padded 0 or 1 on every side alike, run as Winograd F(4x4, 3x3) (Lavin & Gray, 2016): y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A per 6x6 input tile d and 3x3
   * filter g, 36 multiplies for 16 outputs where the direct convolution takes 144. Activations are reordered
   * from NHWC to oneDNN's blocked layout and back around each such call (in a scratch area outside the wasm
   * heap, sized to the largest call). Other problems, and these where oneDNN has no Winograd primitive, run
   * the direct convolution on NHWC.
   */
  readonly winograd: boolean;
  /**
   * y = x ⊛ w (+ b when given) (then ReLU when `relu`). False when oneDNN has no primitive for the problem.
   * `weightsKey`: an object that stands for the values behind `w` (e.g. the tensor's data id; the caller
   * promises they never change while it lives): a call with the key of the plan's last call reuses the
   * weights it reordered then instead of reordering them again.
   */
  convForward(
    p: ConvProblem | Conv3DProblem,
    ptrs: {
      x: Deno.PointerValue;
      w: Deno.PointerValue;
      b: Deno.PointerValue | null;
      y: Deno.PointerValue;
      weightsKey?: object;
    },
    relu: boolean,
  ): boolean;
  /** dx = ∂(Σ y·dy)/∂x (`weightsKey` as for {@link convForward}). False when unsupported. */
  convBackwardData(
    p: ConvProblem | Conv3DProblem,
    ptrs: { dy: Deno.PointerValue; w: Deno.PointerValue; dx: Deno.PointerValue; weightsKey?: object },
  ): boolean;
  /**
   * dw = ∂(Σ y·dy)/∂w (HWIO, or DHWIO), and with `db` the bias gradient db[o] = Σ_{n, spatial} dy[…, o] in the
   * same pass over dy. False when unsupported.
   */
  convBackwardWeights(
    p: ConvProblem | Conv3DProblem,
    ptrs: { x: Deno.PointerValue; dy: Deno.PointerValue; dw: Deno.PointerValue; db?: Deno.PointerValue },
  ): boolean;
  /**
   * ReLU's gradient from its output: dx[i] = dy[i] if y[i] > 0, else 0, over `n` contiguous floats (oneDNN's
   * eltwise backward, `relu_use_dst_for_bwd`, on its threads). False when unsupported.
   */
  reluBackward(
    n: number,
    ptrs: { y: Deno.PointerValue; dy: Deno.PointerValue; dx: Deno.PointerValue },
  ): boolean;
  /** y[n, p, q, c] = max over the window of x. False when unsupported. */
  maxPoolForward(
    p: PoolProblem | Pool3DProblem,
    ptrs: { x: Deno.PointerValue; y: Deno.PointerValue },
  ): boolean;
  /**
   * dx: each window's dy goes to the position of its maximum (the first in row-major order on ties). Runs the
   * forward pass again to find them. False when unsupported.
   */
  maxPoolBackward(
    p: PoolProblem | Pool3DProblem,
    ptrs: { x: Deno.PointerValue; dy: Deno.PointerValue; dx: Deno.PointerValue },
  ): boolean;
  /**
   * y = the mean of x over the window's positions inside x (padding excluded, as tfjs and TensorFlow
   * average): y[n, p, q, c] = Σ_{(i, j) ∈ W ∩ x} x[n, i, j, c] / |W ∩ x|. False when unsupported.
   */
  avgPoolForward(
    p: PoolProblem | Pool3DProblem,
    ptrs: { x: Deno.PointerValue; y: Deno.PointerValue },
  ): boolean;
  /** dx[i] = Σ_{windows W ∋ i} dy[W] / |W ∩ x|: the exact gradient of {@link avgPoolForward}. */
  avgPoolBackward(
    p: PoolProblem | Pool3DProblem,
    ptrs: { dy: Deno.PointerValue; dx: Deno.PointerValue },
  ): boolean;
  /**
   * Bytes of the workspace {@link maxPoolForwardTraining} writes for `p` (where each window's maximum is), or
   * null when oneDNN has no training primitive for it.
   */
  maxPoolWorkspaceBytes(p: PoolProblem | Pool3DProblem): number | null;
  /** y = max over each window of x, and the workspace (`ws`, {@link maxPoolWorkspaceBytes}) for the backward. */
  maxPoolForwardTraining(
    p: PoolProblem | Pool3DProblem,
    ptrs: { x: Deno.PointerValue; y: Deno.PointerValue; ws: Deno.PointerValue },
  ): boolean;
  /** dx from dy and the forward's workspace alone (no x, no second forward pass): the first maximum gets dy. */
  maxPoolBackwardFromWorkspace(
    p: PoolProblem | Pool3DProblem,
    ptrs: { dy: Deno.PointerValue; ws: Deno.PointerValue; dx: Deno.PointerValue },
  ): boolean;
  /** y = LRN(x) ({@link LrnProblem}). False when unsupported. */
  lrnForward(p: LrnProblem, ptrs: { x: Deno.PointerValue; y: Deno.PointerValue }): boolean;
  /** dx = ∂(Σ LRN(x)·dy)/∂x, the forward pass rerun for oneDNN's workspace where it needs one. False when unsupported. */
  lrnBackward(
    p: LrnProblem,
    ptrs: { x: Deno.PointerValue; dy: Deno.PointerValue; dx: Deno.PointerValue },
  ): boolean;
  /** The implementation oneDNN chose for an LRN problem (e.g. "lrn_jit:avx512_core"), or null if none. */
  lrnImplementation(p: LrnProblem, backward: boolean): string | null;
  /** The implementation oneDNN chose for a problem ("brgconv:avx512_core", ...), or null if none. */
  implementation(
    kind: "forward" | "backward_data" | "backward_weights",
    p: ConvProblem | Conv3DProblem,
  ): string | null;
  /** How many primitive plans are cached (at most 256; the least recently used are freed). */
  cachedPlans(): number;
  /** How many times a convolution's weights were reordered into oneDNN's layout (the rest were reused). */
  weightReorders(): number;
  /** Frees every cached primitive and closes the library. */
  close(): void;
}

/** Why {@link loadDnnl} returned null, for reports. */
export let dnnlUnavailableReason = "";

const P = "pointer", B = "buffer";
const SYMBOLS = {
  dnnl_version: { parameters: [], result: P },
  dnnl_engine_create: { parameters: [B, "i32", "usize"], result: "i32" },
  dnnl_engine_destroy: { parameters: [P], result: "i32" },
  dnnl_stream_create: { parameters: [B, P, "u32"], result: "i32" },
  dnnl_stream_destroy: { parameters: [P], result: "i32" },
  dnnl_stream_wait: { parameters: [P], result: "i32" },
  dnnl_memory_desc_init_by_strides: { parameters: [B, "i32", B, "i32", B], result: "i32" },
  dnnl_memory_desc_init_by_tag: { parameters: [B, "i32", B, "i32", "i32"], result: "i32" },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [B, "i32", "i32", B, B, P, B, B, B, B, B],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: [B, "i32", B, B, B, B, B, B, B],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [B, "i32", B, B, P, B, B, B, B, B],
    result: "i32",
  },
  dnnl_pooling_forward_desc_init: {
    parameters: [B, "i32", "i32", B, B, B, B, B, B],
    result: "i32",
  },
  dnnl_pooling_backward_desc_init: {
    parameters: [B, "i32", B, B, B, B, B, B],
    result: "i32",
  },
  dnnl_lrn_forward_desc_init: { parameters: [B, "i32", "i32", B, "i64", "f32", "f32", "f32"], result: "i32" },
  dnnl_lrn_backward_desc_init: { parameters: [B, "i32", B, B, "i64", "f32", "f32", "f32"], result: "i32" },
  dnnl_memory_desc_get_size: { parameters: [P], result: "usize" },
  dnnl_eltwise_forward_desc_init: { parameters: [B, "i32", "i32", B, "f32", "f32"], result: "i32" },
  dnnl_eltwise_backward_desc_init: { parameters: [B, "i32", B, B, "f32", "f32"], result: "i32" },
  dnnl_primitive_attr_create: { parameters: [B], result: "i32" },
  dnnl_primitive_attr_destroy: { parameters: [P], result: "i32" },
  dnnl_primitive_attr_set_post_ops: { parameters: [P, P], result: "i32" },
  dnnl_post_ops_create: { parameters: [B], result: "i32" },
  dnnl_post_ops_destroy: { parameters: [P], result: "i32" },
  dnnl_post_ops_append_eltwise: { parameters: [P, "f32", "i32", "f32", "f32"], result: "i32" },
  dnnl_primitive_desc_create: { parameters: [B, B, P, P, P], result: "i32" },
  dnnl_primitive_desc_destroy: { parameters: [P], result: "i32" },
  dnnl_primitive_desc_query: { parameters: [P, "i32", "i32", B], result: "i32" },
  dnnl_primitive_desc_query_md: { parameters: [P, "i32", "i32"], result: P },
  dnnl_reorder_primitive_desc_create: { parameters: [B, P, P, P, P, P], result: "i32" },
  dnnl_primitive_create: { parameters: [B, P], result: "i32" },
  dnnl_primitive_destroy: { parameters: [P], result: "i32" },
  dnnl_primitive_execute: { parameters: [P, P, "i32", B], result: "i32" },
  dnnl_memory_create: { parameters: [B, P, P, P], result: "i32" },
  dnnl_memory_destroy: { parameters: [P], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: [P, P], result: "i32" },
  dnnl_memory_desc_equal: { parameters: [P, P], result: "i32" },
} as const;

/** OpenMP runtime oneDNN (Debian's build) runs its threads on. */
const GOMP = "libgomp.so.1";

const GOMP_SYMBOLS = {
  omp_set_num_threads: { parameters: ["i32"], result: "void" },
  omp_get_max_threads: { parameters: [], result: "i32" },
} as const;

// oneDNN 2.x constants (dnnl_types.h).
const F32 = 3, ENGINE_CPU = 1, STREAM_IN_ORDER = 1, TAG_ANY = 1;
const FORWARD_TRAINING = 64, FORWARD_INFERENCE = 96;
const CONVOLUTION_DIRECT = 1, CONVOLUTION_WINOGRAD = 2, ELTWISE_RELU = 0x1f;
const POOLING_MAX = 0x1ff, POOLING_AVG_EXCLUDE_PADDING = 0x3ff;
const LRN_ACROSS_CHANNELS = 0xaff;
const QUERY_IMPL_INFO_STR = 8, QUERY_SRC_MD = 129, QUERY_DIFF_SRC_MD = 130, QUERY_WEIGHTS_MD = 131;
const QUERY_DIFF_WEIGHTS_MD = 132, QUERY_DST_MD = 133, QUERY_DIFF_DST_MD = 134, QUERY_WORKSPACE_MD = 135;
const ARG_SRC = 1, ARG_DST = 17, ARG_WEIGHTS = 33, ARG_BIAS = 41, ARG_WORKSPACE = 64;
const ARG_DIFF_SRC = 129, ARG_DIFF_DST = 145, ARG_DIFF_WEIGHTS = 161;
const ARG_DIFF_BIAS = 169, ELTWISE_RELU_USE_DST_FOR_BWD = 0x100;
const MD_BYTES = 2048, OP_DESC_BYTES = 16384;
/**
 * Fewest input and output channels for which a 3x3 convolution runs as Winograd ({@link Dnnl.winograd}). Each
 * such call reorders its activations to and from oneDNN's blocked layout, which for few channels costs about
 * what the multiplies save. At 64 every 3x3 convolution of the paper-size VGG16 and GoogLeNet runs as
 * Winograd and the 1/16-width zoo stays on the direct convolution.
 */
export const WINOGRAD_MIN_CHANNELS = 64;

/** Primitives kept per library (least recently used freed first): a few per layer shape and batch size. */
const MAX_PLANS = 256;
const ALLOCATE = 0xffffffffffffffffn; // DNNL_MEMORY_ALLOCATE

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>;

/** One primitive run with its arguments. */
interface Step {
  prim: Deno.PointerValue;
  args: BigUint64Array;
}

/** A cached primitive: its memories (handles set per call), optional steps before/after, the args. */
interface Plan {
  impl: string;
  /** Bytes of the workspace the caller provides (max pooling with a workspace). */
  workspaceBytes?: number;
  prim: Deno.PointerValue;
  /** Memories whose handle is set from the call's pointers, by pointer name. */
  bind: Record<string, Deno.PointerValue>;
  before?: Step[];
  after?: Step[];
  args: BigUint64Array;
  /** Memories that live only during a call, placed in the shared scratch area (bytes each). */
  scratch?: { mem: Deno.PointerValue; bytes: number }[];
  /**
   * The reorder of the user's weights into the primitive's layout, run first unless the call's `weightsKey` is
   * the one the last run was made for (the reordered copy is the plan's own memory, kept between calls).
   */
  weights?: { step: Step; key: WeakRef<object> | null };
  owned: { prims: Deno.PointerValue[]; mems: Deno.PointerValue[]; pds: Deno.PointerValue[] };
}

/**
 * Opens oneDNN, or returns `null` (with {@link dnnlUnavailableReason} set) when FFI is not permitted,
 * `CAM_DNNL=off`, or no candidate library opens.
 *
 * @example
 * const dnnl = loadDnnl();
 * if (dnnl) console.log(dnnl.version, dnnl.threads);
 */
export function loadDnnl(options: DnnlOptions = {}): Dnnl | null {
  const got = openNative("CAM_DNNL", options.library, DNNL_CANDIDATES, (library) => {
    const lib = Deno.dlopen(library, SYMBOLS);
    // oneDNN's OpenMP threads outlive every call: keep oneDNN and libgomp mapped for good (see _ffi.ts).
    pinLibrary(library);
    pinLibrary(GOMP);
    const v = new Deno.UnsafePointerView(lib.symbols.dnnl_version()!);
    const version = `${v.getInt32(0)}.${v.getInt32(4)}.${v.getInt32(8)}`;
    try {
      if (v.getInt32(0) !== 2) throw new Error(`version ${version} (cam-dmri speaks the oneDNN 2.x API)`);
      const off = readEnvOff("CAM_DNNL_WINOGRAD");
      return open(lib, library, version, options.threads, !off && (options.winograd ?? true));
    } catch (e) {
      lib.close();
      throw e;
    }
  });
  dnnlUnavailableReason = got.ok ? "" : got.reason;
  return got.ok ? got.value : null;
}

/** Whether environment variable `name` says "off" (unset, or env access not granted: no). */
function readEnvOff(name: string): boolean {
  try {
    return Deno.env.get(name)?.toLowerCase() === "off";
  } catch {
    return false;
  }
}

/** Bytes rounded up to oneDNN's preferred 64-byte alignment. */
const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

function ompThreads(want?: number): number {
  let gomp: Deno.DynamicLibrary<typeof GOMP_SYMBOLS> | undefined;
  try {
    gomp = Deno.dlopen(GOMP, GOMP_SYMBOLS);
    if (want != null) gomp.symbols.omp_set_num_threads(Math.max(1, Math.floor(want)));
    return gomp.symbols.omp_get_max_threads();
  } catch {
    return globalThis.navigator?.hardwareConcurrency ?? 1;
  } finally {
    gomp?.close();
  }
}

function open(
  lib: Lib,
  library: string,
  version: string,
  threads: number | undefined,
  winograd: boolean,
): Dnnl {
  const s = lib.symbols;
  const check = (status: number, what: string) => {
    if (status !== 0) throw new Error(`oneDNN ${what} failed with status ${status}`);
  };
  const handle = () => new BigUint64Array(1);
  const ptr = (h: BigUint64Array) => Deno.UnsafePointer.create(h[0]);
  const dims = (...d: number[]) => {
    const a = new BigInt64Array(12);
    d.forEach((v, i) => a[i] = BigInt(v));
    return a;
  };
  const e = handle();
  check(s.dnnl_engine_create(e, ENGINE_CPU, 0n), "engine_create");
  const engine = ptr(e);
  const st = handle();
  check(s.dnnl_stream_create(st, engine, STREAM_IN_ORDER), "stream_create");
  const stream = ptr(st);
  const nThreads = ompThreads(threads);
  /** The scratch area of calls that reorder activations (grown to the largest call, 64-byte aligned). */
  let arena: Uint8Array | null = null;
  const scratchBase = (bytes: number): Deno.PointerValue => {
    if (arena == null || arena.byteLength < bytes + 64) arena = new Uint8Array(bytes + 64);
    const p = Deno.UnsafePointer.of(arena)!;
    const mis = Number(Deno.UnsafePointer.value(p) % 64n);
    return mis === 0 ? p : Deno.UnsafePointer.offset(p, 64 - mis);
  };

  /** A plain memory descriptor from logical dims and strides, or format `any` when strides is null. */
  const md = (d: number[], strides: number[] | null): Uint8Array => {
    const m = new Uint8Array(MD_BYTES);
    const status = strides
      ? s.dnnl_memory_desc_init_by_strides(m, d.length, dims(...d), F32, dims(...strides))
      : s.dnnl_memory_desc_init_by_tag(m, d.length, dims(...d), F32, TAG_ANY);
    check(status, "memory_desc_init");
    return m;
  };
  /** Channels-last memory of logical dims [outer, inner, ...spatial] (NHWC / NDHWC; HWIO / DHWIO weights). */
  const channelsLast = (
    outer: number,
    inner: number,
    spatial: number[],
    innerStride: number,
    outerStride: number,
  ) => {
    const strides = spatial.map((_, i) =>
      spatial.slice(i + 1).reduce((a, b) => a * b, 1) * inner * innerStride
    );
    return md([outer, inner, ...spatial], [outerStride, innerStride, ...strides]);
  };
  const activations = (n: number, c: number, spatial: number[]) =>
    channelsLast(n, c, spatial, 1, spatial.reduce((a, b) => a * b, c));
  const mds = (p: ConvProblem | Conv3DProblem) => {
    const s3 = "d" in p;
    const xs = s3 ? [p.d, p.h, p.w] : [p.h, p.w], ks = s3 ? [p.kd, p.kh, p.kw] : [p.kh, p.kw];
    return {
      src: activations(p.n, p.c, xs),
      dst: activations(p.n, p.o, s3 ? [p.od, p.oh, p.ow] : [p.oh, p.ow]),
      wUser: channelsLast(p.o, p.c, ks, p.o, 1),
      wAny: md([p.o, p.c, ...ks], null),
      bias: md([p.o], [1]),
    };
  };
  const geometry = (p: ConvProblem | Conv3DProblem) =>
    "d" in p
      ? {
        strides: dims(p.sd, p.sh, p.sw),
        dilates: dims(p.dd - 1, p.dh - 1, p.dw - 1),
        padL: dims(p.front, p.top, p.left),
        padR: dims(p.back, p.bottom, p.right),
      }
      : {
        strides: dims(p.sh, p.sw),
        dilates: dims(p.dh - 1, p.dw - 1),
        padL: dims(p.top, p.left),
        padR: dims(p.bottom, p.right),
      };
  const memory = (m: Uint8Array | Deno.PointerValue, at: bigint | null = null): Deno.PointerValue => {
    const h = handle();
    const mdPtr = m instanceof Uint8Array ? Deno.UnsafePointer.of(m) : m;
    check(
      s.dnnl_memory_create(h, mdPtr, engine, at == null ? null : Deno.UnsafePointer.create(at)),
      "memory_create",
    );
    return ptr(h);
  };
  const primitive = (pd: Deno.PointerValue): Deno.PointerValue => {
    const h = handle();
    check(s.dnnl_primitive_create(h, pd), "primitive_create");
    return ptr(h);
  };
  const args = (...pairs: [number, Deno.PointerValue][]): BigUint64Array => {
    const a = new BigUint64Array(pairs.length * 2);
    pairs.forEach(([k, m], i) => {
      a[2 * i] = BigInt(k);
      a[2 * i + 1] = BigInt(Deno.UnsafePointer.value(m));
    });
    return a;
  };
  /** A primitive descriptor from an op descriptor, or null when oneDNN has no implementation. */
  const pdOf = (op: Uint8Array, attr: Deno.PointerValue, hint: Deno.PointerValue): Deno.PointerValue => {
    const h = handle();
    return s.dnnl_primitive_desc_create(h, op, attr, engine, hint) === 0 ? ptr(h) : null;
  };
  const implOf = (pd: Deno.PointerValue): string => {
    const out = new BigUint64Array(2);
    if (s.dnnl_primitive_desc_query(pd, QUERY_IMPL_INFO_STR, 0, out) !== 0 || out[0] === 0n) return "?";
    return new Deno.UnsafePointerView(Deno.UnsafePointer.create(out[0])!).getCString();
  };
  /** The primitive of `pd`, both now owned by the plan (freed with it). */
  const ownPrimitive = (pd: Deno.PointerValue, owned: Plan["owned"]): Deno.PointerValue => {
    owned.pds.push(pd);
    const prim = primitive(pd);
    owned.prims.push(prim);
    return prim;
  };
  const reorder = (from: Deno.PointerValue, to: Deno.PointerValue, owned: Plan["owned"]) => {
    const h = handle();
    check(
      s.dnnl_reorder_primitive_desc_create(h, from, engine, to, engine, null),
      "reorder_primitive_desc_create",
    );
    return ownPrimitive(ptr(h), owned);
  };
  /** The forward descriptor (weights `any`): for inference (bias optional), or training (a hint, no bias). */
  const forwardDesc = (
    p: ConvProblem | Conv3DProblem,
    m: ReturnType<typeof mds>,
    training: boolean,
    bias = false,
  ): Uint8Array => {
    const g = geometry(p);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      s.dnnl_dilated_convolution_forward_desc_init(
        op,
        training ? FORWARD_TRAINING : FORWARD_INFERENCE,
        CONVOLUTION_DIRECT,
        m.src,
        m.wAny,
        bias ? Deno.UnsafePointer.of(m.bias) : null,
        m.dst,
        g.strides,
        g.dilates,
        g.padL,
        g.padR,
      ),
      "convolution_forward_desc_init",
    );
    return op;
  };

  const plans = new Map<string, Plan | null>();
  let weightReorders = 0;
  const newOwned = (): Plan["owned"] => ({ prims: [], mems: [], pds: [] });
  /** Free what a plan (or a plan given up half-made) owns. */
  const release = (owned: Plan["owned"]) => {
    for (const prim of owned.prims) s.dnnl_primitive_destroy(prim);
    for (const mem of owned.mems) s.dnnl_memory_destroy(mem);
    for (const pd of owned.pds) s.dnnl_primitive_desc_destroy(pd);
  };

  const planForward = (p: ConvProblem | Conv3DProblem, relu: boolean, bias: boolean): Plan | null => {
    const m = mds(p);
    const op = forwardDesc(p, m, false, bias);
    let attr: Deno.PointerValue = null, postOps: Deno.PointerValue = null;
    if (relu) {
      const a = handle(), po = handle();
      check(s.dnnl_primitive_attr_create(a), "primitive_attr_create");
      check(s.dnnl_post_ops_create(po), "post_ops_create");
      attr = ptr(a);
      postOps = ptr(po);
      check(s.dnnl_post_ops_append_eltwise(postOps, 1, ELTWISE_RELU, 0, 0), "post_ops_append_eltwise");
      check(s.dnnl_primitive_attr_set_post_ops(attr, postOps), "primitive_attr_set_post_ops");
    }
    const pd = pdOf(op, attr, null);
    if (attr) s.dnnl_primitive_attr_destroy(attr), s.dnnl_post_ops_destroy(postOps);
    if (pd == null) return null;
    const owned = newOwned();
    const prim = ownPrimitive(pd, owned);
    const wMd = s.dnnl_primitive_desc_query_md(pd, QUERY_WEIGHTS_MD, 0);
    const x = memory(m.src), wUser = memory(m.wUser), w = memory(wMd, ALLOCATE), b = memory(m.bias);
    const y = memory(m.dst);
    owned.mems.push(x, wUser, w, b, y);
    const convArgs: [number, Deno.PointerValue][] = [[ARG_SRC, x], [ARG_WEIGHTS, w], [ARG_DST, y]];
    if (bias) convArgs.push([ARG_BIAS, b]);
    const r = reorder(Deno.UnsafePointer.of(m.wUser), wMd, owned);
    return {
      impl: implOf(pd),
      prim,
      bind: { x, w: wUser, b, y },
      weights: { step: { prim: r, args: args([ARG_SRC, wUser], [ARG_DST, w]) }, key: null },
      args: args(...convArgs),
      owned,
    };
  };

  /**
   * Whether a problem is one {@link Dnnl.winograd} covers: 3x3, stride 1, undilated, channels in multiples of
   * 16 and at least {@link WINOGRAD_MIN_CHANNELS}, the same padding of 0 or 1 on every side (oneDNN 2.6's Winograd input gradient is wrong with uneven
   * padding: relative error 1.3 against the cpu backend, measured).
   */
  const winogradFits = (p: ConvProblem | Conv3DProblem): boolean => {
    if (!winograd || "d" in p) return false;
    const plain3x3 = p.kh === 3 && p.kw === 3 && p.sh === 1 && p.sw === 1 && p.dh === 1 && p.dw === 1;
    const evenPad = p.top <= 1 && p.bottom === p.top && p.left === p.top && p.right === p.top;
    const channels = p.c % 16 === 0 && p.o % 16 === 0 && Math.min(p.c, p.o) >= WINOGRAD_MIN_CHANNELS;
    return plain3x3 && evenPad && channels;
  };
  /**
   * A Winograd plan (every memory in the layout oneDNN picks, reorders from and to the user's NHWC/HWIO
   * around the primitive, the reordered copies in the scratch area), or null when oneDNN has none.
   */
  const planWinograd = (
    p: ConvProblem,
    kind: "forward" | "backward_data" | "backward_weights",
    relu: boolean,
    bias: boolean,
  ): Plan | null => {
    const m = mds(p);
    const srcAny = md([p.n, p.c, p.h, p.w], null), dstAny = md([p.n, p.o, p.oh, p.ow], null);
    const g = geometry(p);
    const fwd = (training: boolean, withBias: boolean) => {
      const op = new Uint8Array(OP_DESC_BYTES);
      const status = s.dnnl_dilated_convolution_forward_desc_init(
        op,
        training ? FORWARD_TRAINING : FORWARD_INFERENCE,
        CONVOLUTION_WINOGRAD,
        srcAny,
        m.wAny,
        withBias ? Deno.UnsafePointer.of(m.bias) : null,
        dstAny,
        g.strides,
        g.dilates,
        g.padL,
        g.padR,
      );
      return status === 0 ? op : null;
    };
    let pd: Deno.PointerValue = null;
    if (kind === "forward") {
      // Training, not inference: for inference oneDNN wants the weights pre-transformed (its `wino` layout),
      // and its reorder into that layout runs slowly on one thread (1.8 s for 1024x832x3x3, measured).
      const op = fwd(true, bias);
      if (op == null) return null;
      let attr: Deno.PointerValue = null, postOps: Deno.PointerValue = null;
      if (relu) {
        const a = handle(), po = handle();
        check(s.dnnl_primitive_attr_create(a), "primitive_attr_create");
        check(s.dnnl_post_ops_create(po), "post_ops_create");
        attr = ptr(a);
        postOps = ptr(po);
        check(s.dnnl_post_ops_append_eltwise(postOps, 1, ELTWISE_RELU, 0, 0), "post_ops_append_eltwise");
        check(s.dnnl_primitive_attr_set_post_ops(attr, postOps), "primitive_attr_set_post_ops");
      }
      pd = pdOf(op, attr, null);
      if (attr) s.dnnl_primitive_attr_destroy(attr), s.dnnl_post_ops_destroy(postOps);
    } else {
      const fop = fwd(true, false);
      const hint = fop == null ? null : pdOf(fop, null, null);
      if (hint == null) return null;
      const op = new Uint8Array(OP_DESC_BYTES);
      const status = kind === "backward_data"
        ? s.dnnl_dilated_convolution_backward_data_desc_init(
          op,
          CONVOLUTION_WINOGRAD,
          srcAny,
          m.wAny,
          dstAny,
          g.strides,
          g.dilates,
          g.padL,
          g.padR,
        )
        : s.dnnl_dilated_convolution_backward_weights_desc_init(
          op,
          CONVOLUTION_WINOGRAD,
          srcAny,
          m.wAny,
          null,
          dstAny,
          g.strides,
          g.dilates,
          g.padL,
          g.padR,
        );
      pd = status === 0 ? pdOf(op, null, hint) : null;
      s.dnnl_primitive_desc_destroy(hint);
    }
    if (pd == null) return null;
    const owned = newOwned();
    const prim = ownPrimitive(pd, owned);
    const bind: Record<string, Deno.PointerValue> = {};
    const scratch: { mem: Deno.PointerValue; bytes: number }[] = [];
    const before: Step[] = [], after: Step[] = [];
    /**
     * The memory the primitive reads or writes as `arg`: the user's (bound to pointer `name`) when the
     * layouts agree, else a scratch copy with a reorder from it (`input`) or into it (output).
     */
    let weights: Plan["weights"];
    const operand = (name: string, user: Uint8Array, query: number, input: boolean) => {
      const userMem = memory(user);
      owned.mems.push(userMem);
      bind[name] = userMem;
      const want = s.dnnl_primitive_desc_query_md(pd, query, 0);
      if (s.dnnl_memory_desc_equal(Deno.UnsafePointer.of(user), want) === 1) return userMem;
      // The weights' copy is the plan's own (kept for the next call with the same weights); activations' in
      // the scratch area.
      const own = name === "w";
      const mem = memory(want, own ? ALLOCATE : null);
      owned.mems.push(mem);
      if (!own) scratch.push({ mem, bytes: Number(s.dnnl_memory_desc_get_size(want)) });
      const r = input
        ? reorder(Deno.UnsafePointer.of(user), want, owned)
        : reorder(want, Deno.UnsafePointer.of(user), owned);
      const step = input
        ? { prim: r, args: args([ARG_SRC, userMem], [ARG_DST, mem]) }
        : { prim: r, args: args([ARG_SRC, mem], [ARG_DST, userMem]) };
      if (own) weights = { step, key: null };
      else (input ? before : after).push(step);
      return mem;
    };
    let convArgs: [number, Deno.PointerValue][];
    if (kind === "forward") {
      convArgs = [
        [ARG_SRC, operand("x", m.src, QUERY_SRC_MD, true)],
        [ARG_WEIGHTS, operand("w", m.wUser, QUERY_WEIGHTS_MD, true)],
        [ARG_DST, operand("y", m.dst, QUERY_DST_MD, false)],
      ];
      if (bias) {
        const b = memory(m.bias);
        owned.mems.push(b);
        bind.b = b;
        convArgs.push([ARG_BIAS, b]);
      }
    } else if (kind === "backward_data") {
      convArgs = [
        [ARG_DIFF_DST, operand("dy", m.dst, QUERY_DIFF_DST_MD, true)],
        [ARG_WEIGHTS, operand("w", m.wUser, QUERY_WEIGHTS_MD, true)],
        [ARG_DIFF_SRC, operand("dx", m.src, QUERY_DIFF_SRC_MD, false)],
      ];
    } else {
      convArgs = [
        [ARG_SRC, operand("x", m.src, QUERY_SRC_MD, true)],
        [ARG_DIFF_DST, operand("dy", m.dst, QUERY_DIFF_DST_MD, true)],
        [ARG_DIFF_WEIGHTS, operand("dw", m.wUser, QUERY_DIFF_WEIGHTS_MD, false)],
      ];
    }
    return {
      impl: implOf(pd),
      prim,
      bind,
      before,
      after,
      args: args(...convArgs),
      scratch,
      weights,
      owned,
    };
  };

  const planBackward = (
    p: ConvProblem | Conv3DProblem,
    kind: "backward_data" | "backward_weights",
    bias = false,
  ): Plan | null => {
    const m = mds(p);
    const hint = pdOf(forwardDesc(p, m, true), null, null);
    if (hint == null) return null;
    const g = geometry(p);
    const op = new Uint8Array(OP_DESC_BYTES);
    const status = kind === "backward_data"
      ? s.dnnl_dilated_convolution_backward_data_desc_init(
        op,
        CONVOLUTION_DIRECT,
        m.src,
        m.wAny,
        m.dst,
        g.strides,
        g.dilates,
        g.padL,
        g.padR,
      )
      : s.dnnl_dilated_convolution_backward_weights_desc_init(
        op,
        CONVOLUTION_DIRECT,
        m.src,
        m.wAny,
        bias ? Deno.UnsafePointer.of(m.bias) : null,
        m.dst,
        g.strides,
        g.dilates,
        g.padL,
        g.padR,
      );
    check(status, `convolution_${kind}_desc_init`);
    const pd = pdOf(op, null, hint);
    s.dnnl_primitive_desc_destroy(hint);
    if (pd == null) return null;
    const owned = newOwned();
    const prim = ownPrimitive(pd, owned);
    const wUser = memory(m.wUser);
    owned.mems.push(wUser);
    if (kind === "backward_data") {
      const wMd = s.dnnl_primitive_desc_query_md(pd, QUERY_WEIGHTS_MD, 0);
      const w = memory(wMd, ALLOCATE), dy = memory(m.dst), dx = memory(m.src);
      owned.mems.push(w, dy, dx);
      const r = reorder(Deno.UnsafePointer.of(m.wUser), wMd, owned);
      return {
        impl: implOf(pd),
        prim,
        bind: { w: wUser, dy, dx },
        weights: { step: { prim: r, args: args([ARG_SRC, wUser], [ARG_DST, w]) }, key: null },
        args: args([ARG_DIFF_DST, dy], [ARG_WEIGHTS, w], [ARG_DIFF_SRC, dx]),
        owned,
      };
    }
    const dwMd = s.dnnl_primitive_desc_query_md(pd, QUERY_DIFF_WEIGHTS_MD, 0);
    const dw = memory(dwMd, ALLOCATE), x = memory(m.src), dy = memory(m.dst);
    owned.mems.push(dw, x, dy);
    const r = reorder(dwMd, Deno.UnsafePointer.of(m.wUser), owned);
    const weightsArgs: [number, Deno.PointerValue][] = [[ARG_SRC, x], [ARG_DIFF_DST, dy], [
      ARG_DIFF_WEIGHTS,
      dw,
    ]];
    const db = bias ? memory(m.bias) : null;
    if (db) owned.mems.push(db), weightsArgs.push([ARG_DIFF_BIAS, db]);
    return {
      impl: implOf(pd),
      prim,
      bind: db ? { x, dy, dw: wUser, db } : { x, dy, dw: wUser },
      after: [{ prim: r, args: args([ARG_SRC, dw], [ARG_DST, wUser]) }],
      args: args(...weightsArgs),
      owned,
    };
  };

  const poolMds = (p: PoolProblem | Pool3DProblem) => ({
    src: activations(p.n, p.c, "d" in p ? [p.d, p.h, p.w] : [p.h, p.w]),
    dst: activations(p.n, p.c, "d" in p ? [p.od, p.oh, p.ow] : [p.oh, p.ow]),
  });
  /** Strides, kernel, padding before and after: the window arguments both pooling descriptors take. */
  const poolWindow = (p: PoolProblem | Pool3DProblem) =>
    "d" in p
      ? [
        dims(p.sd, p.sh, p.sw),
        dims(p.kd, p.kh, p.kw),
        dims(p.front, p.top, p.left),
        dims(
          p.back,
          p.bottom,
          p.right,
        ),
      ] as const
      : [dims(p.sh, p.sw), dims(p.kh, p.kw), dims(p.top, p.left), dims(p.bottom, p.right)] as const;
  const poolDesc = (
    p: PoolProblem | Pool3DProblem,
    m: ReturnType<typeof poolMds>,
    prop: number,
    alg = POOLING_MAX,
  ): Uint8Array => {
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      s.dnnl_pooling_forward_desc_init(
        op,
        prop,
        alg,
        m.src,
        m.dst,
        ...poolWindow(p),
      ),
      "pooling_forward_desc_init",
    );
    return op;
  };
  /**
   * The forward half of a pooling or LRN plan: `fwdPd`'s primitive and its source memory x, owned together
   * (a backward plan runs them first, to fill its workspace).
   */
  const forwardPart = (fwdPd: Deno.PointerValue, src: Uint8Array | Deno.PointerValue) => {
    const owned = newOwned();
    const fwd = ownPrimitive(fwdPd, owned);
    const x = memory(src);
    owned.mems.push(x);
    return { owned, fwd, x };
  };
  /** A forward-only plan of `fwdPd`: x → y. */
  const forwardPlan = (
    fwdPd: Deno.PointerValue,
    src: Uint8Array | Deno.PointerValue,
    dst: Uint8Array | Deno.PointerValue,
  ): Plan => {
    const { owned, fwd, x } = forwardPart(fwdPd, src);
    const y = memory(dst);
    owned.mems.push(y);
    return { impl: implOf(fwdPd), prim: fwd, bind: { x, y }, args: args([ARG_SRC, x], [ARG_DST, y]), owned };
  };
  const planPool = (p: PoolProblem | Pool3DProblem, backward: boolean, alg = POOLING_MAX): Plan | null => {
    const m = poolMds(p);
    if (alg !== POOLING_MAX) return planAvgPool(p, m, backward);
    const fwdPd = pdOf(poolDesc(p, m, backward ? FORWARD_TRAINING : FORWARD_INFERENCE), null, null);
    if (fwdPd == null) return null;
    if (!backward) return forwardPlan(fwdPd, m.src, m.dst);
    const { owned, fwd, x } = forwardPart(fwdPd, m.src);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      s.dnnl_pooling_backward_desc_init(
        op,
        POOLING_MAX,
        m.src,
        m.dst,
        ...poolWindow(p),
      ),
      "pooling_backward_desc_init",
    );
    const pd = pdOf(op, null, fwdPd);
    if (pd == null) {
      release(owned);
      return null;
    }
    const bwd = ownPrimitive(pd, owned);
    const ws = memory(s.dnnl_primitive_desc_query_md(fwdPd, QUERY_WORKSPACE_MD, 0), ALLOCATE);
    const yTmp = memory(m.dst, ALLOCATE), dy = memory(m.dst), dx = memory(m.src);
    owned.mems.push(ws, yTmp, dy, dx);
    return {
      impl: implOf(pd),
      prim: bwd,
      bind: { x, dy, dx },
      before: [{ prim: fwd, args: args([ARG_SRC, x], [ARG_DST, yTmp], [ARG_WORKSPACE, ws]) }],
      args: args([ARG_DIFF_DST, dy], [ARG_DIFF_SRC, dx], [ARG_WORKSPACE, ws]),
      owned,
    };
  };
  /** Average pooling (padding excluded): forward, or backward from dy alone (no workspace). */
  const planAvgPool = (
    p: PoolProblem | Pool3DProblem,
    m: ReturnType<typeof poolMds>,
    backward: boolean,
  ): Plan | null => {
    const alg = POOLING_AVG_EXCLUDE_PADDING;
    const fwdPd = pdOf(poolDesc(p, m, backward ? FORWARD_TRAINING : FORWARD_INFERENCE, alg), null, null);
    if (fwdPd == null) return null;
    if (!backward) return forwardPlan(fwdPd, m.src, m.dst);
    return planPoolBackward(p, m, alg, fwdPd, newOwned());
  };
  /**
   * The backward of a pooling whose forward descriptor is `fwdPd` (kept in `owned`): dx from dy alone, or with
   * `ws` from dy and the workspace bound per call.
   */
  const planPoolBackward = (
    p: PoolProblem | Pool3DProblem,
    m: ReturnType<typeof poolMds>,
    alg: number,
    fwdPd: Deno.PointerValue,
    owned: ReturnType<typeof newOwned>,
    workspace?: { ws: Deno.PointerValue; bytes: number },
  ): Plan | null => {
    owned.pds.push(fwdPd);
    const op = new Uint8Array(OP_DESC_BYTES);
    check(
      s.dnnl_pooling_backward_desc_init(op, alg, m.src, m.dst, ...poolWindow(p)),
      "pooling_backward_desc_init",
    );
    const pd = pdOf(op, null, fwdPd);
    if (pd == null) {
      release(owned);
      return null;
    }
    const prim = ownPrimitive(pd, owned);
    const dy = memory(m.dst), dx = memory(m.src);
    owned.mems.push(dy, dx);
    if (workspace == null) {
      return {
        impl: implOf(pd),
        prim,
        bind: { dy, dx },
        args: args([ARG_DIFF_DST, dy], [ARG_DIFF_SRC, dx]),
        owned,
      };
    }
    const { ws, bytes } = workspace;
    return {
      impl: implOf(pd),
      workspaceBytes: bytes,
      prim,
      bind: { dy, dx, ws },
      args: args([ARG_DIFF_DST, dy], [ARG_DIFF_SRC, dx], [ARG_WORKSPACE, ws]),
      owned,
    };
  };
  const planLrn = (p: LrnProblem, backward: boolean): Plan | null => {
    const data = md([p.n, p.c, p.h, p.w], [p.h * p.w * p.c, 1, p.w * p.c, p.c]);
    const size = 2 * p.radius + 1;
    const lrnArgs = [BigInt(size), p.alpha * size, p.beta, p.bias] as const;
    const op = new Uint8Array(OP_DESC_BYTES);
    const prop = backward ? FORWARD_TRAINING : FORWARD_INFERENCE;
    check(
      s.dnnl_lrn_forward_desc_init(op, prop, LRN_ACROSS_CHANNELS, data, ...lrnArgs),
      "lrn_forward_desc_init",
    );
    const fwdPd = pdOf(op, null, null);
    if (fwdPd == null) return null;
    if (!backward) return forwardPlan(fwdPd, data, data);
    const { owned, fwd, x } = forwardPart(fwdPd, data);
    const bop = new Uint8Array(OP_DESC_BYTES);
    check(
      s.dnnl_lrn_backward_desc_init(bop, LRN_ACROSS_CHANNELS, data, data, ...lrnArgs),
      "lrn_backward_desc_init",
    );
    const pd = pdOf(bop, null, fwdPd);
    if (pd == null) {
      release(owned);
      return null;
    }
    const bwd = ownPrimitive(pd, owned);
    const dy = memory(data), dx = memory(data);
    owned.mems.push(dy, dx);
    const wsMd = s.dnnl_primitive_desc_query_md(pd, QUERY_WORKSPACE_MD, 0);
    // No workspace (ndims 0): the backward primitive recomputes what it needs from x.
    if (wsMd == null || new Deno.UnsafePointerView(wsMd).getInt32(0) === 0) {
      return {
        impl: implOf(pd),
        prim: bwd,
        bind: { x, dy, dx },
        args: args([ARG_SRC, x], [ARG_DIFF_DST, dy], [ARG_DIFF_SRC, dx]),
        owned,
      };
    }
    const ws = memory(wsMd, ALLOCATE), yTmp = memory(data, ALLOCATE);
    owned.mems.push(ws, yTmp);
    return {
      impl: implOf(pd),
      prim: bwd,
      bind: { x, dy, dx },
      before: [{ prim: fwd, args: args([ARG_SRC, x], [ARG_DST, yTmp], [ARG_WORKSPACE, ws]) }],
      args: args([ARG_SRC, x], [ARG_DIFF_DST, dy], [ARG_DIFF_SRC, dx], [ARG_WORKSPACE, ws]),
      owned,
    };
  };
  /**
   * Max pooling for training with the workspace bound per call (ws from the caller), forward or backward: the
   * backward reads dy and ws only.
   */
  const planPoolWorkspace = (p: PoolProblem | Pool3DProblem, backward: boolean): Plan | null => {
    const m = poolMds(p);
    const fwdPd = pdOf(poolDesc(p, m, FORWARD_TRAINING), null, null);
    if (fwdPd == null) return null;
    const owned = newOwned();
    const wsMd = s.dnnl_primitive_desc_query_md(fwdPd, QUERY_WORKSPACE_MD, 0);
    const workspaceBytes = wsMd == null ? 0 : Number(s.dnnl_memory_desc_get_size(wsMd));
    if (workspaceBytes === 0) {
      s.dnnl_primitive_desc_destroy(fwdPd);
      return null;
    }
    const ws = memory(wsMd);
    owned.mems.push(ws);
    if (!backward) {
      const prim = ownPrimitive(fwdPd, owned);
      const x = memory(m.src), y = memory(m.dst);
      owned.mems.push(x, y);
      return {
        impl: implOf(fwdPd),
        workspaceBytes,
        prim,
        bind: { x, y, ws },
        args: args([ARG_SRC, x], [ARG_DST, y], [ARG_WORKSPACE, ws]),
        owned,
      };
    }
    return planPoolBackward(p, m, POOLING_MAX, fwdPd, owned, { ws, bytes: workspaceBytes });
  };
  const poolWorkspacePlan = (p: PoolProblem | Pool3DProblem, backward: boolean): Plan | null =>
    cached(`pool_ws|${backward}|${Object.values(p).join(",")}`, () => planPoolWorkspace(p, backward));
  /** ReLU backward from y over n contiguous floats (dx = dy where y > 0): eltwise forward hint, then backward. */
  const planReluBackward = (n: number): Plan | null => {
    const data = md([n], [1]);
    const fop = new Uint8Array(OP_DESC_BYTES);
    check(
      s.dnnl_eltwise_forward_desc_init(fop, FORWARD_TRAINING, ELTWISE_RELU_USE_DST_FOR_BWD, data, 0, 0),
      "eltwise_forward_desc_init",
    );
    const fwdPd = pdOf(fop, null, null);
    if (fwdPd == null) return null;
    const owned = newOwned();
    owned.pds.push(fwdPd);
    const bop = new Uint8Array(OP_DESC_BYTES);
    check(
      s.dnnl_eltwise_backward_desc_init(bop, ELTWISE_RELU_USE_DST_FOR_BWD, data, data, 0, 0),
      "eltwise_backward_desc_init",
    );
    const pd = pdOf(bop, null, fwdPd);
    if (pd == null) {
      release(owned);
      return null;
    }
    const prim = ownPrimitive(pd, owned);
    const y = memory(data), dy = memory(data), dx = memory(data);
    owned.mems.push(y, dy, dx);
    return {
      impl: implOf(pd),
      prim,
      bind: { y, dy, dx },
      args: args([ARG_DST, y], [ARG_DIFF_DST, dy], [ARG_DIFF_SRC, dx]),
      owned,
    };
  };
  const lrnPlan = (p: LrnProblem, backward: boolean): Plan | null =>
    cached(`lrn|${backward}|${Object.values(p).join(",")}`, () => planLrn(p, backward));
  const destroy = (pl: Plan | null) => {
    if (pl != null) release(pl.owned);
  };
  /** The cached plan for `key` (most recently used last), made by `make` on a miss; the oldest beyond {@link MAX_PLANS} are freed. */
  const cached = (key: string, make: () => Plan | null): Plan | null => {
    let pl = plans.get(key);
    if (pl === undefined) {
      pl = make();
      while (plans.size >= MAX_PLANS) {
        const oldest = plans.keys().next().value!;
        destroy(plans.get(oldest)!);
        plans.delete(oldest);
      }
    } else plans.delete(key);
    plans.set(key, pl);
    return pl;
  };
  const poolPlan = (p: PoolProblem | Pool3DProblem, backward: boolean, alg = POOLING_MAX): Plan | null =>
    cached(`pool|${alg}|${backward}|${Object.values(p).join(",")}`, () => planPool(p, backward, alg));
  const plan = (kind: string, p: ConvProblem | Conv3DProblem, relu = false, bias = false): Plan | null =>
    cached(
      `${kind}|${relu}|${bias}|${Object.values(p).join(",")}`,
      () => {
        const k = kind as "forward" | "backward_data" | "backward_weights";
        // Winograd is 2-D only; the bias gradient in the weights pass (the fused 3-D layers') stays direct.
        const wino = winogradFits(p) && !(k === "backward_weights" && bias)
          ? planWinograd(p as ConvProblem, k, relu, bias)
          : null;
        if (wino != null) return wino;
        return k === "forward" ? planForward(p, relu, bias) : planBackward(p, k, bias);
      },
    );

  const execute = (pl: Plan, ptrs: Record<string, Deno.PointerValue | null>, weightsKey?: object) => {
    for (const [name, mem] of Object.entries(pl.bind)) {
      const at = ptrs[name];
      if (at != null) check(s.dnnl_memory_set_data_handle(mem, at), "memory_set_data_handle");
    }
    if (pl.scratch) {
      let at = scratchBase(pl.scratch.reduce((a, m) => a + align(m.bytes), 0));
      for (const m of pl.scratch) {
        check(s.dnnl_memory_set_data_handle(m.mem, at), "memory_set_data_handle");
        at = Deno.UnsafePointer.offset(at!, align(m.bytes));
      }
    }
    const w = pl.weights;
    const reuse = w != null && weightsKey != null && w.key?.deref() === weightsKey;
    if (w) w.key = null; // until the reorder below has run
    if (w && !reuse) weightReorders++;
    const steps = [
      ...(w && !reuse ? [w.step] : []),
      ...pl.before ?? [],
      { prim: pl.prim, args: pl.args },
      ...pl.after ?? [],
    ];
    for (const step of steps) {
      check(
        s.dnnl_primitive_execute(step.prim, stream, step.args.length / 2, step.args),
        "primitive_execute",
      );
    }
    check(s.dnnl_stream_wait(stream), "stream_wait");
    if (w && weightsKey != null) w.key = new WeakRef(weightsKey);
  };
  /** Runs a plan on the given pointers: false (nothing run) where oneDNN has no plan for the problem. */
  const run = (
    pl: Plan | null,
    ptrs: Record<string, Deno.PointerValue | null>,
    weightsKey?: object,
  ): boolean => {
    if (pl == null) return false;
    execute(pl, ptrs, weightsKey);
    return true;
  };

  return {
    library,
    version,
    threads: nThreads,
    winograd,
    convForward: (p, { weightsKey, ...ptrs }, relu) =>
      run(plan("forward", p, relu, ptrs.b != null), ptrs, weightsKey),
    convBackwardData: (p, { weightsKey, ...ptrs }) => run(plan("backward_data", p), ptrs, weightsKey),
    convBackwardWeights: (p, ptrs) =>
      run(plan("backward_weights", p, false, ptrs.db != null), {
        x: ptrs.x,
        dy: ptrs.dy,
        dw: ptrs.dw,
        db: ptrs.db ?? null,
      }),
    maxPoolWorkspaceBytes: (p) => poolWorkspacePlan(p, false)?.workspaceBytes ?? null,
    maxPoolForwardTraining: (p, ptrs) => run(poolWorkspacePlan(p, false), ptrs),
    maxPoolBackwardFromWorkspace: (p, ptrs) => run(poolWorkspacePlan(p, true), ptrs),
    reluBackward: (n, ptrs) => run(cached(`relu_bwd|${n}`, () => planReluBackward(n)), ptrs),
    maxPoolForward: (p, ptrs) => run(poolPlan(p, false), ptrs),
    maxPoolBackward: (p, ptrs) => run(poolPlan(p, true), ptrs),
    avgPoolForward: (p, ptrs) => run(poolPlan(p, false, POOLING_AVG_EXCLUDE_PADDING), ptrs),
    avgPoolBackward: (p, ptrs) => run(poolPlan(p, true, POOLING_AVG_EXCLUDE_PADDING), ptrs),
    lrnForward: (p, ptrs) => run(lrnPlan(p, false), ptrs),
    lrnBackward: (p, ptrs) => run(lrnPlan(p, true), ptrs),
    lrnImplementation(p, backward) {
      return lrnPlan(p, backward)?.impl ?? null;
    },
    implementation(kind, p) {
      return plan(kind, p)?.impl ?? null;
    },
    cachedPlans: () => plans.size,
    weightReorders: () => weightReorders,
    close() {
      for (const pl of plans.values()) destroy(pl);
      plans.clear();
      arena = null;
      s.dnnl_stream_destroy(stream);
      s.dnnl_engine_destroy(engine);
      lib.close();
    },
  };
}
