/**
 * Any tfjs-converter `GraphModel` (a TensorFlow SavedModel / Keras model converted to `model.json` with
 * `format: "graph-model"`) as an {@linkcode Explainable}. tfjs-converter runs the graph: `execute(x, node)`
 * captures any node, and `execute({ [input]: x, [node]: A + P }, output)` re-enters the graph at a node, so
 * that under `tf.grad` the gradient with respect to P is the gradient at that node (what Grad-CAM needs).
 */
import * as tf from "../tf.ts";
import type { GraphModel } from "@tensorflow/tfjs-converter";
import type { ExplainOptions, ExplainOutput } from "../models/explainable.ts";
import { ForeignModelError } from "./errors.ts";
import {
  type AdapterOptions,
  addPerturbation,
  fixedShape,
  type ForeignModel,
  type ForeignModelConfig,
  type Head,
  headClassifier,
  identityClassifier,
  labelsFor,
  missingLayer,
} from "./_adapter.ts";

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

/** Options of {@linkcode fromGraphModel}. */
export interface GraphAdapterOptions extends AdapterOptions {
  /**
   * Prefix stripped from node names to make layer names (full node names are accepted too).
   * @default the longest "/"-prefix common to every layer node
   */
  stripPrefix?: string;
}

/** Ops that pass their first input through unchanged in the layer list (never layers themselves). */
const SKIPPED = new Set(["Const", "Placeholder", "Identity", "NoOp"]);
/** Ops between global pooling and the dense layer that keep the pooled vector as it is. */
const RESHAPES = new Set(["Identity", "Reshape", "Squeeze"]);
const SQUASHING = new Set(["Softmax", "Sigmoid"]);

/**
 * Adapt a tfjs-converter `GraphModel` to the contract lib/cam explains. Layers are the graph's op nodes
 * that the explained scores depend on (Const, Placeholder and Identity nodes left out), named without their
 * common prefix. The head is found from the scores back: `_FusedMatMul` (with only a BiasAdd fused) or
 * MatMul (+ BiasAdd/Add) with constant weights, fed (through Identity/Reshape/Squeeze) by a `Mean` (GAP) or
 * `Max` (GMP) over the spatial axes; or the pooling itself as the scores (a conv map with one channel per
 * class, identity classifier). Grad-CAM, Grad-CAM++, Score-CAM and saliency work at any layer whatever
 * the head. The graph is read from the model's artifacts (tfjs-converter keeps the model.json it loaded);
 * the spatial axes of a pooling are read from its constant (`dataSync`). Only single-input graphs without
 * control flow (`execute`, not `executeAsync`) are supported. `dispose()` frees the model's weights.
 *
 * @example
 * const graph = await loadGraphModelFile(`${humanDir}/models/emotion.json`);
 * const net = fromGraphModel(graph, { name: "human-emotion", preprocess: (x) => tf.mul(tf.sub(x, 0.5), 2) });
 * net.camLayer;                                           // "conv2d_5/BiasAdd" (the map before the Mean)
 * const maps = await gradCam(net, faces, { layer: "add_2/add", classIndex: 3 });
 */
