/**
 * The model registry: names → architecture and defaults, and the resolution and validation of options
 * into a full {@link ZooConfig}.
 *
 * | name | backbone, cut | paper input | CAM map there | minimum input |
 * |---|---|---|---|---|
 * | `alexnet-gap`, `alexnet-gmp` | AlexNet after conv5 | 227x227x3 | 13x13 | 35 |
 * | `alexnet-star-gap` | AlexNet* (3 added convs) | 227x227x3 | 13x13 | 35 |
 * | `alexnet-bn-gap` | AlexNet-BN (BN, no LRN) | 227x227x3 | 13x13 | 35 |
 * | `vgg16-gap`, `vgg16-gmp` | VGG16 after conv5_3 | 224x224x3 | 14x14 | 16 |
 * | `googlenet-gap`, `googlenet-gmp` | GoogLeNet after inception4e | 224x224x3 | 14x14 | 16 |
 * | `inceptionv3-gap`, `inceptionv3-gmp` | Inception-v3 after mixed_6e | 299x299x3 | 17x17 | 43 |
 * | `small-gap`, `small-gmp` | model R (3 convs) | 64x64x1 | 16x16 | 4 |
 *
 * 3-D models (`small3d-*`, `resnet3d-*`, on volumes) have their own registry, lib/models/registry3d.ts
 * (`createModel3d`, `listModels3d`).
 *
 * The minimum input is the smallest square size at which every layer's output is non-empty and which
 * is at least the total stride to the CAM layer (so each CAM cell covers at least one input pixel).
 *
 * @module
 */
import { alexnetSpec } from "./alexnet.ts";
import type { ModelOptions, ZooConfig } from "./config.ts";
import { ModelError } from "./errors.ts";
import { googlenetSpec } from "./googlenet.ts";
import { inceptionV3Spec } from "./inception_v3.ts";
import type { Pooling } from "./model.ts";
import { smallSpec } from "./small.ts";
import { listModels3d } from "./registry3d.ts";
import { withOutputStride } from "./output_stride.ts";
import { inferShapes, type NetworkSpec, totalStride } from "./spec.ts";
import { vgg16Spec } from "./vgg16.ts";

interface Entry {
  build: (config: ZooConfig) => NetworkSpec;
  pooling: Pooling;
  defaults: Omit<ZooConfig, "name" | "pooling" | "outputStride">;
}

const BASE = {
  widthMultiplier: 1,
  seed: 0,
  dropout: 0,
  batchNorm: false,
  camUnits: 1024,
  camConvs: 1,
  bnMomentum: 0.1,
  bnEpsilon: 1e-5,
  numClasses: 1000,
  init: "he" as const,
};

const RGB227: [number, number, number] = [227, 227, 3];
const RGB224: [number, number, number] = [224, 224, 3];
const RGB299: [number, number, number] = [299, 299, 3];

function both(
  stem: string,
  build: Entry["build"],
  defaults: Partial<Entry["defaults"]> & { inputShape: [number, number, number] },
): [string, Entry][] {
  return (["gap", "gmp"] as const).map((
    p,
  ) => [`${stem}-${p}`, { build, pooling: p, defaults: { ...BASE, ...defaults } }]);
}

const REGISTRY = new Map<string, Entry>([
  ...both("alexnet", alexnetSpec, { inputShape: RGB227 }),
  ["alexnet-star-gap", {
    build: alexnetSpec,
    pooling: "gap",
    defaults: { ...BASE, inputShape: RGB227, camConvs: 3 },
  }],
  [
    "alexnet-bn-gap",
    { build: alexnetSpec, pooling: "gap", defaults: { ...BASE, inputShape: RGB227, batchNorm: true } },
  ],
  ...both("vgg16", vgg16Spec, { inputShape: RGB224 }),
  ...both("googlenet", googlenetSpec, { inputShape: RGB224 }),
  ...both("inceptionv3", inceptionV3Spec, { inputShape: RGB299, batchNorm: true, bnEpsilon: 1e-3 }),
  ...both("small", smallSpec, { inputShape: [64, 64, 1], numClasses: 2, camConvs: 0 }),
]);

/** Names `createModel` accepts, in registry order. */
export function listModels(): string[] {
  return [...REGISTRY.keys()];
}

const OPTION_KEYS = new Set([
  "inputShape",
  "numClasses",
  "widthMultiplier",
  "seed",
  "dropout",
  "batchNorm",
  "camUnits",
  "camConvs",
  "bnMomentum",
  "bnEpsilon",
  "init",
  "outputStride",
]);

const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;

/**
 * Options (or a saved config: its `name` and `pooling` must agree with `name`) resolved into a full,
 * validated config, without building anything. Throws {@link ModelError} for an unknown name, an unknown
 * option, an invalid value, or an input smaller than the architecture's minimum.
 */
