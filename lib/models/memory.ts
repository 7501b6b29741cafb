/**
 * How many bytes of the backend's heap one training step (or one inference pass) of a model needs, from
 * its layer output shapes — before anything is allocated, so that a batch that cannot fit is split into
 * micro-batches (lib/train) or smaller chunks (lib/cam, evaluation) instead of crashing the wasm backend.
 *
 * Why layer shapes are enough: TensorFlow.js keeps, for the backward pass, the tensors each kernel's gradient
 * needs (a conv's input, a bias-add's input, a ReLU's input, ...), every intermediate of a `tf.tidy` lives
 * until the scope ends, and the gradients of all activations live until the backward pass ends. Each layer
 * kind therefore holds a fixed multiple of its output (or input) per sample. The multiples
 * ({@link MEMORY_COEFFICIENTS}) were fitted to the peak bytes the wasm heap's allocator handed out during
 * real steps (56 training and 56 inference configurations of every 2-D zoo family, after tfjs's Identity came to
 * share its buffer and the 2-D zoo to fuse conv + bias + ReLU outside a gradient tape) and rounded; see
 * {@link estimateStepMemory} for the formula and its accuracy.
 *
 * @module
 */
import * as tf from "../tf.ts";
import type { ZooConfig } from "./config.ts";
import { describeWork, formatBytes, MemoryError, type MemoryErrorDetails, ModelError } from "./errors.ts";
import type { Explainable } from "./explainable.ts";
import type { CamModel } from "./model.ts";
import { resolve } from "./registry.ts";
import { type NetworkSpec, walkLayers } from "./spec.ts";
import { type Network3dSpec, walkLayers3d } from "./spec3d.ts";

/**
 * Fraction of a heap limit that planners ({@link fitBatchSize}, lib/train's micro-batches, lib/cam's chunks)
 * let the estimate fill. Measured heaps were up to 1.3x the estimate (emscripten grows the heap in steps of up
 * to 20%, fragmentation leaves gaps, and the composed kernels' scratch is approximate), so 0.7 keeps a real
 * step under 0.91 of the limit.
 */
export const HEAP_USABLE = 0.7;

/** Elements per sample that one step's memory scales with, by layer kind (see {@link estimateStepMemory}). */
export interface LayerVolumes {
  /** Input image `h·w·c`. */
  input: number;
  /** Outputs of convolutions with a bias (then ReLU). */
  conv: number;
  /** Outputs of convolutions with batch norm (then ReLU). */
  convBn: number;
  /** Outputs of local response normalisation. */
  lrn: number;
  /** Inputs of max pooling. */
  maxPoolIn: number;
  /** Inputs of average pooling. */
  avgPoolIn: number;
  /** Outputs of concatenations of two or more branches (inception blocks). */
  concat: number;
  /** The CAM layer's output (fed to global pooling). */
  cam: number;
  /**
   * The largest scratch a composed (non-native) convolution gradient makes on the heap: the larger of an
   * im2col patch matrix `h_out·w_out·k_h·k_w·c_in` (narrow filters) or transposed copies of the input and
   * the output gradient (wide ones).
   */
  convScratch: number;
  /** Trainable parameters. */
  parameters: number;
  /**
   * Where the counts come from, which picks the coefficients: "2d" a 2-D zoo description (the refitted
   * {@link MEMORY_COEFFICIENTS}), "3d" a 3-D zoo description and "probed" a batch-1 pass over a model
   * outside the zoo (both {@link MEMORY_COEFFICIENTS}`.unfused`, the fit before the 2-D zoo fused its convs).
   */
  source: "2d" | "3d" | "probed";
  /** The largest trainable variable (the optimizer's update runs one variable at a time). */
  largestVariable: number;
}

/**
 * Float32 copies of each kind of tensor that one sample holds at a step's peak (fitted by non-negative least
 * squares on the relative error, rounded to quarters).
 *
 * Training (end of the backward pass): the tape keeps a kernel's inputs without copying them (Identity shares
 * its buffer), so a conv with bias and ReLU holds about 4.25 of its output with the gradients, with batch norm
 * 5.5 (the conv's output, the normalised map, the ReLU's, and their gradients: batch norm in training is one
 * kernel, lib/backend's `batchNormTraining`; 14.5 while it was the stock composition), an inception block's
 * concatenation 2 (its branches' outputs are counted as convs). Inference: the 2-D zoo's conv + bias + ReLU is
 * one fused kernel, so a conv holds its output once (1); batch norm, whose convs are not fused, 5.
 *
 * `unfused` holds the previous fit (before the shared Identity and the fused 2-D convs), which 3-D zoo models
 * and probed models outside the zoo keep: they were not measured again.
 */
