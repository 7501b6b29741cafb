/**
 * 3-D architectures as plain data, the volumetric sibling of lib/models/spec.ts: a list of layer nodes
 * (3-D conv, 3-D pooling, residual block) followed by a global-pooling head. One description drives shape
 * inference, the variables and the forward pass of {@link ZooModel3d}. Layout is channels-last:
 * `[depth, height, width, channels]` per sample. Every conv and pooling pads "same" (TF semantics), so an
 * axis of length n leaves a stride-s layer with length ⌈n/s⌉.
 *
 * @module
 */
import { convVariables, type VariableSpec } from "./spec.ts";

/** 3-D convolution k×k×k, then batch norm (no bias) or a bias, then ReLU (if `relu`). Padding "same". */
export interface Conv3dNode {
  kind: "conv3d";
  name: string;
  filters: number;
  kernel: number;
  strides: number;
  batchNorm: boolean;
  relu: boolean;
}

/** 3-D max or average pooling, window `size`³, padding "same". */
export interface Pool3dNode {
  kind: "maxPool3d" | "avgPool3d";
  name: string;
  size: number;
  strides: number;
}

/**
 * Residual block (He et al., 2016, "basic" block in 3-D): y = ReLU(F(x) + S(x)), F the `body` convs (the last
 * one without ReLU), S the identity or, when the shape changes, the 1×1×1 `shortcut` conv.
 */
export interface Residual3dNode {
  kind: "residual3d";
  name: string;
  body: Conv3dNode[];
  shortcut: Conv3dNode | null;
}

/** One named 3-D layer. */
export type Layer3dNode = Conv3dNode | Pool3dNode | Residual3dNode;

/** A whole 3-D network body; the last node is the CAM layer. */
export interface Network3dSpec {
  body: Layer3dNode[];
}

/** One variable a 3-D network allocates: lib/models/spec.ts's {@link VariableSpec}. */
export type Variable3dSpec = VariableSpec;

/** Output `[d, h, w, c]` of a conv or pool on input `[d, h, w, c]` ("same": ⌈n/s⌉ per axis). */
function sameOut(shape: readonly number[], strides: number, channels: number): number[] {
  return [...shape.slice(0, 3).map((n) => Math.ceil(n / strides)), channels];
}

/**
 * Walk a 3-D network from an input `[d, h, w, c]`, calling `visit(node, input, output)` on each node (a
 * residual block's convs before the block itself); returns the CAM layer's shape `[d, h, w, K]`.
 */
export function walkLayers3d(
  spec: Network3dSpec,
  input: readonly number[],
  visit: (node: Layer3dNode, input: number[], output: number[]) => void = () => {},
): number[] {
  let shape = [...input];
  for (const node of spec.body) {
    let out: number[];
    switch (node.kind) {
      case "conv3d":
        out = sameOut(shape, node.strides, node.filters);
        break;
      case "maxPool3d":
      case "avgPool3d":
        out = sameOut(shape, node.strides, shape[3]);
        break;
      case "residual3d": {
        let s = shape;
        for (const conv of node.body) {
          const o = sameOut(s, conv.strides, conv.filters);
          visit(conv, s, o);
          s = o;
        }
        if (node.shortcut) {
          visit(node.shortcut, shape, sameOut(shape, node.shortcut.strides, node.shortcut.filters));
        }
        out = s;
        break;
      }
    }
    visit(node, shape, out);
    shape = out;
  }
  return shape;
}

/** Output shape `[d, h, w, c]` of every layer (block convs included), by name. */
export function inferShapes3d(spec: Network3dSpec, input: readonly number[]): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  walkLayers3d(spec, input, (node, _in, out) => (shapes[node.name] = out));
  return shapes;
}

/** Layer names in forward order (a block's convs, then the block), as `capture`/`perturb` accept them. */
export function layerOrder3d(spec: Network3dSpec): string[] {
  const names: string[] = [];
  walkLayers3d(spec, [1, 1, 1, 1], (node) => names.push(node.name));
  return names;
}

/** Product of the strides from the input to the CAM layer (the CAM grid is the input / this). */
export function totalStride3d(spec: Network3dSpec): number {
  return spec.body.reduce(
    (s, node) =>
      s * (node.kind === "residual3d" ? node.body.reduce((t, c) => t * c.strides, 1) : node.strides),
    1,
  );
}

/**
 * Every variable of the body and the head, in a fixed order: per conv `kernel` `[k, k, k, in, out]` and
 * `bias` (or `gamma`, `beta`, `moving_mean`, `moving_variance` with batch norm), then `head/kernel`
 * `[K, outputs]` and `head/bias`.
 */
export function variableSpecs3d(
  spec: Network3dSpec,
  input: readonly number[],
  outputs: number,
): Variable3dSpec[] {
  const vars: Variable3dSpec[] = [];
  const cam = walkLayers3d(spec, input, (node, x) => {
    if (node.kind !== "conv3d") return;
    const k = node.kernel, n = node.filters, fanIn = k * k * k * x[3];
    vars.push(...convVariables(node.name, [k, k, k, x[3], n], { batchNorm: node.batchNorm, fanIn }));
  });
  const k = cam[3];
  vars.push({ name: "head/kernel", shape: [k, outputs], group: "trainable", init: "lecun", fanIn: k });
  vars.push({ name: "head/bias", shape: [outputs], group: "trainable", init: "zeros", fanIn: k });
  return vars;
}
