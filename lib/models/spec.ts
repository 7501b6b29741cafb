/**
 * Architectures as plain data: a network is a list of layer nodes (conv, LRN, pooling, concatenation of
 * branches) followed by the global-pooling head. One description drives shape inference, parameter
 * counting, variable allocation and the forward pass, so the four can never disagree.
 *
 * @module
 */
import type { ModelConfig } from "./model.ts";

/** Spatial padding of a conv or pooling layer: TF's "same"/"valid", or symmetric `[padH, padW]`. */
export type Padding = "same" | "valid" | readonly [number, number];

/** Convolution, then batch norm (if `batchNorm`, and then no bias) or a bias, then ReLU (if `relu`). */
export interface ConvNode {
  kind: "conv";
  name: string;
  filters: number;
  kernel: readonly [number, number];
  strides: number;
  padding: Padding;
  batchNorm: boolean;
  relu: boolean;
}

/**
 * Local response normalisation across channels (Krizhevsky et al., 2012):
 * b_c = a_c / (bias + alpha · Σ_{|c'-c| ≤ depthRadius} a_{c'}²)^beta.
 */
export interface LrnNode {
  kind: "lrn";
  name: string;
  depthRadius: number;
  bias: number;
  alpha: number;
  beta: number;
}

/** Max or average pooling (average excludes padded cells, TF semantics). */
export interface PoolNode {
  kind: "maxPool" | "avgPool";
  name: string;
  size: number;
  strides: number;
  padding: "same" | "valid";
}

/** Branches run on the same input; their outputs are concatenated along channels (inception block). */
export interface ConcatNode {
  kind: "concat";
  name: string;
  branches: LayerNode[][];
}

/** One named layer. */
export type LayerNode = ConvNode | LrnNode | PoolNode | ConcatNode;

/** A whole network body; the head (global pooling, dropout, dense classifier) comes from the config. */
export interface NetworkSpec {
  /** Layers in forward order; the last one is the CAM layer. */
  body: LayerNode[];
}

/** One variable a network allocates. */
export interface VariableSpec {
  name: string;
  shape: number[];
  group: "trainable" | "state";
  /** "he": N(0, 2/fanIn) (He et al., 2015); "lecun": N(0, 1/fanIn); or a constant. */
  init: "he" | "lecun" | "zeros" | "ones";
  fanIn: number;
}

/**
 * The variables of one conv layer with kernel shape `[...window, in, out]`: its kernel (He init), then batch
 * norm's gamma, beta (trainable) and moving mean and variance (state), or else a bias.
 */
export function convVariables(
  name: string,
  kernelShape: number[],
  options: { batchNorm?: boolean; fanIn: number },
): VariableSpec[] {
  const n = kernelShape[kernelShape.length - 1], fanIn = options.fanIn;
  const vars: VariableSpec[] = [{
    name: `${name}/kernel`,
    shape: kernelShape,
    group: "trainable",
    init: "he",
    fanIn,
  }];
  if (options.batchNorm) {
    vars.push({ name: `${name}/gamma`, shape: [n], group: "trainable", init: "ones", fanIn });
    vars.push({ name: `${name}/beta`, shape: [n], group: "trainable", init: "zeros", fanIn });
    vars.push({ name: `${name}/moving_mean`, shape: [n], group: "state", init: "zeros", fanIn });
    vars.push({ name: `${name}/moving_variance`, shape: [n], group: "state", init: "ones", fanIn });
  } else {
    vars.push({ name: `${name}/bias`, shape: [n], group: "trainable", init: "zeros", fanIn });
  }
  return vars;
}

/** Output shape `[h, w, c]` (without batch) of every layer, in forward order, nested layers included. */
export type LayerShapes = Record<string, number[]>;

/** Output length along one spatial axis: same ⌈n/s⌉; valid ⌊(n−k)/s⌋+1; pad p ⌊(n+2p−k)/s⌋+1. */
export function outputLength(n: number, kernel: number, strides: number, padding: "same" | "valid" | number) {
  if (padding === "same") return Math.ceil(n / strides);
  const pad = padding === "valid" ? 0 : padding;
  return Math.floor((n + 2 * pad - kernel) / strides) + 1;
}