export const MEMORY_COEFFICIENTS = {
  training: {
    input: 0.5,
    conv: 4.25,
    convBn: 5.5,
    lrn: 4.5,
    maxPoolIn: 3,
    avgPoolIn: 4.5,
    concat: 2,
    cam: 0.25,
  },
  inference: {
    input: 1,
    conv: 1,
    convBn: 5,
    lrn: 1,
    maxPoolIn: 0.25,
    avgPoolIn: 0.5,
    concat: 1.75,
    cam: 1,
  },
  unfused: {
    training: {
      input: 2,
      conv: 5.5,
      convBn: 17.5,
      lrn: 2.5,
      maxPoolIn: 1.5,
      avgPoolIn: 2.75,
      concat: 7.5,
      cam: 1.25,
    },
    inference: {
      input: 1,
      conv: 3,
      convBn: 5,
      lrn: 1,
      maxPoolIn: 0.5,
      avgPoolIn: 0.5,
      concat: 1.75,
      cam: 1,
    },
  },
} as const;

/** Options of {@link estimateStepMemory}. */
export interface StepMemoryOptions {
  /** Samples in the step (or images in the inference pass). */
  batchSize: number;
  /**
   * Per-sample input shape, for a model that declares none (an Explainable outside the zoo, e.g. a
   * TensorFlow.js model through lib/foreign). @default the model's `config.inputShape`
   */
  inputShape?: readonly number[];
  /** A training step (forward, backward, update) or an inference pass (forward only). @default true */
  training?: boolean;
  /** Optimizer whose state the step holds: Adam keeps 2 slots per weight, SGD 1, "none" 0. @default "adam" */
  optimizer?: "adam" | "sgd" | "none";
  /**
   * Gradients summed over micro-batches: one more gradient-sized accumulator. @default false
   */
  accumulate?: boolean;
  /**
   * How the backend computes convolution gradients: "native" (oneDNN, tfjs-node, a GPU: their scratch is
   * not on the wasm heap) or "composed" (lib/backend's wasm kernels, whose scratch is: see
   * {@link LayerVolumes.convScratch}). @default "native"
   */
  convGradients?: "native" | "composed";
  /**
   * Whether an inference pass of a 2-D zoo model runs its fused convolutions (conv + bias + ReLU as one op,
   * which the zoo does outside a gradient tape). false for a pass that runs the composed ops instead, e.g.
   * `visitPreActivations` (data-dependent init), which sees each conv's output before its ReLU: the
   * {@link MEMORY_COEFFICIENTS}`.unfused` fit. @default true
   */
  fused?: boolean;
}

/** What {@link estimateStepMemory} returns. */
export interface StepMemory {
  /** Estimated peak bytes on the heap: weights, optimizer state and the step itself. */
  bytes: number;
  /**
   * Bytes that scale with the batch, per sample (activations kept for the backward pass, their gradients,
   * the input): `bytes = max(fixed + batchSize · perSample, update)`.
   */
  perSample: number;
  /** Bytes of the forward/backward phase that do not scale with the batch (weights, gradients, slots). */
  fixed: number;
  /** Peak of the update phase (weights, slots, gradients and the update's scratch; 0 for inference). */
  update: number;
  batchSize: number;
  training: boolean;
  /** The peak by part (at the forward/backward phase, or the update's when that is larger). */
  parts: {
    /** Activations, their gradients and the input, for the whole batch. */
    activations: number;
    /** The weights themselves. */
    weights: number;
    /** Weight gradients (and the accumulator when accumulating). */
    gradients: number;
    /** Optimizer slots (and the update's scratch when the update phase is the peak). */
    optimizer: number;
    /** Kernel scratch (composed convolution gradients). */
    workspace: number;
  };
  /** The per-sample element counts the estimate was made from. */
  volumes: LayerVolumes;
}

