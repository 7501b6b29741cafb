/**
 * Any `tf.LayersModel` (built with `tf.sequential` / `tf.model`, loaded with `loadLayersModel`, converted from
 * Keras) as an {@linkcode Explainable}: the forward pass walks the model's own layer graph, so every layer's
 * output can be captured and perturbed by its name.
 */
import * as tf from "../tf.ts";
import type { LayersModel, SymbolicTensor } from "@tensorflow/tfjs-layers";
import type { ExplainOptions, ExplainOutput } from "../models/explainable.ts";
import { ForeignModelError } from "./errors.ts";
import {
  type AdapterOptions,
  addPerturbation,
  checkNames,
  fixedShape,
  type ForeignModel,
  type ForeignModelConfig,
  type Head,
  headClassifier,
  identityClassifier,
  labelsFor,
  missingLayer,
} from "./_adapter.ts";

type Layer = LayersModel["layers"][number];
type LayerNode = Layer["inboundNodes"][number];

/** Layers that are the identity in inference mode (skipped between global pooling and the dense layer). */
const PASS_THROUGH = new Set([
  "Dropout",
  "SpatialDropout1D",
  "SpatialDropout2D",
  "GaussianNoise",
  "GaussianDropout",
]);
const GLOBAL_POOLS: Record<string, "gap" | "gmp"> = {
  GlobalAveragePooling2D: "gap",
  GlobalAveragePooling3D: "gap",
  GlobalMaxPooling2D: "gmp",
  GlobalMaxPooling3D: "gmp",
};
const SQUASHING = new Set(["softmax", "sigmoid"]);

/**
 * Adapt a `tf.LayersModel` to the contract lib/cam explains. Layers are the model's top-level layers by
 * name (a nested model is one layer). The head is found from the explained output back: a Dense layer
 * (its activation, e.g. softmax, is left out of the scores when the output holds probabilities) fed by a
 * global pooling (dropout in between is skipped) whose input is the CAM layer; or a global pooling that is
 * itself the scores (identity classifier). Global pooling is GlobalAverage/MaxPooling2D, or — TensorFlow.js
 * has no GlobalAveragePooling3D — Flatten after an Average/MaxPooling2D/3D whose window is the whole map,
 * or GlobalAverage/MaxPooling1D after a Reshape of the map to `[positions, channels]`. Any other head still
 * gets Grad-CAM, Grad-CAM++, Score-CAM and saliency at any layer; `cam` then throws a ForeignModelError
 * saying what follows the CAM layer and listing the layers. Only single-input models are supported.
 * `dispose()` frees the model's weights.
 *
 * @example
 * const model = tf.sequential({ layers: [
 *   tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 8, kernelSize: 3, activation: "relu", name: "conv" }),
 *   tf.layers.globalAveragePooling2d({ name: "gap" }),
 *   tf.layers.dense({ units: 2, activation: "softmax", name: "fc" }),
 * ] });
 * const net = fromLayersModel(model);            // camLayer "conv", scores: the pre-softmax of "fc"
 * const { maps } = await cam(net, images);       // [n, 32, 32]
 * const grad = await gradCam(net, images, { layer: "conv" });
 */