export function resolveConfig(
  name: string,
  options: ModelOptions & { name?: unknown; pooling?: unknown } = {},
) {
  return resolve(name, options).config;
}

/** Config, layer description and minimum input size of a model. */
export function resolve(
  name: string,
  options: ModelOptions & { name?: unknown; pooling?: unknown } = {},
): { config: ZooConfig; spec: NetworkSpec; minInputSize: number } {
  const entry = REGISTRY.get(name);
  if (!entry && listModels3d().includes(name)) {
    throw new ModelError(name, "a 3-D model: build it with createModel3d (lib/models/create_model3d.ts)");
  }
  if (!entry) throw new ModelError(name, `unknown model (known: ${listModels().join(", ")})`);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === "name" || key === "pooling") {
      const expected = key === "name" ? name : entry.pooling;
      if (value !== expected) {
        throw new ModelError(name, `option ${key} is "${value}" but must be "${expected}"`);
      }
    } else if (!OPTION_KEYS.has(key)) {
      throw new ModelError(name, `unknown option "${key}"`);
    }
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config: ZooConfig = { ...entry.defaults, ...defined, name, pooling: entry.pooling } as ZooConfig;
  const bad = (what: string) => new ModelError(name, what);
  const shape = config.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => isInt(d, 1))) {
    throw bad(
      `inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(shape)}`,
    );
  }
  config.inputShape = [shape[0], shape[1], shape[2]];
  if (!isInt(config.numClasses, 1)) {
    throw bad(`numClasses must be a positive integer, got ${config.numClasses}`);
  }
  if (!(config.widthMultiplier > 0 && Number.isFinite(config.widthMultiplier))) {
    throw bad(`widthMultiplier must be a positive number, got ${config.widthMultiplier}`);
  }
  if (!Number.isInteger(config.seed)) throw bad(`seed must be an integer, got ${config.seed}`);
  if (!(config.dropout >= 0 && config.dropout < 1)) {
    throw bad(`dropout must be in [0, 1), got ${config.dropout}`);
  }
  if (typeof config.batchNorm !== "boolean") throw bad(`batchNorm must be true or false`);
  if (!isInt(config.camUnits, 1)) throw bad(`camUnits must be a positive integer, got ${config.camUnits}`);
  if (!isInt(config.camConvs, 0)) {
    throw bad(`camConvs must be a non-negative integer, got ${config.camConvs}`);
  }
  if (!(config.bnMomentum >= 0 && config.bnMomentum <= 1)) {
    throw bad(`bnMomentum must be in [0, 1], got ${config.bnMomentum}`);
  }
  if (!(config.bnEpsilon > 0)) throw bad(`bnEpsilon must be positive, got ${config.bnEpsilon}`);
  if (config.init !== "he" && config.init !== "data") {
    throw bad(`init must be "he" or "data", got ${JSON.stringify(config.init)}`);
  }
  const native = entry.build(config);
  config.outputStride ??= totalStride(native);
  if (!isInt(config.outputStride, 1)) {
    throw bad(`outputStride must be a positive integer, got ${JSON.stringify(config.outputStride)}`);
  }
  let spec: NetworkSpec;
  try {
    spec = withOutputStride(native, config.outputStride);
  } catch (e) {
    if (e instanceof RangeError) throw bad(e.message);
    throw e;
  }
  const minInputSize = minimumSize(spec, config.inputShape[2]);
  const [h, w] = config.inputShape;
  if (h < minInputSize || w < minInputSize) {
    throw bad(`input ${h}x${w} is too small (minimum ${minInputSize}x${minInputSize})`);
  }
  return { config, spec, minInputSize };
}

/** Whether every layer's output is non-empty for an `[h, w, c]` input. */
export function fits(spec: NetworkSpec, input: readonly number[]): boolean {
  return Object.values(inferShapes(spec, input)).every((s) => s[0] >= 1 && s[1] >= 1);
}

function minimumSize(spec: NetworkSpec, channels: number): number {
  for (let s = Math.max(1, totalStride(spec)); s <= 8192; s++) {
    if (fits(spec, [s, s, channels])) return s;
  }
  throw new Error("no input size up to 8192 fits this network");
}

/**
 * Smallest square input (in pixels per side) the model accepts with these options (the size given in
 * `options.inputShape` is not checked).
 */
export function minInputSize(name: string, options: ModelOptions = {}): number {
  const { inputShape: _ignored, ...rest } = options;
  // Resolve at a size every architecture accepts, then read the minimum.
  return resolve(name, { ...rest, inputShape: [8192, 8192, options.inputShape?.[2] ?? 3] }).minInputSize;
}