function axisPadding(padding: Padding, axis: 0 | 1): "same" | "valid" | number {
  return typeof padding === "string" ? padding : padding[axis];
}

/**
 * Walk a network's layers from an input `[h, w, c]`, calling `visit(node, input, output)` on each (a concat
 * block after its branches); returns the last output `[h, w, c]`. The one shape walk behind
 * {@link inferShapes}, the memory estimate and the benchmarks' FLOP counts.
 *
 * @throws {Error} when a concat block's branches disagree on the spatial size.
 */
export function walkLayers(
  spec: NetworkSpec,
  input: readonly number[],
  visit: (node: LayerNode, input: number[], output: number[]) => void,
): number[] {
  return walk(spec.body, [...input], visit);
}

function walk(
  nodes: LayerNode[],
  input: number[],
  visit: (node: LayerNode, input: number[], output: number[]) => void,
): number[] {
  let shape = input;
  for (const node of nodes) {
    const [h, w, c] = shape;
    let out: number[];
    switch (node.kind) {
      case "conv":
        out = [
          outputLength(h, node.kernel[0], node.strides, axisPadding(node.padding, 0)),
          outputLength(w, node.kernel[1], node.strides, axisPadding(node.padding, 1)),
          node.filters,
        ];
        break;
      case "lrn":
        out = [h, w, c];
        break;
      case "maxPool":
      case "avgPool":
        out = [
          outputLength(h, node.size, node.strides, node.padding),
          outputLength(w, node.size, node.strides, node.padding),
          c,
        ];
        break;
      case "concat": {
        const outs = node.branches.map((branch) => walk(branch, shape, visit));
        for (const o of outs) {
          if (o[0] !== outs[0][0] || o[1] !== outs[0][1]) {
            throw new Error(`${node.name}: branches disagree on the spatial size (${outs.join(" vs ")})`);
          }
        }
        out = [outs[0][0], outs[0][1], outs.reduce((s, o) => s + o[2], 0)];
        break;
      }
    }
    visit(node, shape, out);
    shape = out;
  }
  return shape;
}

/** Output shape of every layer for an input `[h, w, c]`; dims ≤ 0 mean the input is too small. */
export function inferShapes(spec: NetworkSpec, input: readonly number[]): LayerShapes {
  const shapes: LayerShapes = {};
  walkLayers(spec, input, (node, _in, out) => (shapes[node.name] = out));
  return shapes;
}

/** Names of every layer (nested ones first, then their block) in forward order. */
export function layerOrder(spec: NetworkSpec): string[] {
  const names: string[] = [];
  const visit = (nodes: LayerNode[]) => {
    for (const node of nodes) {
      if (node.kind === "concat") node.branches.forEach(visit);
      names.push(node.name);
    }
  };
  visit(spec.body);
  return names;
}

/** Product of the strides along the main path from the input to the CAM layer. */
export function totalStride(spec: NetworkSpec): number {
  const stride = (nodes: LayerNode[]): number =>
    nodes.reduce(
      (s, node) =>
        s * (node.kind === "concat" ? stride(node.branches[0]) : "strides" in node ? node.strides : 1),
      1,
    );
  return stride(spec.body);
}

/** Every variable of the body and the classifier, in a fixed order. */
export function variableSpecs(spec: NetworkSpec, config: ModelConfig): VariableSpec[] {
  const vars: VariableSpec[] = [];
  const camShape = walk(spec.body, [...config.inputShape], (node, input) => {
    if (node.kind !== "conv") return;
    const [kh, kw] = node.kernel;
    const fanIn = kh * kw * input[2];
    const n = node.filters;
    vars.push(...convVariables(node.name, [kh, kw, input[2], n], { batchNorm: node.batchNorm, fanIn }));
  });
  const k = camShape[2];
  vars.push({
    name: "classifier/kernel",
    shape: [k, config.numClasses],
    group: "trainable",
    init: "lecun",
    fanIn: k,
  });
  vars.push({
    name: "classifier/bias",
    shape: [config.numClasses],
    group: "trainable",
    init: "zeros",
    fanIn: k,
  });
  return vars;
}