const volumeCache = new WeakMap<object, Map<string, LayerVolumes>>();

/** Something {@link estimateStepMemory} can size: a model, or a registry name or config (nothing built). */
export type MemoryModelRef = Explainable | string | ZooConfig;

const isModel = (model: MemoryModelRef): model is Explainable =>
  typeof model !== "string" && typeof (model as Explainable).apply === "function";

/**
 * Name and per-sample input shape of a model, name or config (for messages); `inputShape` when the model
 * declares none (an Explainable that is not a zoo model).
 */
export function describeModelRef(
  model: MemoryModelRef,
  inputShape?: readonly number[],
): { name: string; inputShape: readonly number[] } {
  if (typeof model === "string") return { name: model, inputShape: resolve(model).config.inputShape };
  const config = isModel(model) ? model.config : model;
  const declared = config.inputShape as readonly number[] | undefined;
  return { name: String(config.name), inputShape: declared ?? inputShape ?? [] };
}

/**
 * Estimated bytes one training step (or one inference pass) of `model` needs on the backend's heap, from its
 * layer output shapes. Pass a model, or a registry name / config to estimate a network without building it.
 *
 * With n = batchSize, |y| the per-sample elements of a layer's output (|x| of its input), P the trainable
 * parameters, P_max the largest trainable variable, s the optimizer's slots per weight (Adam 2, SGD 1) and
 * r = 1 when accumulating micro-batch gradients (else 0), in float32 elements (× 4 bytes):
 *
 *   training:  (1 + s + r)·P + max( n·a + 2P + n·W,  P + 12·P_max )
 *              a = 0.5|x₀| + 4.25 Σ_conv |y| + 5.5 Σ_conv+BN |y| + 4.5 Σ_LRN |y| + 3 Σ_maxpool |x|
 *                  + 4.5 Σ_avgpool |x| + 2 Σ_concat |y| + 0.25 |y_cam|
 *   inference: P + n·( |x₀| + Σ_conv |y| + 5 Σ_conv+BN |y| + Σ_LRN |y| + 0.25 Σ_maxpool |x|
 *                      + 0.5 Σ_avgpool |x| + 1.75 Σ_concat |y| + |y_cam| )
 *
 * The first term of the max is the end of the backward pass (every kept activation and every activation
 * gradient alive, and the weight gradients), the second the update (one variable's temporaries at a time).
 * W, the scratch of composed convolution gradients, is 3 · max_conv(scratch) with `convGradients:
 * "composed"` and 0 otherwise. Models outside the zoo (no layer description) are measured once by a
 * batch-1 inference pass that captures every layer; each layer's map (4-D, or 5-D for volumes) counts as a
 * conv's, and only a CamModel's trainable variables count as P.
 *
 * These are the 2-D zoo's coefficients; 3-D zoo models and probed models use {@link MEMORY_COEFFICIENTS}`.unfused`
 * (the same formula with the previous fit: 2, 5.5, 17.5, 2.5, 1.5, 2.75, 7.5, 1.25 for training and 1, 3, 5,
 * 1, 0.5, 0.5, 1.75, 1 for inference).
 *
 * Accuracy: against the peak bytes the wasm heap's allocator handed out during two real Adam steps or one
 * inference pass (oneDNN convolutions; 56 configurations each: every 2-D zoo family, widths 1/8 and 1/4,
 * inputs 64–96 px, batches 4 and 12; tests/models/_memory_fit.ts), the training estimate is 0.985–1.20x the
 * measurement (AlexNet's LRN the highest) and the inference estimate 0.997–1.03x; batch norm's training
 * coefficient was refitted when its kernel was fused (AlexNet-BN and Inception-v3, 16 configurations:
 * 0.985–1.13x).
 * tests/models/memory_test.ts holds three families to 0.9–1.25x. The heap itself is larger than that peak:
 * emscripten grows it in steps of up to 20% and fragmentation leaves gaps, which is why planners keep a
 * margin (see {@link fitBatchSize}).
 *
 * @example
 * estimateStepMemory("googlenet-gap", { batchSize: 32 }).bytes;   // paper size, nothing allocated
 * estimateStepMemory(model, { batchSize: 64, training: false });  // one inference pass
 */