export function fromLayersModel(model: LayersModel, options: AdapterOptions = {}): ForeignModel {
  const name = options.name ?? model.name;
  if (model.inputs.length !== 1) {
    throw new ForeignModelError(
      name,
      `has ${model.inputs.length} inputs; only single-input models are supported`,
    );
  }
  const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
  const layerNames = Object.freeze(layers.map((l) => l.name));
  const byName = new Map(layers.map((l) => [l.name, l]));
  const output = pickOutput(name, model, options.output);
  const outLayer = output.sourceLayer as Layer;

  // Where the scores come from: the output itself, a Dense layer's linear part, or a softmax layer's input.
  const activation = String(outLayer.getConfig().activation ?? "linear");
  const softmaxLayer = outLayer.getClassName() === "Softmax" ||
    (outLayer.getClassName() === "Activation" && SQUASHING.has(activation));
  const squashed = softmaxLayer || SQUASHING.has(activation);
  const probabilities = options.scores === "probabilities" ||
    (options.scores ?? "auto") === "auto" && squashed;
  let scoresMode: "output" | "dense-linear" | "layer-input" | "log" = "output";
  if (probabilities) {
    if (softmaxLayer) scoresMode = "layer-input";
    else if (outLayer.getClassName() === "Dense" && SQUASHING.has(activation)) scoresMode = "dense-linear";
    else scoresMode = "log";
  }
  const scoresLayer = scoresMode === "layer-input" ? inputOf(outLayer)?.sourceLayer as Layer : outLayer;
  const scoresInput = scoresMode === "dense-linear" ? inputOf(outLayer) : undefined;

  // The head: (dense ←) [dropout ←] global pooling ← CAM layer.
  const found = findHead(scoresLayer);
  if (options.camLayer !== undefined && !byName.has(options.camLayer)) {
    throw missingLayer(name, options.camLayer, layerNames);
  }
  const camLayer = options.camLayer ?? found.head?.camLayer ?? lastSpatialLayer(layers, outLayer);
  if (!camLayer) {
    throw new ForeignModelError(name, `no layer gives a 2-D or 3-D map (layers: ${layerNames.join(", ")})`);
  }
  let head = found.head;
  let problem = head
    ? ""
    : `CAM needs global pooling → dense after the CAM layer "${camLayer}"; ${found.problem}`;
  if (head && camLayer !== head.camLayer) {
    problem =
      `CAM needs the map fed to global pooling ("${head.camLayer}"), not "${camLayer}"; use gradCam there`;
    head = null;
  }
  problem += ` (layers: ${layerNames.join(", ")})`;
  const outShape = output.shape;
  const numClasses = typeof outShape.at(-1) === "number" && outShape.length === 2
    ? outShape.at(-1) as number
    : undefined;
  const preprocess = options.preprocess;
  const config: ForeignModelConfig = Object.freeze({
    name,
    kind: "tf.LayersModel",
    output: outLayer.name,
    scores: scoresMode === "log" ? "log-probabilities" : "logits",
    scoresFrom: scoresMode === "layer-input" ? scoresLayer.name : outLayer.name,
    pooling: head?.pooling,
    numClasses,
    inputShape: fixedShape(model.inputs[0].shape.slice(1)),
  });

  const apply = (images: tf.Tensor, opts: ExplainOptions = {}): ExplainOutput => {
    const capture = opts.capture ?? [];
    const perturb = opts.perturb ?? {};
    checkNames(name, layerNames, capture, perturb);
    return tf.tidy(() => {
      const values = new Map<number, tf.Tensor>();
      values.set(model.inputs[0].id, preprocess ? preprocess(images) : images);
      const activations: Record<string, tf.Tensor> = {};
      for (const layer of layers) {
        const node = runnableNode(layer, values);
        if (!node) continue;
        const inputs = node.inputTensors.map((t) => values.get(t.id)!);
        const result = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false });
        const outs = (Array.isArray(result) ? result : [result]) as tf.Tensor[];
        if (perturb[layer.name]) outs[0] = addPerturbation(name, layer.name, outs[0], perturb[layer.name]);
        if (capture.includes(layer.name)) activations[layer.name] = outs[0];
        node.outputTensors.forEach((t, i) => values.set(t.id, outs[i]));
      }
      const out = values.get(output.id);
      if (!out) throw new ForeignModelError(name, `output "${outLayer.name}" was not computed`);
      let logits: tf.Tensor;
      if (scoresMode === "layer-input") logits = values.get(inputOf(outLayer)!.id)!;
      else if (scoresMode === "dense-linear") {
        const [kernel, bias] = outLayer.getWeights();
        const x = values.get(scoresInput!.id)!;
        logits = bias ? tf.add(tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D), bias) : tf.matMul(
          x as tf.Tensor2D,
          kernel as tf.Tensor2D,
        );
      } else if (scoresMode === "log") logits = tf.log(out);
      else logits = out;
      if (logits.rank !== 2) {
        throw new ForeignModelError(
          name,
          `output "${outLayer.name}" has shape [${logits.shape}], not [n, classes]`,
        );
      }
      return { logits: logits as tf.Tensor2D, activations };
    });
  };

  const read = (): { weights: tf.Tensor2D; bias: tf.Tensor1D } => {
    if (!head!.dense) return identityClassifier(numClasses ?? 0);
    const dense = byName.get(head!.dense)!;
    const [kernel, bias] = dense.getWeights();
    return {
      weights: kernel as tf.Tensor2D,
      bias: (bias ?? tf.zeros([kernel.shape[1]!])) as tf.Tensor1D,
    };
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

/** The model output to explain. */
function pickOutput(name: string, model: LayersModel, which: string | number | undefined): SymbolicTensor {
  const outputs = model.outputs;
  const names = outputs.map((o) => o.sourceLayer.name);
  if (which === undefined) {
    if (outputs.length === 1) return outputs[0];
    throw new ForeignModelError(
      name,
      `has ${outputs.length} outputs (${names.join(", ")}); pick one with output`,
    );
  }
  const index = typeof which === "number" ? which : names.indexOf(which);
  if (!outputs[index]) {
    throw new ForeignModelError(name, `no output ${JSON.stringify(which)} (outputs: ${names.join(", ")})`);
  }
  return outputs[index];
}

/** The single input tensor of a layer (its first inbound node's), or undefined. */
function inputOf(layer: Layer): SymbolicTensor | undefined {
  const inputs = layer.inboundNodes[0]?.inputTensors ?? [];
  return inputs.length === 1 ? inputs[0] : undefined;
}

/** The node of a layer whose inputs are all computed and whose outputs are not yet. */
function runnableNode(layer: Layer, values: Map<number, tf.Tensor>): LayerNode | undefined {
  return layer.inboundNodes.find((n) =>
    n.inputTensors.length > 0 && n.inputTensors.every((t) => values.has(t.id)) &&
    !n.outputTensors.every((t) => values.has(t.id))
  );
}

/** Follow the scores back to global pooling; say what was found instead when it is not there. */
function findHead(scoresLayer: Layer): { head: Head | null; problem: string } {
  const chain: string[] = [];
  const describe = (l: Layer) => `"${l.name}" (${l.getClassName()})`;
  let layer: Layer | undefined = scoresLayer;
  let dense: string | null = null;
  if (layer.getClassName() === "Dense") {
    chain.push(describe(layer));
    dense = layer.name;
    layer = sourceOf(layer);
    while (layer && PASS_THROUGH.has(layer.getClassName())) {
      chain.push(describe(layer));
      layer = sourceOf(layer);
    }
  }
  const pool = layer && globalPool(layer);
  if (pool && pool.source.getClassName() !== "InputLayer") {
    return { head: { camLayer: pool.source.name, pooling: pool.pooling, dense }, problem: "" };
  }
  if (layer) chain.push(describe(layer));
  return { head: null, problem: `the scores come from ${chain.join(" ← ")}` };
}

/** The layer feeding a single-input layer. */
function sourceOf(layer: Layer): Layer | undefined {
  return inputOf(layer)?.sourceLayer as Layer | undefined;
}

/**
 * Global pooling of a map, in the forms TensorFlow.js has (it has no GlobalAveragePooling3D):
 * GlobalAverage/MaxPooling2D; Flatten after an Average/MaxPooling2D/3D whose window is the whole map;
 * GlobalAverage/MaxPooling1D after a Reshape of `[n, ...spatial, C]` to `[n, positions, C]`.
 */
function globalPool(layer: Layer): { pooling: "gap" | "gmp"; source: Layer } | undefined {
  const kind = layer.getClassName();
  const source = sourceOf(layer);
  if (!source) return undefined;
  if (GLOBAL_POOLS[kind]) return { pooling: GLOBAL_POOLS[kind], source };
  if (kind === "Flatten") {
    const poolKind = source.getClassName();
    const pooling = /^AveragePooling[23]D$/.test(poolKind)
      ? "gap"
      : /^MaxPooling[23]D$/.test(poolKind)
      ? "gmp"
      : undefined;
    const map = sourceOf(source);
    const size = [source.getConfig().poolSize].flat() as number[];
    const spatial = inputShapeOf(source)?.slice(1, -1);
    if (
      pooling && map && spatial && spatial.length === size.length && spatial.every((d, i) => d === size[i])
    ) {
      return { pooling, source: map };
    }
  }
  if (kind === "GlobalAveragePooling1D" || kind === "GlobalMaxPooling1D") {
    const map = source.getClassName() === "Reshape" ? sourceOf(source) : undefined;
    const before = inputShapeOf(source), after = outputShapeOf(source);
    if (
      map && before && after && (before.length === 4 || before.length === 5) && after.length === 3 &&
      after[2] === before.at(-1)
    ) {
      return { pooling: kind === "GlobalAveragePooling1D" ? "gap" : "gmp", source: map };
    }
  }
  return undefined;
}

/** A layer's single input shape (with the batch axis), if it has one. */
function inputShapeOf(layer: Layer): (number | null)[] | undefined {
  return inputOf(layer)?.shape;
}

/** A layer's single output shape (with the batch axis), if it has one. */
function outputShapeOf(layer: Layer): (number | null)[] | undefined {
  const outputs = layer.inboundNodes[0]?.outputTensors ?? [];
  return outputs.length === 1 ? outputs[0].shape : undefined;
}

/** The last layer before `outLayer` whose output is a 2-D or 3-D map (`[n, h, w, c]` or `[n, d, h, w, c]`). */
function lastSpatialLayer(layers: readonly Layer[], outLayer: Layer): string | undefined {
  let found: string | undefined;
  for (const layer of layers) {
    if (layer === outLayer) break;
    let shape: unknown;
    try {
      shape = layer.outputShape;
    } catch {
      continue; // several nodes with different shapes
    }
    if (Array.isArray(shape) && !Array.isArray(shape[0]) && (shape.length === 4 || shape.length === 5)) {
      found = layer.name;
    }
  }
  return found;
}
