/**
 * The 3-D zoo's registry: names → architecture and defaults, and the resolution and validation of options
 * into a full {@link Zoo3dConfig}.
 *
 * | name | backbone, cut | default input | CAM grid there |
 * |---|---|---|---|
 * | `small3d-gap`, `small3d-gmp` | 3 convs (16/32/64), two 2³ max pools | 48³x1 | 12³ (1/4) |
 * | `resnet3d-gap`, `resnet3d-gmp` | stem + 4 basic residual blocks (16/32/64/128) | 48³x1 | 12³ (1/4) |
 *
 * Every axis of the input must be a positive multiple of the total stride (4), so the CAM grid tiles the
 * volume exactly.
 *
 * @module
 */
import type { Model3dOptions, Zoo3dConfig } from "./config3d.ts";
import { ModelError } from "./errors.ts";
import type { Pooling } from "./model.ts";
import { resnet3dSpec } from "./resnet3d.ts";
import { small3dSpec } from "./small3d.ts";
import { type Network3dSpec, totalStride3d } from "./spec3d.ts";

interface Entry3d {
  build: (config: Zoo3dConfig) => Network3dSpec;
  pooling: Pooling;
}

const REGISTRY_3D = new Map<string, Entry3d>([
  ["small3d-gap", { build: small3dSpec, pooling: "gap" }],
  ["small3d-gmp", { build: small3dSpec, pooling: "gmp" }],
  ["resnet3d-gap", { build: resnet3dSpec, pooling: "gap" }],
  ["resnet3d-gmp", { build: resnet3dSpec, pooling: "gmp" }],
]);

const DEFAULTS: Omit<Zoo3dConfig, "name" | "pooling"> = {
  inputShape: [48, 48, 48, 1],
  head: "classify",
  numClasses: 2,
  widthMultiplier: 1,
  seed: 0,
  batchNorm: false,
  bnMomentum: 0.1,
  bnEpsilon: 1e-5,
  targetMean: 0,
  targetScale: 1,
};

/** Names `createModel3d` accepts, in registry order. */
export function listModels3d(): string[] {
  return [...REGISTRY_3D.keys()];
}

const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;

/**
 * Options (or a saved config, whose `name` and `pooling` must agree) resolved into a full, validated config
 * and the layer description, without building anything.
 *
 * @throws {ModelError} unknown name or option, invalid value, or an input axis that is not a positive
 * multiple of the total stride.
 */
export function resolve3d(
  name: string,
  options: Model3dOptions & { name?: unknown; pooling?: unknown } = {},
): { config: Zoo3dConfig; spec: Network3dSpec } {
  const entry = REGISTRY_3D.get(name);
  if (!entry) throw new ModelError(name, `unknown 3-D model (known: ${listModels3d().join(", ")})`);
  const bad = (what: string) => new ModelError(name, what);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === "name" || key === "pooling") {
      const expected = key === "name" ? name : entry.pooling;
      if (value !== expected) throw bad(`option ${key} is "${value}" but must be "${expected}"`);
    } else if (!(key in DEFAULTS)) {
      throw bad(`unknown option "${key}"`);
    }
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const config = { ...DEFAULTS, ...defined, name, pooling: entry.pooling } as Zoo3dConfig;
  const shape = config.inputShape;
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((d) => isInt(d, 1))) {
    throw bad(
      `inputShape must be [depth, height, width, channels] of positive integers, got ${
        JSON.stringify(shape)
      }`,
    );
  }
  config.inputShape = [shape[0], shape[1], shape[2], shape[3]];
  if (config.head !== "classify" && config.head !== "regress") {
    throw bad(`head must be "classify" or "regress", got ${JSON.stringify(config.head)}`);
  }
  if (config.head === "regress") config.numClasses = 1;
  if (!isInt(config.numClasses, 1)) {
    throw bad(`numClasses must be a positive integer, got ${config.numClasses}`);
  }
  if (!(config.widthMultiplier > 0 && Number.isFinite(config.widthMultiplier))) {
    throw bad(`widthMultiplier must be a positive number, got ${config.widthMultiplier}`);
  }
  if (!Number.isInteger(config.seed)) throw bad(`seed must be an integer, got ${config.seed}`);
  if (typeof config.batchNorm !== "boolean") throw bad(`batchNorm must be true or false`);
  if (!(config.bnMomentum >= 0 && config.bnMomentum <= 1)) {
    throw bad(`bnMomentum must be in [0, 1], got ${config.bnMomentum}`);
  }
  if (!(config.bnEpsilon > 0)) throw bad(`bnEpsilon must be positive, got ${config.bnEpsilon}`);
  if (!Number.isFinite(config.targetMean)) throw bad(`targetMean must be finite, got ${config.targetMean}`);
  if (!(config.targetScale > 0 && Number.isFinite(config.targetScale))) {
    throw bad(`targetScale must be a positive number, got ${config.targetScale}`);
  }
  const spec = entry.build(config);
  const stride = totalStride3d(spec);
  if (!config.inputShape.slice(0, 3).every((n) => n % stride === 0)) {
    throw bad(
      `input ${
        config.inputShape.slice(0, 3).join("x")
      }: every axis must be a multiple of the total stride ${stride}`,
    );
  }
  return { config, spec };
}