export function fromGraphModel(model: GraphModel, options: GraphAdapterOptions = {}): ForeignModel {
  const name = options.name ?? "graph-model";
  const topology = (model as unknown as { artifacts?: tf.io.ModelArtifacts }).artifacts?.modelTopology as
    | { node?: GraphNode[] }
    | undefined;
  const nodes = topology?.node;
  if (!Array.isArray(nodes)) {
    throw new ForeignModelError(name, "the GraphModel has no graph topology (load it with loadGraphModel)");
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const node = (ref: string): GraphNode => {
    const n = byName.get(nodeName(ref));
    if (!n) throw new ForeignModelError(name, `node ${ref} is referenced but not defined`);
    return n;
  };
  const through = (ref: string, skip: Set<string> = new Set(["Identity"])): GraphNode => {
    let n = node(ref);
    while (skip.has(n.op) && n.input?.length) n = node(n.input[0]);
    return n;
  };
  const inputs = model.inputNodes.map(nodeName);
  if (inputs.length !== 1) {
    throw new ForeignModelError(name, `has ${inputs.length} inputs; only single-input graphs are supported`);
  }
  const input = inputs[0];

  // The explained output and where its scores come from.
  const outputs = model.outputNodes.map(nodeName);
  const which = options.output;
  let outIndex = 0;
  if (which === undefined && outputs.length > 1) {
    throw new ForeignModelError(
      name,
      `has ${outputs.length} outputs (${outputs.join(", ")}); pick one with output`,
    );
  }
  if (which !== undefined) {
    outIndex = typeof which === "number" ? which : outputs.indexOf(nodeName(which));
    if (!outputs[outIndex]) {
      throw new ForeignModelError(
        name,
        `no output ${JSON.stringify(which)} (outputs: ${outputs.join(", ")})`,
      );
    }
  }
  const output = outputs[outIndex];
  const last = through(output);
  const squashed = SQUASHING.has(last.op);
  const probabilities = options.scores === "probabilities" ||
    (options.scores ?? "auto") === "auto" && squashed;
  const logMode = probabilities && !squashed;
  const scoresNode = probabilities && squashed ? through(last.input![0]).name : last.name;

  // Layers: the ops the scores depend on, in execution order.
  const order: GraphNode[] = [];
  const seen = new Set<string>();
  const stack: [GraphNode, boolean][] = [[node(scoresNode), false]];
  while (stack.length) {
    const [n, done] = stack.pop()!;
    if (done) {
      order.push(n);
      continue;
    }
    if (seen.has(n.name)) continue;
    seen.add(n.name);
    stack.push([n, true]);
    for (const ref of [...(n.input ?? [])].reverse()) {
      if (!ref.startsWith("^") && !seen.has(nodeName(ref))) stack.push([node(ref), false]);
    }
  }
  const layerNodes = order.filter((n) => !SKIPPED.has(n.op));
  const prefix = options.stripPrefix ?? commonPrefix(layerNodes.map((n) => n.name));
  const short = (full: string) => (full.startsWith(prefix) ? full.slice(prefix.length) : full);
  const layerNames = Object.freeze(layerNodes.map((n) => short(n.name)));
  const fullOf = new Map<string, string>();
  for (const n of layerNodes) fullOf.set(short(n.name), n.name);
  const position = new Map(layerNodes.map((n, i) => [n.name, i]));
  const describe = (n: GraphNode) => `"${short(n.name)}" (${n.op})`;

  // The head: dense (or nothing) ← [reshape] ← spatial Mean / Max ← CAM node.
  const weightOf = (ref: string): tf.Tensor | undefined => model.weights[nodeName(ref)]?.[0];
  const spatialPool = (n: GraphNode): "gap" | "gmp" | undefined => {
    if ((n.op !== "Mean" && n.op !== "Max") || !n.input || n.input.length < 2) return undefined;
    const axes = weightOf(n.input[1]);
    if (!axes) return undefined;
    let values: number[];
    try {
      values = Array.from(axes.dataSync());
    } catch {
      return undefined;
    }
    const sorted = values.sort((a, b) => a - b).join();
    if (sorted !== "1,2" && sorted !== "1,2,3") return undefined;
    return n.op === "Mean" ? "gap" : "gmp";
  };
  let head: Head | null = null;
  let dense: { weights: string; bias?: string } | null = null;
  const chain: GraphNode[] = [];
  let problem = "";
  {
    const scores = node(scoresNode);
    let x: string | undefined;
    chain.push(scores);
    if (scores.op === "_FusedMatMul") {
      const fused = (scores.attr?.fused_ops?.list?.s ?? []).map(decodeString);
      const transposed = scores.attr?.transpose_a?.b || scores.attr?.transpose_b?.b;
      if (fused.join() === "BiasAdd" && !transposed && scores.input?.length === 3) {
        dense = { weights: scores.input[1], bias: scores.input[2] };
        x = scores.input[0];
      }
    } else if (scores.op === "MatMul" && scores.input?.length === 2) {
      dense = { weights: scores.input[1] };
      x = scores.input[0];
    } else if (["BiasAdd", "Add", "AddV2"].includes(scores.op) && scores.input?.length === 2) {
      const matMul = through(scores.input[0]);
      if (matMul.op === "MatMul" && matMul.input?.length === 2 && weightOf(scores.input[1])) {
        chain.push(matMul);
        dense = { weights: matMul.input[1], bias: scores.input[1] };
        x = matMul.input[0];
      }
    }
    if (dense && (!weightOf(dense.weights) || weightOf(dense.weights)!.rank !== 2)) dense = null;
    const pool = dense ? through(x!, RESHAPES) : scores;
    if (dense) chain.push(pool);
    const pooling = spatialPool(pool);
    if (pooling) {
      const cam = through(pool.input![0]);
      head = { camLayer: short(cam.name), pooling, dense: dense ? short(node(scoresNode).name) : null };
    } else {
      problem = `the scores come from ${[...new Set(chain)].map(describe).join(" ← ")}`;
    }
  }
  if (options.camLayer !== undefined && !fullOf.has(options.camLayer) && !position.has(options.camLayer)) {
    throw missingLayer(name, options.camLayer, layerNames);
  }
  const camLayer = options.camLayer === undefined ? head?.camLayer ?? poolInput() : short(options.camLayer);
  if (!camLayer) {
    throw new ForeignModelError(
      name,
      `cannot tell the CAM layer (no global pooling before the scores); name it with camLayer (layers: ${
        layerNames.join(", ")
      })`,
    );
  }
  if (!head) problem = `CAM needs global pooling → dense after the CAM layer "${camLayer}"; ${problem}`;
  else if (camLayer !== head.camLayer) {
    problem =
      `CAM needs the map fed to global pooling ("${head.camLayer}"), not "${camLayer}"; use gradCam there`;
    head = null;
  }
  problem += ` (layers: ${layerNames.join(", ")})`;

  /** The input of the last spatial pooling before the scores, following first inputs back. */
  function poolInput(): string | undefined {
    let n: GraphNode | undefined = node(scoresNode);
    while (n && n.op !== "Placeholder") {
      if (spatialPool(n)) return short(through(n.input![0]).name);
      const first: string | undefined = (n.input ?? []).find((ref) => !ref.startsWith("^") && !weightOf(ref));
      n = first ? node(first) : undefined;
    }
    return undefined;
  }

  const outShape = model.outputs[outIndex]?.shape;
  let numClasses: number | undefined = dense
    ? weightOf(dense.weights)!.shape[1]
    : outShape?.length === 2 && outShape[1] > 0
    ? outShape[1]
    : undefined;
  const preprocess = options.preprocess;
  const config: ForeignModelConfig = Object.freeze({
    name,
    kind: "tf.GraphModel",
    output,
    scores: logMode ? "log-probabilities" : "logits",
    scoresFrom: short(scoresNode),
    pooling: head?.pooling,
    numClasses,
    inputShape: fixedShape(model.inputs[0]?.shape?.slice(1) ?? []),
  });
  const resolve = (layer: string) => fullOf.get(layer) ?? layer;
  const known = new Set([...layerNames, ...layerNodes.map((n) => n.name)]);

  const apply = (images: tf.Tensor, opts: ExplainOptions = {}): ExplainOutput => {
    const capture = opts.capture ?? [];
    const perturb = opts.perturb ?? {};
    for (const layer of [...capture, ...Object.keys(perturb)]) {
      if (!known.has(layer)) throw missingLayer(name, layer, layerNames);
    }
    return tf.tidy(() => {
      const feeds: tf.NamedTensorMap = { [input]: preprocess ? preprocess(images) : images };
      const perturbed = Object.keys(perturb).sort((a, b) =>
        position.get(resolve(a))! - position.get(resolve(b))!
      );
      for (const layer of perturbed) {
        const full = resolve(layer);
        const value = run(feeds, [full])[0];
        feeds[full] = addPerturbation(name, layer, value, perturb[layer]);
      }
      const wanted = [scoresNode, ...capture.map(resolve).filter((full) => !(full in feeds))];
      const values = run(feeds, wanted);
      const got = new Map(wanted.map((full, i) => [full, values[i]]));
      const activations: Record<string, tf.Tensor> = {};
      for (const layer of capture) activations[layer] = feeds[resolve(layer)] ?? got.get(resolve(layer))!;
      let logits = got.get(scoresNode) ?? feeds[scoresNode];
      if (logMode) logits = tf.log(logits);
      if (logits.rank !== 2) {
        throw new ForeignModelError(
          name,
          `scores "${short(scoresNode)}" have shape [${logits.shape}], not [n, classes]`,
        );
      }
      numClasses ??= logits.shape[1];
      return { logits: logits as tf.Tensor2D, activations };
    });
  };
  const run = (feeds: tf.NamedTensorMap, names: string[]): tf.Tensor[] => {
    const result = model.execute(feeds, names);
    return Array.isArray(result) ? result : [result];
  };

  const read = (): { weights: tf.Tensor2D; bias: tf.Tensor1D } => {
    if (!dense) return identityClassifier(numClasses ?? 0);
    const weights = weightOf(dense.weights) as tf.Tensor2D;
    const bias = dense.bias ? weightOf(dense.bias) : undefined;
    return { weights, bias: (bias ?? tf.zeros([weights.shape[1]])) as tf.Tensor1D };
  };

  return {
    config,
    layerNames,
    camLayer,
    labels: labelsFor(options, numClasses),
    head,
    apply,
    classifier: headClassifier(name, head, problem, read),
    dispose: () => model.dispose(),
  };
}

/** Node name of an input reference (`name`, `name:0`, `^name`). */
function nodeName(ref: string): string {
  return ref.replace(/^\^/, "").replace(/:\d+$/, "");
}

const decodeString = (s: string | undefined) => (s === undefined ? "" : atob(s));

/** The longest "/"-prefix every name starts with ("" when there is none). */
function commonPrefix(names: string[]): string {
  if (names.length === 0) return "";
  let prefix = names[0].slice(0, names[0].lastIndexOf("/") + 1);
  while (prefix && !names.every((n) => n.startsWith(prefix) && n.length > prefix.length)) {
    prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
  }
  return prefix;
}
