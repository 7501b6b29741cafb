/**
 * TensorFlow.js model files on disk, offline: a `model.json` (graph model or layers model) with its weight
 * shards read into memory and handed to tfjs-converter's `loadGraphModel` / tfjs-layers' `loadLayersModel`
 * through `tf.io.fromMemory`; and `model.save` to a folder through `tf.io.withSaveHandler` (what tfjs-node's
 * `file://` handler writes: `model.json` + `weights.bin`).
 */
import * as tf from "../tf.ts";
import { join } from "node:path";
import { type LayersModel, loadLayersModel } from "@tensorflow/tfjs-layers";
import { type GraphModel, loadGraphModel } from "@tensorflow/tfjs-converter";
import { ForeignModelError } from "./errors.ts";
import { type ManifestGroup, readJson, readWeightBuffers } from "./weights_manifest.ts";

/**
 * Read a `model.json` and its weight shards (paths relative to it) as TensorFlow.js model artifacts.
 *
 * @example
 * const artifacts = await readModelArtifacts(`${humanDir}/models/emotion.json`);
 * artifacts.format; // "graph-model"
 */
export async function readModelArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  const json = await readJson(path) as tf.io.ModelJSON;
  if (!json || typeof json !== "object" || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ForeignModelError(
      path,
      "not a TensorFlow.js model.json (needs modelTopology and weightsManifest)",
    );
  }
  const dir = path.slice(0, Math.max(0, path.lastIndexOf("/"))) || ".";
  return await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const buffers = await readWeightBuffers(dir, manifest as ManifestGroup[]);
    const specs = manifest.flatMap((g) => g.weights);
    const data = tf.io.concatenateArrayBuffers(
      buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer),
    );
    return [specs, data];
  });
}

/**
 * Load a graph model (`format: "graph-model"`) from its files with tfjs-converter.
 *
 * @example
 * const graph = await loadGraphModelFile(`${humanDir}/models/emotion.json`);
 * const net = fromGraphModel(graph, { name: "human-emotion" });
 */
export async function loadGraphModelFile(path: string): Promise<GraphModel> {
  const artifacts = await readModelArtifacts(path);
  if (artifacts.format !== undefined && artifacts.format !== "graph-model") {
    throw new ForeignModelError(
      path,
      `format is ${artifacts.format}, not graph-model (use loadLayersModelFile)`,
    );
  }
  return await loadGraphModel(tf.io.fromMemory(artifacts));
}

/**
 * Load a layers model (`format: "layers-model"`, e.g. written by `model.save`) from its files with
 * tfjs-layers.
 *
 * @example
 * await model.save(folderSaveHandler("/tmp/net"));
 * const again = await loadLayersModelFile("/tmp/net/model.json");
 */
export async function loadLayersModelFile(path: string): Promise<LayersModel> {
  const artifacts = await readModelArtifacts(path);
  if (artifacts.format !== undefined && artifacts.format !== "layers-model") {
    throw new ForeignModelError(
      path,
      `format is ${artifacts.format}, not layers-model (use loadGraphModelFile)`,
    );
  }
  return await loadLayersModel(tf.io.fromMemory(artifacts));
}

/**
 * A save handler for `model.save` that writes `model.json` and `weights.bin` into `dir` (created if
 * missing), as tfjs-node's `file://` handler does.
 *
 * @example
 * await model.save(folderSaveHandler(dir)); // dir/model.json, dir/weights.bin
 */
export function folderSaveHandler(dir: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    await Deno.mkdir(dir, { recursive: true });
    const data = artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[]);
    const manifest = [{ paths: ["weights.bin"], weights: artifacts.weightSpecs ?? [] }];
    const json: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology ?? {},
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: manifest,
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.signature ? { signature: artifacts.signature } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };
    await Deno.writeFile(join(dir, "weights.bin"), new Uint8Array(data));
    await Deno.writeTextFile(join(dir, "model.json"), JSON.stringify(json));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}
