/**
 * Human's emotion model (`@vladmandic/human`, models/emotion.json: oarriaga's mini-Xception trained on
 * FER-2013): 64x64 grey → separable-conv residual blocks → conv 3x3 to 7 channels → GAP → softmax. The last
 * conv already has one channel per expression, so the wrapped model's CAM layer is that 7-channel map and
 * its classifier is the identity (see {@linkcode graphCamModel}).
 */
import * as tf from "../tf.ts";
import { join } from "node:path";
import type { PretrainedCamModel } from "./_fixed_model.ts";
import { graphCamModel, readGraphModel } from "./graph_model.ts";
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
 * Load human's emotion net as a {@linkcode CamModel}. Input: grey face crops `[n, 64, 64, 1]` in [0, 1]
 * (e.g. `faceCrops(image, boxes, { size: 64, grey: true })`); inside, g ↦ (g − 0.5) · 2 as human does.
 *
 * @example
 * const net = await loadEmotionNet();
 * const maps = await gradCam(net, faces, { layer: "add_2/add", classIndex: 3 }); // "happy"
 */
export async function loadEmotionNet(options: LoadEmotionOptions = {}): Promise<PretrainedCamModel> {
  const graph = await readGraphModel(emotionModelPath(options.packageDir));
  return graphCamModel(graph, {
    name: "human-emotion",
    labels: HUMAN_EMOTIONS,
    gradCamLayer: "add_2/add",
    preprocess: (x) => tf.mul(tf.sub(x, 0.5), 2) as tf.Tensor4D,
  });
}
