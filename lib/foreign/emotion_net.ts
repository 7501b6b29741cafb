/**
 * Human's emotion model (`@vladmandic/human`, models/emotion.json: oarriaga's mini-Xception trained on
 * FER-2013): 64x64 grey → separable-conv residual blocks → conv 3x3 to 7 channels → GAP → softmax, loaded
 * with tfjs-converter and adapted by {@linkcode fromGraphModel}. The last conv already has one channel per
 * expression, so the CAM layer is that 7-channel map and the classifier is the identity.
 */
import * as tf from "../tf.ts";
import { join } from "node:path";
import type { PretrainedCamModel } from "./_adapter.ts";
import { fromGraphModel } from "./graph_model.ts";
import { loadGraphModelFile } from "./model_files.ts";
import { packageDirOrThrow } from "./npm_package.ts";

/** The npm package and version whose files {@linkcode loadEmotionNet} reads. */
export const HUMAN_PACKAGE = { name: "@vladmandic/human", version: "3.3.6" } as const;

/** Human's expression order for the grey oarriaga model (src/gear/emotion.ts). */
export const HUMAN_EMOTIONS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"] as const;

/** Options of {@linkcode loadEmotionNet}. */
export interface LoadEmotionOptions {
  /** The human package folder. @default found by `npmPackageDir` (fetch with `deno cache npm:@vladmandic/human@3.3.6`) */
  packageDir?: string;
}

/** The emotion model.json inside the package. */
export function emotionModelPath(packageDir?: string): string {
  return join(
    packageDir ?? packageDirOrThrow(HUMAN_PACKAGE.name, HUMAN_PACKAGE.version),
    "models",
    "emotion.json",
  );
}

/**
 * Load human's emotion net as an Explainable. Input: grey face crops `[n, 64, 64, 1]` in [0, 1]
 * (e.g. `faceCrops(image, boxes, { size: 64, grey: true })`); inside, g ↦ (g − 0.5) · 2 as human does.
 * Scores: the GAP output before the softmax. `dispose()` frees the graph's weights.
 *
 * @example
 * const net = await loadEmotionNet();
 * const maps = await gradCam(net, faces, { layer: "add_2/add", classIndex: 3 }); // "happy"
 */
export async function loadEmotionNet(options: LoadEmotionOptions = {}): Promise<PretrainedCamModel> {
  const graph = await loadGraphModelFile(emotionModelPath(options.packageDir));
  const net = fromGraphModel(graph, {
    name: "human-emotion",
    labels: HUMAN_EMOTIONS,
    scores: "probabilities",
    preprocess: (x) => tf.mul(tf.sub(x, 0.5), 2),
  });
  return Object.freeze({ ...net, gradCamLayer: "add_2/add" });
}
