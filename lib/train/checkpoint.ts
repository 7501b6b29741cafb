/**
 * Training checkpoints: model weights and state, optimizer state, RNG state, epoch and metrics history, in one
 * binary file per epoch, written atomically (temporary file + rename) so a killed run never leaves a torn file,
 * and checked (SHA-256) so a damaged one is never used.
 *
 * File layout (little-endian): the 8 bytes "CAMDCKPT", a uint32 format version (2), a uint32 header length L,
 * L bytes of UTF-8 JSON header, zero padding to a multiple of 4 bytes, float32 values, then the 32-byte
 * SHA-256 of everything before it. The header's `tensors` list gives each array's group, name, shape and
 * offset (in floats) into the value block. Version 1 files (no SHA-256 trailer) are still read.
 *
 * {@linkcode latestCheckpoint} returns the newest checkpoint that passes its checks: a damaged one is reported
 * by name and renamed `<name>.corrupt`, so training resumes from the one before (or from scratch) and the
 * file never blocks a rerun.
 *
 * @module
 */
import type { RngState } from "../data/mod.ts";
import { CamDmriError } from "../errors.ts";
import { atomicWrite, sha256Hex } from "../fs.ts";
import type { NamedArray, OptimizerWeights } from "./optimizer.ts";

/** Per-epoch training metrics. */
export interface EpochMetrics {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size), in training mode. */
  loss: number;
  /** Training accuracy over the epoch (training-mode forward passes). */
  accuracy: number;
  /** Validation loss (absent without validation data). */
  valLoss?: number;
  /** Validation accuracy (absent without validation data). */
  valAccuracy?: number;
  /** Learning rate of the epoch's last step. */
  learningRate: number;
  /** Wall-clock seconds of the epoch (training + validation). */
  seconds: number;
}

/** Everything needed to continue a run exactly. */
export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  /** State of the trainer's generator after `epoch` epochs. */
  rngState: RngState;
  /** Metrics of epochs 1..epoch. */
  history: EpochMetrics[];
  /** Trainable variables by the model's names. */
  weights: Record<string, NamedArray>;
  /** Non-trainable model state (batch-norm statistics) by the model's names. */
  state: Record<string, NamedArray>;
  /** Optimizer state. */
  optimizer: OptimizerWeights;
  /** Anything else worth recording (model config, training options, seed, ...). JSON only. */
  info?: Record<string, unknown>;
}

/** Raised on unreadable or incompatible checkpoints; the message names the file. */
export class CheckpointError extends CamDmriError {
  /** The checkpoint file (the error's `source`). */
  readonly file: string;
  constructor(file: string, reason: string) {
    super(file, reason);
    this.name = "CheckpointError";
    this.file = file;
  }
}

const MAGIC = "CAMDCKPT";
const VERSION = 2;
const DIGEST_BYTES = 32;

