/**
 * face-api's face expression network (`@vladmandic/face-api`, model/face_expression_model), rebuilt on
 * tfjs-core from the package's weights manifest and its source (src/faceFeatureExtractor): four dense blocks
 * of (separable) 3x3 convs, 112 → 56 → 28 → 14 → 7, then a 7x7 average pool (= GAP of the 7x7x256 map) and
 * a dense layer to 7 expressions. The paper's GAP + dense head exactly, so CAM is M_c = Σ_k w_k^c f_k.
 */
import * as tf from "../tf.ts";
import { join } from "node:path";
import { ForeignModelError } from "./errors.ts";
import { constVariable, FixedCamModel, type LayerHook, type PretrainedCamModel } from "./_fixed_model.ts";
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
 * Load face-api's face expression net as a {@linkcode CamModel}. Input: face crops `[n, 112, 112, 3]`, RGB in
 * [0, 1] (face-api's own input scaled by 1/255); the mean RGB is subtracted inside, as face-api does.
 * Layers: `dense0` … `dense3` (the CAM layer, 7x7x256); classifier `fc/weights` `[256, 7]`, `fc/bias`.
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

/** Build the net from decoded weights (names as in face-api's manifest). */
export function faceExpressionFromWeights(weights: Record<string, NamedWeight>): PretrainedCamModel {
  const state: Record<string, tf.Variable> = {};
  for (const [name, w] of Object.entries(weights)) {
    if (name.startsWith("dense")) state[name] = constVariable(w.values, w.shape);
  }
  const need = (name: string) => {
    const v = state[name];
    if (!v) throw new ForeignModelError("face_expression_model", `weight ${name} is missing`);
    return v;
  };
  for (const b of [0, 1, 2, 3]) {
    for (const c of [0, 1, 2, 3]) {
      need(`dense${b}/conv${c}/bias`);
      if (b === 0 && c === 0) need("dense0/conv0/filters");
      else need(`dense${b}/conv${c}/depthwise_filter`), need(`dense${b}/conv${c}/pointwise_filter`);
    }
  }
  const fcW = weights["fc/weights"];
  const fcB = weights["fc/bias"];
  if (!fcW || !fcB) {
    throw new ForeignModelError("face_expression_model", "weight fc/weights or fc/bias is missing");
  }

  const sep = (x: tf.Tensor4D, p: string, stride: number) =>
    tf.add(
      tf.separableConv2d(
        x,
        state[`${p}/depthwise_filter`] as tf.Tensor4D,
        state[`${p}/pointwise_filter`] as tf.Tensor4D,
        stride,
        "same",
      ),
      state[`${p}/bias`],
    ) as tf.Tensor4D;
  // src/faceFeatureExtractor/denseBlock.ts, denseBlock4
  const block = (x: tf.Tensor4D, b: number): tf.Tensor4D => {
    const p = `dense${b}`;
    const out1 = tf.relu(
      b === 0
        ? tf.add(
          tf.conv2d(x, state["dense0/conv0/filters"] as tf.Tensor4D, 2, "same"),
          state["dense0/conv0/bias"],
        )
        : sep(x, `${p}/conv0`, 2),
    ) as tf.Tensor4D;
    const out2 = sep(out1, `${p}/conv1`, 1);
    const in3 = tf.relu(tf.add(out1, out2)) as tf.Tensor4D;
    const out3 = sep(in3, `${p}/conv2`, 1);
    const in4 = tf.relu(tf.add(out1, tf.add(out2, out3))) as tf.Tensor4D;
    const out4 = sep(in4, `${p}/conv3`, 1);
    return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4)))) as tf.Tensor4D;
  };
  const forward = (input: tf.Tensor4D, hook: LayerHook) => {
    let x = tf.sub(input, tf.tensor1d(MEAN_RGB.map((m) => m / 255))) as tf.Tensor4D;
    for (const b of [0, 1, 2, 3]) x = hook(`dense${b}`, block(x, b)) as tf.Tensor4D;
    return { features: x };
  };
  const model = new FixedCamModel({
    config: {
      name: "face-api-expression",
      inputShape: [112, 112, 3],
      numClasses: fcW.shape[1],
      pooling: "gap",
      widthMultiplier: 1,
      source: `npm:${FACE_API_PACKAGE.name}@${FACE_API_PACKAGE.version} model/face_expression_model`,
    },
    layerNames: ["dense0", "dense1", "dense2", "dense3"],
    convLayers: ["dense0", "dense1", "dense2", "dense3"],
    camLayer: "dense3",
    state,
    classifierWeights: constVariable(fcW.values, fcW.shape),
    classifierBias: constVariable(fcB.values, fcB.shape),
    forward,
  });
  return Object.assign(model, { labels: FACE_API_EXPRESSIONS, gradCamLayer: "dense3" }) as PretrainedCamModel;
}
