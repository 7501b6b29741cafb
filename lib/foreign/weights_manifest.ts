/** TensorFlow.js weights manifests (`*-weights_manifest.json`, or `weightsManifest` of a model.json). */
import { join } from "node:path";
import { ForeignModelError } from "./errors.ts";

/** Quantization of one stored weight: value = q · scale + min (TensorFlow.js affine uint8/uint16). */
export interface WeightQuantization {
  dtype: "uint8" | "uint16" | "float16";
  scale?: number;
  min?: number;
}

/** One weight of a manifest group. */
export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  quantization?: WeightQuantization;
}

/** One group: its weights are stored back to back in the concatenation of `paths`. */
export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/** A decoded weight, row-major (TensorFlow layout: conv kernels `[kh, kw, in, out]`). */
export interface NamedWeight {
  shape: number[];
  dtype: "float32" | "int32";
  values: Float32Array | Int32Array;
}

/**
 * Decode the weights of a manifest from the group buffers (one `Uint8Array` per group: its shard files
 * concatenated). Quantized weights are dequantized as value = q · scale + min; float32 and int32 are read
 * little-endian. Pure: no file access.
 *
 * @param source Name used in error messages (the manifest's file).
 */
export function decodeWeights(
  groups: readonly ManifestGroup[],
  buffers: readonly Uint8Array[],
  source = "weights manifest",
): Record<string, NamedWeight> {
  if (buffers.length !== groups.length) {
    throw new ForeignModelError(source, `${groups.length} weight groups but ${buffers.length} buffers`);
  }
  const out: Record<string, NamedWeight> = {};
  groups.forEach((group, g) => {
    const buf = buffers[g];
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let offset = 0;
    for (const entry of group.weights) {
      const size = entry.shape.reduce((a, b) => a * b, 1);
      const q = entry.quantization;
      const bytesPer = q ? (q.dtype === "uint8" ? 1 : 2) : 4;
      if (offset + size * bytesPer > buf.byteLength) {
        throw new ForeignModelError(
          source,
          `weight ${entry.name} needs ${size * bytesPer} bytes, the buffer ends after ${
            buf.byteLength - offset
          }`,
        );
      }
      let values: Float32Array | Int32Array;
      if (q) {
        if (q.dtype === "float16") {
          throw new ForeignModelError(source, `weight ${entry.name}: float16 quantization is not supported`);
        }
        const scale = q.scale ?? 1;
        const min = q.min ?? 0;
        values = new Float32Array(size);
        for (let i = 0; i < size; i++) {
          const raw = q.dtype === "uint8" ? buf[offset + i] : view.getUint16(offset + 2 * i, true);
          values[i] = raw * scale + min;
        }
        if (entry.dtype === "int32") values = Int32Array.from(values, Math.round);
      } else if (entry.dtype === "int32") {
        values = new Int32Array(size);
        for (let i = 0; i < size; i++) values[i] = view.getInt32(offset + 4 * i, true);
      } else {
        values = new Float32Array(size);
        for (let i = 0; i < size; i++) values[i] = view.getFloat32(offset + 4 * i, true);
      }
      out[entry.name] = { shape: entry.shape.slice(), dtype: entry.dtype, values };
      offset += size * bytesPer;
    }
    if (offset !== buf.byteLength) {
      throw new ForeignModelError(
        source,
        `group ${g} holds ${buf.byteLength} bytes but its weights use ${offset}`,
      );
    }
  });
  return out;
}

/** Read every group's shard files (relative to `dir`) and concatenate them per group. */
export async function readWeightBuffers(
  dir: string,
  groups: readonly ManifestGroup[],
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const group of groups) {
    const parts: Uint8Array[] = [];
    for (const p of group.paths) {
      try {
        parts.push(await Deno.readFile(join(dir, p)));
      } catch (e) {
        throw new ForeignModelError(join(dir, p), `cannot read weight shard (${(e as Error).message})`);
      }
    }
    const total = parts.reduce((a, p) => a + p.byteLength, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      joined.set(p, at);
      at += p.byteLength;
    }
    out.push(joined);
  }
  return out;
}

/**
 * Read a weights manifest file and its shards and decode them: the format of face-api's
 * `*-weights_manifest.json` files.
 *
 * @example
 * const w = await readWeightsManifest(`${dir}/model/face_expression_model-weights_manifest.json`);
 * w["fc/weights"].shape; // [256, 7]
 */
export async function readWeightsManifest(path: string): Promise<Record<string, NamedWeight>> {
  const groups = await readJson(path) as ManifestGroup[];
  if (!Array.isArray(groups)) {
    throw new ForeignModelError(path, "not a weights manifest (expected an array of groups)");
  }
  const dir = path.slice(0, Math.max(0, path.lastIndexOf("/"))) || ".";
  return decodeWeights(groups, await readWeightBuffers(dir, groups), path);
}

/** Parse a JSON file, with the path in the error. */
export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new ForeignModelError(path, `cannot read (${(e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ForeignModelError(path, "not valid JSON");
  }
}