interface TensorEntry {
  group: "weights" | "state" | "optimizer";
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/** File name of the checkpoint after `epoch` epochs: `epoch-0007.ckpt`. */
export function checkpointName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, "0")}.ckpt`;
}

/** Encode a checkpoint into the file format described in the module doc. */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const entries: TensorEntry[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  const add = (group: TensorEntry["group"], record: Record<string, NamedArray>) => {
    for (const name of Object.keys(record).sort()) {
      const { shape, values } = record[name];
      entries.push({ group, name, shape: [...shape], offset, length: values.length });
      arrays.push(values);
      offset += values.length;
    }
  };
  add("weights", checkpoint.weights);
  add("state", checkpoint.state);
  add("optimizer", checkpoint.optimizer.slots);
  const header = new TextEncoder().encode(JSON.stringify({
    epoch: checkpoint.epoch,
    rngState: checkpoint.rngState,
    history: checkpoint.history,
    optimizer: { name: checkpoint.optimizer.name, iteration: checkpoint.optimizer.iteration },
    info: checkpoint.info ?? {},
    tensors: entries,
  }));
  const dataStart = Math.ceil((16 + header.length) / 4) * 4;
  const body = dataStart + offset * 4;
  const bytes = new Uint8Array(body + DIGEST_BYTES);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, header.length, true);
  bytes.set(header, 16);
  const values = new Float32Array(bytes.buffer, dataStart, offset);
  arrays.forEach((a, k) => values.set(a, entries[k].offset));
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new CheckpointError("(encode)", "big-endian platforms are not supported");
  }
  bytes.set(hexBytes(sha256Hex(bytes.subarray(0, body))), body);
  return bytes;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Check a checkpoint file's bytes without decoding its tensors: magic, version, and (version 2) the SHA-256
 * trailer. Returns the length of the part before the trailer.
 *
 * @throws {CheckpointError} naming `file` and the problem.
 */
export function verifyCheckpointBytes(bytes: Uint8Array, file = "(checkpoint)"): number {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new CheckpointError(
      file,
      bytes.length < 16
        ? `not a cam-dmri checkpoint (${bytes.length} bytes: truncated)`
        : "not a cam-dmri checkpoint (bad magic)",
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 1) return bytes.length;
  if (version !== VERSION) throw new CheckpointError(file, `unsupported checkpoint version ${version}`);
  const body = bytes.length - DIGEST_BYTES;
  if (body < 16) throw new CheckpointError(file, "truncated (no checksum)");
  const stored = bytesHex(bytes.subarray(body));
  if (sha256Hex(bytes.subarray(0, body)) !== stored) {
    throw new CheckpointError(file, "checksum mismatch: the file is truncated or damaged");
  }
  return body;
}

/** Decode a checkpoint file's bytes; `file` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, file = "(checkpoint)"): Checkpoint {
  const end = verifyCheckpointBytes(bytes, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > end) throw new CheckpointError(file, "truncated header");
  // deno-lint-ignore no-explicit-any
  let header: any;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)));
  } catch (e) {
    throw new CheckpointError(file, `damaged header (not valid JSON: ${(e as Error).message})`);
  }
  if (
    header === null || typeof header !== "object" || !Array.isArray(header.tensors) ||
    typeof header.epoch !== "number" || typeof header.optimizer !== "object" || header.optimizer === null
  ) {
    throw new CheckpointError(file, "damaged header (missing epoch, optimizer or tensors)");
  }
  const dataStart = Math.ceil((16 + headerLength) / 4) * 4;
  const floats = Math.floor((end - dataStart) / 4);
  const checkpoint: Checkpoint = {
    epoch: header.epoch,
    rngState: header.rngState,
    history: header.history,
    weights: {},
    state: {},
    optimizer: { name: header.optimizer.name, iteration: header.optimizer.iteration, slots: {} },
    info: header.info,
  };
  for (const e of header.tensors as TensorEntry[]) {
    if (e.offset + e.length > floats) throw new CheckpointError(file, `truncated data (tensor ${e.name})`);
    // Copy into a fresh, aligned buffer.
    const values = new Float32Array(e.length);
    new Uint8Array(values.buffer).set(
      bytes.subarray(dataStart + e.offset * 4, dataStart + (e.offset + e.length) * 4),
    );
    const target = e.group === "optimizer" ? checkpoint.optimizer.slots : checkpoint[e.group];
    target[e.name] = { shape: e.shape, values };
  }
  return checkpoint;
}

/**
 * Write `checkpoint` to `<dir>/epoch-NNNN.ckpt` atomically (temporary file in the same directory, then
 * rename). Creates `dir`. Returns the path.
 *
 * @example
 * await writeCheckpoint("experiments/g/run-1/checkpoints", checkpoint);
 */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<string> {
  const path = `${dir}/${checkpointName(checkpoint.epoch)}`;
  await atomicWrite(path, encodeCheckpoint(checkpoint));
  return path;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw new CheckpointError(path, `cannot read (${(error as Error).message})`);
  }
}

/**
 * Read a checkpoint file.
 *
 * @throws {CheckpointError} naming the file when it cannot be read or fails its checks.
 */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await readBytes(path), path);
}

/** Epoch numbers of the complete checkpoints in `dir`, ascending (temporary files are ignored). */
export async function listCheckpoints(dir: string): Promise<number[]> {
  const epochs: number[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const m = /^epoch-(\d+)\.ckpt$/.exec(entry.name);
      if (m && entry.isFile) epochs.push(Number(m[1]));
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return epochs.sort((a, b) => a - b);
}

/** Options of {@linkcode latestCheckpoint}. */
export interface LatestCheckpointOptions {
  /**
   * Check each candidate (newest first) and set a damaged one aside (renamed `<name>.corrupt`, with a warning
   * naming it), returning the newest good one; false: the newest by name, unchecked. @default true
   */
  verify?: boolean;
}

/** Path of the newest (good, see the options) checkpoint in `dir`, or null when there is none. */
export async function latestCheckpoint(
  dir: string,
  options: LatestCheckpointOptions = {},
): Promise<string | null> {
  const epochs = await listCheckpoints(dir);
  for (let k = epochs.length - 1; k >= 0; k--) {
    const path = `${dir}/${checkpointName(epochs[k])}`;
    if (options.verify === false) return path;
    try {
      decodeCheckpoint(await readBytes(path), path);
      return path;
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      const fallback = k > 0
        ? `resuming from ${checkpointName(epochs[k - 1])} if it is good`
        : "starting over";
      console.warn(
        `[integrity] ${error.message}; set aside as ${checkpointName(epochs[k])}.corrupt, ${fallback}`,
      );
      await Deno.rename(path, `${path}.corrupt`).catch(() => Deno.remove(path).catch(() => {}));
    }
  }
  return null;
}
