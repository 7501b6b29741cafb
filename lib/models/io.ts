/**
 * Save and load models: `model.json` (format, config, tensor index) next to `weights.bin` (raw float32,
 * little-endian, trainable then state variables). Both files are written atomically (temp file + rename),
 * weights first, so a reader never sees a half-written pair named `model.json`.
 *
 * @module
 */
import { atomicWrite } from "../fs.ts";
import type { ZooConfig } from "./config.ts";
import { createModel } from "./create_model.ts";
import { ModelError } from "./errors.ts";
import type { CamModel } from "./model.ts";
import type { ZooModel } from "./_network.ts";
import { getWeights, modelVariables, setWeights, type WeightMap } from "./weights.ts";

/** `format` field of `model.json`. */
export const MODEL_FORMAT = "cam-dmri-model";
/** `version` field of `model.json`. */
export const MODEL_FORMAT_VERSION = 1;

/** One tensor in `weights.bin`. */
export interface TensorEntry {
  name: string;
  group: "trainable" | "state";
  shape: number[];
  /** Start, in float32 elements, within `weights.bin`. */
  offset: number;
  /** Number of float32 elements. */
  length: number;
}

/** The content of `model.json`. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  config: ZooConfig;
  weights: {
    file: "weights.bin";
    dtype: "float32";
    byteOrder: "little";
    length: number;
    tensors: TensorEntry[];
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function toBytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function fromBytes(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/**
 * Write `dir/model.json` and `dir/weights.bin` (creating `dir`). The model's config must be a zoo config
 * (one `createModel` made), so that {@link loadModel} can rebuild it.
 */
export async function saveModel(model: CamModel, dir: string): Promise<void> {
  const weights = await getWeights(model);
  const stateNames = new Set(Object.keys(model.state));
  const vars = modelVariables(model);
  const tensors: TensorEntry[] = [];
  let length = 0;
  for (const [name, values] of Object.entries(weights)) {
    tensors.push({
      name,
      group: stateNames.has(name) ? "state" : "trainable",
      shape: [...vars[name].shape],
      offset: length,
      length: values.length,
    });
    length += values.length;
  }
  const flat = new Float32Array(length);
  for (const t of tensors) flat.set(weights[t.name], t.offset);
  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    config: model.config as ZooConfig,
    weights: { file: "weights.bin", dtype: "float32", byteOrder: "little", length, tensors },
  };
  await Deno.mkdir(dir, { recursive: true });
  await atomicWrite(`${dir}/weights.bin`, toBytes(flat));
  await atomicWrite(`${dir}/model.json`, new TextEncoder().encode(JSON.stringify(file, null, 1) + "\n"));
}

async function readOrThrow<T>(path: string, read: (p: string) => Promise<T>): Promise<T> {
  try {
    return await read(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new ModelError(path, "file not found");
    throw err;
  }
}

/**
 * Rebuild a model saved by {@link saveModel} and restore every variable exactly (bit-for-bit).
 *
 * @throws {ModelError} missing files, not a model file, a size or tensor list that does not match the config.
 */
export async function loadModel(dir: string): Promise<ZooModel> {
  const jsonPath = `${dir}/model.json`;
  const text = await readOrThrow(jsonPath, Deno.readTextFile);
  let file: ModelFile;
  try {
    file = JSON.parse(text);
  } catch {
    throw new ModelError(jsonPath, "not valid JSON");
  }
  if (file?.format !== MODEL_FORMAT) throw new ModelError(jsonPath, `not a ${MODEL_FORMAT} file`);
  if (file.version !== MODEL_FORMAT_VERSION) {
    throw new ModelError(
      jsonPath,
      `unsupported version ${file.version} (this reader knows ${MODEL_FORMAT_VERSION})`,
    );
  }
  const binPath = `${dir}/${file.weights?.file ?? "weights.bin"}`;
  const bytes = await readOrThrow(binPath, Deno.readFile);
  const expected = file.weights.length * 4;
  if (bytes.length !== expected) {
    throw new ModelError(binPath, `has ${bytes.length} bytes, model.json says ${expected}`);
  }
  const flat = fromBytes(bytes);
  const model = createModel(file.config.name, file.config);
  try {
    const vars = modelVariables(model);
    const weights: WeightMap = {};
    for (const t of file.weights.tensors) {
      const v = vars[t.name];
      if (!v || v.shape.join("x") !== t.shape.join("x")) {
        throw new ModelError(
          jsonPath,
          `tensor "${t.name}" [${t.shape}] does not match the model built from the config`,
        );
      }
      if (t.offset < 0 || t.offset + t.length > flat.length || t.length !== v.size) {
        throw new ModelError(jsonPath, `tensor "${t.name}" lies outside weights.bin`);
      }
      weights[t.name] = flat.subarray(t.offset, t.offset + t.length);
    }
    const missing = Object.keys(vars).filter((name) => !(name in weights));
    if (missing.length > 0) throw new ModelError(jsonPath, `missing tensors ${missing.join(", ")}`);
    setWeights(model, weights);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
