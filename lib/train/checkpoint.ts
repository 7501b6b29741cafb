/**
 * Training checkpoints: model weights and state, optimizer state, RNG state, epoch and metrics history, in one
 * binary file per epoch, written atomically (temporary file + rename) so a killed run never leaves a torn file.
 *
 * File layout (little-endian): the 8 bytes "CAMDCKPT", a uint32 format version (1), a uint32 header length L,
 * L bytes of UTF-8 JSON header, zero padding to a multiple of 4 bytes, then float32 values. The header's
 * `tensors` list gives each array's group, name, shape and offset (in floats) into the value block.
 *
 * @module
 */
import type { RngState } from "../data/mod.ts";
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
export class CheckpointError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = "CheckpointError";
  }
}

const MAGIC = "CAMDCKPT";
const VERSION = 1;

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
  const bytes = new Uint8Array(dataStart + offset * 4);
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
  return bytes;
}

/** Decode a checkpoint file's bytes; `file` names it in errors. */
export function decodeCheckpoint(bytes: Uint8Array, file = "(checkpoint)"): Checkpoint {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new CheckpointError(file, "not a cam-dmri checkpoint (bad magic)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw new CheckpointError(file, `unsupported checkpoint version ${version}`);
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length) throw new CheckpointError(file, "truncated header");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + headerLength)));
  const dataStart = Math.ceil((16 + headerLength) / 4) * 4;
  const floats = (bytes.length - dataStart) / 4;
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
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${checkpointName(checkpoint.epoch)}`;
  const tmp = `${path}.tmp-${Deno.pid}-${Date.now()}`;
  try {
    await Deno.writeFile(tmp, encodeCheckpoint(checkpoint));
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  return path;
}

/** Read a checkpoint file. */
export async function readCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new CheckpointError(path, `cannot read (${(error as Error).message})`);
  }
  return decodeCheckpoint(bytes, path);
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

/** Path of the checkpoint with the highest epoch in `dir`, or null when there is none. */
export async function latestCheckpoint(dir: string): Promise<string | null> {
  const epochs = await listCheckpoints(dir);
  return epochs.length ? `${dir}/${checkpointName(epochs[epochs.length - 1])}` : null;
}
