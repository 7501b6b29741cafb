/**
 * TensorFlow.js graph models (`model.json` with `format: "graph-model"` + `.bin` shards) read from files and
 * run by a small interpreter on tfjs-core ops, so that every intermediate map can be captured and perturbed
 * (what CAM and Grad-CAM need). Ops: Const, Placeholder, Identity, _FusedConv2D (BiasAdd[, Relu]), Conv2D,
 * DepthwiseConv2dNative, BiasAdd, MaxPool, AvgPool, AddV2/Add, Relu, Relu6, Mean, Softmax.
 */
import * as tf from "../tf.ts";
import { ForeignModelError } from "./errors.ts";
import { constVariable, FixedCamModel, type LayerHook, type PretrainedCamModel } from "./_fixed_model.ts";
import {
  decodeWeights,
  type ManifestGroup,
  type NamedWeight,
  readJson,
  readWeightBuffers,
} from "./weights_manifest.ts";

/** One node of a graph model's topology (TensorFlow GraphDef as JSON). */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, GraphAttr>;
}

/** A node attribute as the converter writes it (strings are base64). */
export interface GraphAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  list?: { i?: string[]; s?: string[] };
  [key: string]: unknown;
}

/** A graph model read from disk: its nodes, decoded weights, and the JSON as written. */
export interface GraphModelFiles {
  /** The model.json path. */
  path: string;
  nodes: GraphNode[];
  weights: Record<string, NamedWeight>;
  /** The parsed model.json (for tfjs-converter's `loadGraphModel` through an IOHandler). */
  json: { modelTopology: unknown; weightsManifest: ManifestGroup[]; [key: string]: unknown };
  /** The group buffers, concatenated in manifest order (the `weightData` tfjs-converter expects). */
  weightData: ArrayBuffer;
}

/**
 * Read a graph model's model.json and its weight shards (no network).
 *
 * @example
 * const g = await readGraphModel(`${humanDir}/models/emotion.json`);
 * g.nodes.length; g.weights["unknown_43"].shape; // [3, 3, 256, 7]
 */
export async function readGraphModel(path: string): Promise<GraphModelFiles> {
  const json = await readJson(path) as GraphModelFiles["json"];
  if (!json || json.format !== "graph-model" || !Array.isArray(json.weightsManifest)) {
    throw new ForeignModelError(path, "not a TensorFlow.js graph model (format must be graph-model)");
  }
  const topology = json.modelTopology as { node?: GraphNode[] };
  if (!Array.isArray(topology?.node)) throw new ForeignModelError(path, "modelTopology has no node list");
  const dir = path.slice(0, Math.max(0, path.lastIndexOf("/"))) || ".";
  const buffers = await readWeightBuffers(dir, json.weightsManifest);
  const weights = decodeWeights(json.weightsManifest, buffers, path);
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const b of buffers) {
    weightData.set(b, at);
    at += b.byteLength;
  }
  return { path, nodes: topology.node, weights, json, weightData: weightData.buffer };
}

const decodeString = (s: string | undefined) => (s === undefined ? "" : atob(s));
const ints = (a: GraphAttr | undefined) => (a?.list?.i ?? []).map(Number);