export function estimateStepMemory(model: MemoryModelRef, options: StepMemoryOptions): StepMemory {
  const {
    batchSize,
    training = true,
    optimizer = "adam",
    accumulate = false,
    convGradients = "native",
    fused = true,
  } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ModelError(
      describeModelRef(model, options.inputShape).name,
      `estimateStepMemory: batchSize must be a positive integer, got ${batchSize}`,
    );
  }
  const v = layerVolumes(model, options.inputShape);
  const set = v.source === "2d" && fused ? MEMORY_COEFFICIENTS : MEMORY_COEFFICIENTS.unfused;
  const c = training ? set.training : set.inference;
  const a = c.input * v.input + c.conv * v.conv + c.convBn * v.convBn + c.lrn * v.lrn +
    c.maxPoolIn * v.maxPoolIn + c.avgPoolIn * v.avgPoolIn + c.concat * v.concat + c.cam * v.cam;
  const p = v.parameters;
  const weights = 4 * p;
  if (!training) {
    const perSample = 4 * a;
    return {
      bytes: weights + perSample * batchSize,
      perSample,
      fixed: weights,
      update: 0,
      batchSize,
      training,
      parts: { activations: perSample * batchSize, weights, gradients: 0, optimizer: 0, workspace: 0 },
      volumes: v,
    };
  }
  const slots = optimizer === "adam" ? 2 : optimizer === "sgd" ? 1 : 0;
  const held = 4 * (1 + slots + (accumulate ? 1 : 0)) * p; // weights, slots, accumulator: the whole step
  const scratch = convGradients === "composed" ? 4 * 3 * v.convScratch : 0;
  const perSample = 4 * a + scratch;
  const fixed = held + 4 * 2 * p;
  const update = optimizer === "none" ? 0 : held + 4 * (p + 12 * v.largestVariable);
  const backward = fixed + perSample * batchSize;
  const atUpdate = update > backward;
  return {
    bytes: Math.max(backward, update),
    perSample,
    fixed,
    update,
    batchSize,
    training,
    parts: {
      activations: atUpdate ? 0 : 4 * a * batchSize,
      weights,
      gradients: 4 * ((accumulate ? 1 : 0) + (atUpdate ? 1 : 2)) * p,
      optimizer: 4 * slots * p + (atUpdate ? 4 * 12 * v.largestVariable : 0),
      workspace: atUpdate ? 0 : scratch * batchSize,
    },
    volumes: v,
  };
}

/** Options of {@link fitBatchSize}: those of {@link estimateStepMemory} but the batch, and the budget. */
export interface FitBatchOptions extends Omit<StepMemoryOptions, "batchSize"> {
  /** Heap bytes available (the limit). */
  limitBytes: number;
  /**
   * Fraction of the limit the estimate may use, leaving the rest for fragmentation and what else the process
   * holds. @default {@link HEAP_USABLE} (0.7)
   */
  usable?: number;
  /** Largest batch wanted. */
  max: number;
}

/**
 * The largest batch n ≤ `max` whose estimated bytes ({@link estimateStepMemory}) fit `usable · limitBytes`, or 0
 * when not even one sample fits.
 *
 * @example
 * fitBatchSize("googlenet-gap", { limitBytes: 4294901760, max: 64 }); // 24: fits 70% of the wasm heap at paper size
 */
export function fitBatchSize(model: MemoryModelRef, options: FitBatchOptions): number {
  const { limitBytes, usable = HEAP_USABLE, max, ...rest } = options;
  const budget = limitBytes * usable;
  const one = estimateStepMemory(model, { ...rest, batchSize: 1 });
  if (one.bytes > budget) return 0;
  if (estimateStepMemory(model, { ...rest, batchSize: max }).bytes <= budget) return max;
  return Math.max(1, Math.min(max, Math.floor((budget - one.fixed) / one.perSample)));
}

/** Options of {@link passSize}. */
export interface PassSizeOptions extends FitBatchOptions {
  /** Who asks, named in the error (e.g. "gradCam", "evaluate"). */
  where: string;
  /** What the pass is, for the error: "inference", "gradient pass", ... @default "inference" */
  work?: string;
  /** Rows each item becomes in the pass (e.g. one map per class of the top k). @default 1 */
  perItem?: number;
}

