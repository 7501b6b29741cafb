/**
 * Human's face description model (`@vladmandic/human`, models/faceres.json): a MobileNet on 224x224 RGB faces
 * → global average pooling → a dense "feats" layer (ReLU, the 1024-value descriptor) → heads for gender
 * (sigmoid) and age (softmax over 100 one-year bins). Loaded with tfjs-converter and adapted by
 * {@linkcode fromGraphModel} with the age head as the explained output. Its head is pool → dense → dense, so
 * plain CAM does not apply (it throws, saying so); Grad-CAM and the other gradient methods do.
 */
import * as tf from "../tf.ts";
import { join } from "node:path";
import type { PretrainedCamModel } from "./_adapter.ts";
import { HUMAN_PACKAGE } from "./emotion_net.ts";
import { fromGraphModel } from "./graph_model.ts";
import { loadGraphModelFile } from "./model_files.ts";
import { packageDirOrThrow } from "./npm_package.ts";

/** The age bins of faceres: bin i is i years. */
export const FACERES_AGES: readonly string[] = Object.freeze(Array.from({ length: 100 }, (_, i) => `${i} y`));

/** Options of {@linkcode loadFaceResNet}. */
export interface LoadFaceResOptions {
  /** The human package folder. @default found by `npmPackageDir` (fetch with `deno cache npm:@vladmandic/human@3.3.6`) */
  packageDir?: string;
}

/** The faceres model.json inside the package. */
export function faceResModelPath(packageDir?: string): string {
  return join(
    packageDir ?? packageDirOrThrow(HUMAN_PACKAGE.name, HUMAN_PACKAGE.version),
    "models",
    "faceres.json",
  );
}

/**
 * Load human's faceres net with its age head as an Explainable. Input: RGB face crops `[n, 224, 224, 3]` in
 * [0, 1] (e.g. `faceCrops(image, boxes, { size: 224 })`); inside, x ↦ 255·x as human does. Scores: the age
 * head's pre-softmax output (`age_pred/BiasAdd`), 100 classes (years). The CAM layer is the last MobileNet
 * map (`conv_pw_13_relu/clip_by_value`, 7x7); Grad-CAM is shown at `conv_pw_11_relu/clip_by_value` (14x14).
 *
 * @example
 * const net = await loadFaceResNet();
 * const maps = await gradCam(net, faces, { layer: net.gradCamLayer }); // where it looks for the predicted age
 */
export async function loadFaceResNet(options: LoadFaceResOptions = {}): Promise<PretrainedCamModel> {
  const graph = await loadGraphModelFile(faceResModelPath(options.packageDir));
  const net = fromGraphModel(graph, {
    name: "human-faceres",
    output: "age_pred/Softmax",
    labels: FACERES_AGES,
    preprocess: (x) => tf.mul(x, 255),
  });
  return Object.freeze({ ...net, gradCamLayer: "conv_pw_11_relu/clip_by_value" });
}

/**
 * Human's age estimate from the 100 age probabilities of one face (src/face/faceres.ts): the top bin i moved
 * towards its more probable neighbour, i − 10·p_{i−1} or i + 10·p_{i+1} years, rounded to 0.1.
 *
 * @example
 * humanAge(probabilities.subarray(0, 100)); // 31.4
 */
export function humanAge(probabilities: ArrayLike<number>): number {
  let top = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[top]) top = i;
  const below = probabilities[top - 1] ?? 0, above = probabilities[top + 1] ?? 0;
  return Math.round(below > above ? 10 * top - 100 * below : 10 * top + 100 * above) / 10;
}
