/** Cluttered garments: the cluttered-digits generator on Fashion-MNIST (a transfer target set). */
import { type ClutteredDigits, clutteredDigits, type ClutteredDigitsOptions } from "./cluttered_digits.ts";
import { SynthError } from "./errors.ts";
import { loadMnist } from "./mnist.ts";

/** Where Debian's `dataset-fashion-mnist` puts the IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** Fashion-MNIST's class names, in label order. */
export const FASHION_CLASSES = [
  "t-shirt/top",
  "trouser",
  "pullover",
  "dress",
  "coat",
  "sandal",
  "shirt",
  "sneaker",
  "bag",
  "ankle boot",
] as const;

/** Options of {@linkcode loadClutteredGarments}. */
export interface ClutteredGarmentsOptions extends ClutteredDigitsOptions {
  /** Folder of Fashion-MNIST's IDX files (same names as MNIST's, gzipped or not). @default $FASHION_MNIST_DIR, else Debian's folder */
  dir?: string;
}

/** The Fashion-MNIST folder in use, or undefined when it is not on this machine. */
export async function fashionMnistDir(dir?: string): Promise<string | undefined> {
  let env: string | undefined;
  try {
    env = Deno.env.get("FASHION_MNIST_DIR");
  } catch {
    env = undefined;
  }
  const folder = dir ?? env ?? DEBIAN_FASHION_MNIST_DIR;
  for (const name of ["train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz"]) {
    try {
      if ((await Deno.stat(`${folder}/${name}`)).isFile) return folder;
    } catch {
      // look on
    }
  }
  return undefined;
}

/**
 * Cluttered garments: the cluttered-digits generator run on Fashion-MNIST instead of MNIST (one garment
 * at a random scale and place, fragments of other garments, noise; exact boxes). Classes: {@linkcode FASHION_CLASSES}.
 *
 * @example
 * const garments = await loadClutteredGarments({ size: 32, counts: { train: 500, val: 100, test: 200 } });
 */
export async function loadClutteredGarments(
  options: ClutteredGarmentsOptions = {},
): Promise<ClutteredDigits> {
  const dir = await fashionMnistDir(options.dir);
  if (!dir) {
    throw new SynthError(
      options.dir ?? DEBIAN_FASHION_MNIST_DIR,
      "no Fashion-MNIST IDX files; install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR",
    );
  }
  const [train, test] = await Promise.all([loadMnist("train", { dir }), loadMnist("test", { dir })]);
  return clutteredDigits({ train, test }, options);
}