/**
 * The most items, up to `max`, whose pass fits {@link HEAP_USABLE} of `limitBytes`: {@link fitBatchSize} on
 * `max · perItem` rows, divided back by `perItem`. Shared by evaluation's batches and the CAM methods' chunks.
 *
 * @throws {MemoryError} naming the model, the work, `where` and the estimate when not even one item fits.
 */
export function passSize(model: MemoryModelRef, options: PassSizeOptions): number {
  const { where, work = "inference", perItem = 1, ...fit } = options;
  const rows = fitBatchSize(model, { ...fit, max: fit.max * perItem });
  const n = Math.floor(rows / perItem);
  if (n > 0) return Math.min(n, fit.max);
  const { limitBytes, usable: _usable, max, ...estimate } = fit;
  const details: MemoryErrorDetails = {
    model: describeModelRef(model).name,
    inputShape: fit.inputShape ?? describeModelRef(model).inputShape,
    work,
    batchSize: max,
    microBatch: perItem,
    bytes: estimateStepMemory(model, { ...estimate, batchSize: perItem }).bytes,
    limitBytes,
  };
  throw new MemoryError(
    details,
    `${describeWork({ ...details, microBatch: max })} (${where}) does not fit the heap: one image needs an ` +
      `estimated ${formatBytes(details.bytes)}, over ${Math.round(HEAP_USABLE * 100)}% of the limit of ` +
      formatBytes(limitBytes),
  );
}

/**
 * The per-sample element counts of {@link estimateStepMemory}: from the layer description for zoo models
 * (and names or configs; built 3-D zoo models too), else from one batch-1 inference pass capturing every layer
 * (cached per model and input shape). `inputShape` (per sample) is needed only for a model that declares none in its config.
 */
