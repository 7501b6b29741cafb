/**
 * face-api's face expression network (`@vladmandic/face-api`, model/face_expression_model). The package
 * ships weights only (face-api builds the net in code, src/faceFeatureExtractor), so the net is assembled
 * here as a `tf.LayersModel` from tfjs-layers' own layers with the manifest's weights, and adapted by
 * {@linkcode fromLayersModel}: four dense blocks of (separable) 3x3 convs, 112 → 56 → 28 → 14 → 7, then global
 * average pooling of the 7x7x256 map (face-api's 7x7 average pool) and a dense layer to 7 expressions. The
 * paper's GAP + dense head exactly, so CAM is M_c = Σ_k w_k^c f_k.
 */
import * as tf from "../tf.ts";
import * as tfl from "@tensorflow/tfjs-layers";
import { join } from "node:path";
import { ForeignModelError } from "./errors.ts";
import type { PretrainedCamModel } from "./_adapter.ts";
import { fromLayersModel } from "./layers_model.ts";
import { packageDirOrThrow } from "./npm_package.ts";
import { type NamedWeight, readWeightsManifest } from "./weights_manifest.ts";

/** The npm package and version whose files {@linkcode loadFaceExpressionNet} reads. */
export const FACE_API_PACKAGE = { name: "@vladmandic/face-api", version: "1.7.15" } as const;

/** face-api's expression order (src/faceExpressionNet/FaceExpressions.ts). */
export const FACE_API_EXPRESSIONS = [
  "neutral",
  "happy",
  "sad",
  "angry",
  "fearful",
  "disgusted",
  "surprised",
] as const;

/** Options of {@linkcode loadFaceExpressionNet}. */
export interface LoadFaceExpressionOptions {
  /** The face-api package folder. @default found by `npmPackageDir` (fetch with `deno cache npm:@vladmandic/face-api@1.7.15`) */
  packageDir?: string;
}

const MEAN_RGB = [122.782, 117.001, 104.298];

/**
 * Load face-api's face expression net as an Explainable. Input: face crops `[n, 112, 112, 3]`, RGB in [0, 1]
 * (face-api's own input scaled by 1/255); the mean RGB is subtracted inside, as face-api does. Layers include
 * `dense0` … `dense3` (the block outputs; `dense3`, 7x7x256, is the CAM layer), `gap` and `fc` (the
 * classifier, face-api's `fc/weights` `[256, 7]` and `fc/bias`).
 *
 * @example
 * const net = await loadFaceExpressionNet();
 * const maps = await cam(net, faceCrops(image, [box], { size: 112 }), { classIndex: 1 }); // "happy"
 */
export async function loadFaceExpressionNet(
  options: LoadFaceExpressionOptions = {},
): Promise<PretrainedCamModel> {
  const dir = options.packageDir ?? packageDirOrThrow(FACE_API_PACKAGE.name, FACE_API_PACKAGE.version);
  const weights = await readWeightsManifest(
    join(dir, "model", "face_expression_model-weights_manifest.json"),
  );
  return faceExpressionFromWeights(weights);
}

/**
 * face-api's expression net as a `tf.LayersModel` with the given weights (names as in face-api's manifest).
 * Its input is face-api's after mean subtraction (RGB in [0, 1] minus mean/255).
 */
export function faceExpressionLayersModel(weights: Record<string, NamedWeight>): tfl.LayersModel {
  const need = (name: string): NamedWeight => {
    const w = weights[name];
    if (!w) throw new ForeignModelError("face_expression_model", `weight ${name} is missing`);
    return w;
  };
  const assignments: [tfl.layers.Layer, NamedWeight[]][] = [];
  const input = tfl.input({ shape: [112, 112, 3], name: "input" });
  const conv = (x: tfl.SymbolicTensor, p: string, stride: number): tfl.SymbolicTensor => {
    const name = p.replace("/", "_");
    if (p === "dense0/conv0") {
      const filters = need(`${p}/filters`);
      const layer = tfl.layers.conv2d({
        filters: filters.shape[3],
        kernelSize: 3,
        strides: stride,
        padding: "same",
        name,
      });
      assignments.push([layer, [filters, need(`${p}/bias`)]]);
      return layer.apply(x) as tfl.SymbolicTensor;
    }
    const pointwise = need(`${p}/pointwise_filter`);
    const layer = tfl.layers.separableConv2d({
      filters: pointwise.shape[3],
      kernelSize: 3,
      strides: stride,
      padding: "same",
      name,
    });
    assignments.push([layer, [need(`${p}/depthwise_filter`), pointwise, need(`${p}/bias`)]]);
    return layer.apply(x) as tfl.SymbolicTensor;
  };
  const relu = (x: tfl.SymbolicTensor, name: string) =>
    tfl.layers.reLU({ name }).apply(x) as tfl.SymbolicTensor;
  const add = (a: tfl.SymbolicTensor, b: tfl.SymbolicTensor, name: string) =>
    tfl.layers.add({ name }).apply([a, b]) as tfl.SymbolicTensor;
  // src/faceFeatureExtractor/denseBlock.ts, denseBlock4; the sums nest as face-api's tf.add calls do.
  let x = input;
  for (const b of [0, 1, 2, 3]) {
    const p = `dense${b}`;
    const out1 = relu(conv(x, `${p}/conv0`, 2), `${p}_out1`);
    const out2 = conv(out1, `${p}/conv1`, 1);
    const in3 = relu(add(out1, out2, `${p}_sum3`), `${p}_in3`);
    const out3 = conv(in3, `${p}/conv2`, 1);
    const in4 = relu(add(out1, add(out2, out3, `${p}_sum23`), `${p}_sum4`), `${p}_in4`);
    const out4 = conv(in4, `${p}/conv3`, 1);
    const sum = add(out1, add(out2, add(out3, out4, `${p}_sum34`), `${p}_sum234`), `${p}_sum`);
    x = relu(sum, p);
  }
  const pooled = tfl.layers.globalAveragePooling2d({ name: "gap" }).apply(x) as tfl.SymbolicTensor;
  const fcWeights = need("fc/weights");
  const fc = tfl.layers.dense({ units: fcWeights.shape[1], activation: "softmax", name: "fc" });
  const output = fc.apply(pooled) as tfl.SymbolicTensor;
  assignments.push([fc, [fcWeights, need("fc/bias")]]);
  const model = tfl.model({ inputs: input, outputs: output, name: "face-api-expression" });
  for (const [layer, values] of assignments) {
    const tensors = values.map((w) => tf.tensor(w.values, w.shape, w.dtype));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
  return model;
}

/** Build the adapted net from decoded weights (names as in face-api's manifest). */
export function faceExpressionFromWeights(weights: Record<string, NamedWeight>): PretrainedCamModel {
  const model = faceExpressionLayersModel(weights);
  const mean = tf.tensor1d(MEAN_RGB.map((m) => m / 255));
  const net = fromLayersModel(model, {
    name: "face-api-expression",
    labels: FACE_API_EXPRESSIONS,
    preprocess: (x) => tf.sub(x, mean),
  });
  return Object.freeze({
    ...net,
    gradCamLayer: "dense3",
    dispose: () => {
      mean.dispose();
      net.dispose();
    },
  });
}