/** Options of {@linkcode graphCamModel}. */
export interface GraphCamModelOptions {
  /** Class names. @default "class 0", "class 1", ... */
  labels?: readonly string[];
  /** Registry-like name of the model. @default the model.json file name */
  name?: string;
  /** Prefix stripped from node names to make layer names. @default the longest common "/"-prefix */
  stripPrefix?: string;
  /** Layer Grad-CAM is shown at by default. @default the layer before the CAM layer */
  gradCamLayer?: string;
  /** Preprocessing applied to `apply`'s images before the graph's input. @default identity */
  preprocess?: (images: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * Wrap a graph model whose head is conv map → Mean over H, W (GAP) → Softmax as a {@linkcode CamModel}: the
 * CAM layer is the Mean's input, the logits are the GAP output, and the classifier is the identity
 * (W = I, b = 0), since the map's channel c already is class c's map: GAP(f)·I = the graph's pre-softmax
 * score. So CAM for class c is that channel; Grad-CAM at earlier layers (every op output with a 4D map is a
 * layer) uses gradients through the graph.
 */
export function graphCamModel(
  graph: GraphModelFiles,
  options: GraphCamModelOptions = {},
): PretrainedCamModel {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const softmax = graph.nodes.find((n) => n.op === "Softmax");
  const mean = softmax && byName.get(inputName(softmax.input?.[0] ?? ""));
  if (!softmax || !mean || mean.op !== "Mean") {
    throw new ForeignModelError(graph.path, "unsupported head: expected conv map → Mean (GAP) → Softmax");
  }
  const axes = graph.weights[inputName(mean.input?.[1] ?? "")]?.values;
  if (!axes || [...axes].sort().join() !== "1,2") {
    throw new ForeignModelError(
      graph.path,
      "unsupported head: the Mean must pool over height and width (axes 1, 2)",
    );
  }
  const camNode = inputName(mean.input![0]);
  const placeholder = graph.nodes.find((n) => n.op === "Placeholder");
  if (!placeholder) throw new ForeignModelError(graph.path, "no Placeholder input node");
  const shapeDims = (placeholder.attr?.shape as { shape?: { dim?: { size: string }[] } } | undefined)?.shape
    ?.dim;
  const inputShape = (shapeDims ?? []).slice(1).map((d) => Number(d.size)) as [number, number, number];
  if (inputShape.length !== 3 || inputShape.some((d) => !(d > 0))) {
    throw new ForeignModelError(graph.path, `input ${placeholder.name} has no fixed [h, w, c] shape`);
  }

  const state: Record<string, tf.Variable> = {};
  for (const [name, w] of Object.entries(graph.weights)) state[name] = constVariable(w.values, w.shape);

  // Execution order: depth-first from the CAM node, so only what the map needs is in the layer list.
  const order: GraphNode[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const node = byName.get(name);
    if (!node) throw new ForeignModelError(graph.path, `node ${name} is referenced but not defined`);
    for (const i of node.input ?? []) visit(inputName(i));
    order.push(node);
  };
  visit(camNode);
  const computed = order.filter((n) => n.op !== "Const" && n.op !== "Placeholder");
  const prefix = options.stripPrefix ?? commonPrefix(computed.map((n) => n.name));
  const short = (n: string) => (n.startsWith(prefix) ? n.slice(prefix.length) : n);
  const layerNames = computed.filter((n) => n.op !== "Identity").map((n) => short(n.name));

  const preprocess = options.preprocess ?? ((x: tf.Tensor4D) => x);
  const forward = (input: tf.Tensor4D, hook: LayerHook) => {
    const values = new Map<string, tf.Tensor>();
    values.set(placeholder.name, preprocess(input));
    for (const node of order) {
      if (node.op === "Placeholder") continue;
      if (node.op === "Const") {
        const v = state[node.name];
        if (!v) throw new ForeignModelError(graph.path, `constant ${node.name} has no weights`);
        values.set(node.name, v);
        continue;
      }
      const args = (node.input ?? []).filter((i) => !i.startsWith("^")).map((i) => values.get(inputName(i))!);
      let out = runOp(node, args, graph.path);
      if (node.op !== "Identity") out = hook(short(node.name), out);
      values.set(node.name, out);
    }
    return { features: values.get(camNode) as tf.Tensor4D };
  };
  const k = graph.weights[inputName(byName.get(camNode)?.input?.[1] ?? "")]?.shape.at(-1);
  const numClasses = options.labels?.length ?? k;
  if (!numClasses) throw new ForeignModelError(graph.path, "cannot tell the number of classes; pass labels");
  const name = options.name ?? graph.path.split("/").pop()!.replace(/\.json$/, "");
  const model = new FixedCamModel({
    config: { name, inputShape, numClasses, pooling: "gap", widthMultiplier: 1, source: graph.path },
    layerNames,
    convLayers: layerNames,
    camLayer: short(camNode),
    state,
    classifierWeights: tf.tidy(() => tf.variable(tf.eye(numClasses), false)),
    classifierBias: tf.tidy(() => tf.variable(tf.zeros([numClasses]), false)),
    forward,
  });
  const labels = options.labels ?? Array.from({ length: numClasses }, (_, i) => `class ${i}`);
  const gradCamLayer = options.gradCamLayer ?? layerNames.at(-2) ?? short(camNode);
  if (!layerNames.includes(gradCamLayer)) {
    throw new ForeignModelError(
      graph.path,
      `no layer ${gradCamLayer} for Grad-CAM (layers: ${layerNames.join(", ")})`,
    );
  }
  return Object.assign(model, { labels, gradCamLayer }) as PretrainedCamModel;
}

/** Node name of an input reference (`name`, `name:0`, `^name`). */
function inputName(ref: string): string {
  return ref.replace(/^\^/, "").replace(/:\d+$/, "");
}

function commonPrefix(names: string[]): string {
  if (names.length === 0) return "";
  let prefix = names[0].slice(0, names[0].lastIndexOf("/") + 1);
  while (prefix && !names.every((n) => n.startsWith(prefix))) {
    prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
  }
  return prefix;
}

function padding(node: GraphNode, path: string): "same" | "valid" {
  const p = decodeString(node.attr?.padding?.s).toLowerCase();
  if (p !== "same" && p !== "valid") {
    throw new ForeignModelError(path, `node ${node.name}: padding ${p || "(none)"} is not supported`);
  }
  return p;
}

function runOp(node: GraphNode, args: tf.Tensor[], path: string): tf.Tensor {
  const stride = (): [number, number] => {
    const s = ints(node.attr?.strides);
    return s.length === 4 ? [s[1], s[2]] : [1, 1];
  };
  const dilation = (): [number, number] => {
    const d = ints(node.attr?.dilations);
    return d.length === 4 ? [d[1], d[2]] : [1, 1];
  };
  switch (node.op) {
    case "Identity":
      return args[0];
    case "Conv2D":
      return tf.conv2d(
        args[0] as tf.Tensor4D,
        args[1] as tf.Tensor4D,
        stride(),
        padding(node, path),
        "NHWC",
        dilation(),
      );
    case "_FusedConv2D": {
      const fused = (node.attr?.fused_ops?.list?.s ?? []).map(decodeString);
      let out: tf.Tensor = tf.conv2d(
        args[0] as tf.Tensor4D,
        args[1] as tf.Tensor4D,
        stride(),
        padding(node, path),
        "NHWC",
        dilation(),
      );
      for (const f of fused) {
        if (f === "BiasAdd") out = tf.add(out, args[2]);
        else if (f === "Relu") out = tf.relu(out);
        else if (f === "Relu6") out = tf.relu6(out);
        else throw new ForeignModelError(path, `node ${node.name}: fused op ${f} is not supported`);
      }
      return out;
    }
    case "DepthwiseConv2dNative":
      return tf.depthwiseConv2d(
        args[0] as tf.Tensor4D,
        args[1] as tf.Tensor4D,
        stride(),
        padding(node, path),
        "NHWC",
        dilation(),
      );
    case "BiasAdd":
    case "Add":
    case "AddV2":
      return tf.add(args[0], args[1]);
    case "MaxPool":
    case "AvgPool": {
      const k = ints(node.attr?.ksize);
      const pool = node.op === "MaxPool" ? tf.maxPool : tf.avgPool;
      return pool(args[0] as tf.Tensor4D, [k[1], k[2]], stride(), padding(node, path));
    }
    case "Relu":
      return tf.relu(args[0]);
    case "Relu6":
      return tf.relu6(args[0]);
    default:
      throw new ForeignModelError(path, `node ${node.name}: op ${node.op} is not supported`);
  }
}