export function layerVolumes(model: MemoryModelRef, inputShape?: readonly number[]): LayerVolumes {
  if (!isModel(model)) {
    const { config, spec } = typeof model === "string" ? resolve(model) : resolve(model.name, model);
    return specVolumes(spec, config.inputShape, parameterVolumes(spec, config));
  }
  const spec = (model as { spec?: NetworkSpec }).spec;
  const shape = (model.config.inputShape as readonly number[] | undefined) ?? inputShape;
  if (!shape) {
    throw new ModelError(
      String(model.config.name),
      "estimateStepMemory: the model declares no input shape; pass options.inputShape",
    );
  }
  const key = shape.join("x");
  let cached = volumeCache.get(model);
  if (!cached) volumeCache.set(model, cached = new Map());
  let volumes = cached.get(key);
  if (!volumes) {
    const network3d = (model as { network?: Network3dSpec }).network;
    volumes = spec && Array.isArray(spec.body)
      ? specVolumes(spec, shape, variableVolumes(model))
      : network3d && Array.isArray(network3d.body)
      ? spec3dVolumes(network3d, shape, variableVolumes(model))
      : probedVolumes(model, shape);
    cached.set(key, volumes);
  }
  return volumes;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Trainable parameters of a CamModel (none known for other Explainables: their weights are not counted). */
function variableVolumes(model: Explainable): { parameters: number; largestVariable: number } {
  let parameters = 0, largestVariable = 0;
  for (const v of Object.values((model as Partial<CamModel>).trainable ?? {})) {
    parameters += v.size;
    largestVariable = Math.max(largestVariable, v.size);
  }
  return { parameters, largestVariable };
}

function parameterVolumes(
  spec: NetworkSpec,
  config: ZooConfig,
): { parameters: number; largestVariable: number } {
  let parameters = 0, largestVariable = 0;
  const add = (n: number) => {
    parameters += n;
    largestVariable = Math.max(largestVariable, n);
  };
  const channels = walkLayers(spec, config.inputShape, (node, input) => {
    if (node.kind !== "conv") return;
    add(node.kernel[0] * node.kernel[1] * input[2] * node.filters);
    add(node.filters);
    if (node.batchNorm) add(node.filters);
  })[2];
  add(channels * config.numClasses);
  add(config.numClasses);
  return { parameters, largestVariable };
}

/** Layer volumes with only the input and the parameters counted (the layer walks add the rest). */
function emptyVolumes(
  input: readonly number[],
  params: { parameters: number; largestVariable: number },
  source: LayerVolumes["source"],
): LayerVolumes {
  return {
    input: product(input),
    conv: 0,
    convBn: 0,
    lrn: 0,
    maxPoolIn: 0,
    avgPoolIn: 0,
    concat: 0,
    cam: 0,
    convScratch: 0,
    ...params,
    source,
  };
}

function specVolumes(
  spec: NetworkSpec,
  input: readonly number[],
  params: { parameters: number; largestVariable: number },
): LayerVolumes {
  const v = emptyVolumes(input, params, "2d");
  const last = walkLayers(spec, input, (node, shape, out) => {
    const [h, w, c] = shape;
    switch (node.kind) {
      case "conv": {
        const y = product(out);
        if (node.batchNorm) v.convBn += y;
        else v.conv += y;
        const patches = out[0] * out[1] * node.kernel[0] * node.kernel[1] * c;
        v.convScratch = Math.max(
          v.convScratch,
          c * node.kernel[0] * node.kernel[1] <= 32 ? patches : h * w * c + y,
        );
        break;
      }
      case "lrn":
        v.lrn += product(out);
        break;
      case "maxPool":
        v.maxPoolIn += product(shape);
        break;
      case "avgPool":
        v.avgPoolIn += product(shape);
        break;
      case "concat":
        if (node.branches.length > 1) v.concat += product(out);
        break;
    }
  });
  v.cam = product(last);
  return v;
}

/**
 * A 3-D zoo model's layer volumes from its description (lib/models/spec3d.ts), counted as the 2-D kinds: each
 * conv's output (a residual block's body and shortcut convs, and the block's sum after ReLU, as convs), each
 * pooling's input; the composed-gradient scratch as 2-D's, with k³ patches.
 */
function spec3dVolumes(
  spec: Network3dSpec,
  input: readonly number[],
  params: { parameters: number; largestVariable: number },
): LayerVolumes {
  const v = emptyVolumes(input, params, "3d");
  const last = walkLayers3d(spec, input, (node, shape, out) => {
    switch (node.kind) {
      case "conv3d": {
        const y = product(out);
        if (node.batchNorm) v.convBn += y;
        else v.conv += y;
        const taps = node.kernel ** 3 * shape[3];
        v.convScratch = Math.max(
          v.convScratch,
          taps <= 32 ? product(out.slice(0, 3)) * taps : product(shape) + y,
        );
        break;
      }
      case "maxPool3d":
        v.maxPoolIn += product(shape);
        break;
      case "avgPool3d":
        v.avgPoolIn += product(shape);
        break;
      case "residual3d":
        v.conv += product(out);
        break;
    }
  });
  v.cam = product(last);
  return v;
}

/** A model without a layer description: one batch-1 inference pass capturing every layer. */
function probedVolumes(model: Explainable, input: readonly number[]): LayerVolumes {
  const shapes = tf.tidy(() => {
    const out = model.apply(tf.zeros([1, ...input]), { capture: [...model.layerNames] });
    return {
      layers: Object.values(out.activations).filter((t) => t.rank >= 4).map((t) => t.shape.slice(1)),
      cam: out.activations[model.camLayer]?.shape.slice(1) ?? [],
    };
  });
  const size = product(input);
  let conv = 0, convScratch = 0, previous = size;
  for (const s of shapes.layers) {
    const y = product(s);
    conv += y;
    convScratch = Math.max(convScratch, previous + y);
    previous = y;
  }
  return {
    input: size,
    conv,
    convBn: 0,
    lrn: 0,
    maxPoolIn: 0,
    avgPoolIn: 0,
    concat: 0,
    cam: product(shapes.cam),
    convScratch,
    ...variableVolumes(model),
    source: "probed",
  };
}

/**
 * Whether `error` is the wasm backend running out of heap: a `WebAssembly.RuntimeError` "memory access out of
 * bounds" (a failed allocation written through) or "Aborted(...)" (emscripten's abort, e.g. on OOM), or an
 * "out of memory" / "Cannot enlarge memory" message.
 */
export function isHeapExhaustion(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const runtime = error instanceof WebAssembly.RuntimeError || error.name === "RuntimeError";
  return (runtime && /memory access out of bounds|Aborted\(|out of memory/i.test(error.message)) ||
    /Cannot enlarge memory|out of memory/i.test(error.message);
}
