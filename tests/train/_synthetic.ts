/** Synthetic "blob vs no blob" images for training tests: label 1 = a bright Gaussian blob somewhere, 0 = noise. */
import { arrayDataset, type Dataset, Rng, type Sample } from "../../lib/data/mod.ts";

export function blobDataset(
  count: number,
  options: { size?: number; seed?: number; noise?: number } = {},
): Dataset {
  const { size = 16, seed = 0, noise = 0.2 } = options;
  const rng = new Rng(seed);
  const samples: Sample[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    const image = new Float32Array(size * size);
    const cy = rng.uniform(3, size - 3), cx = rng.uniform(3, size - 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const blob = label ? Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * 1.5 ** 2)) : 0;
        image[y * size + x] = blob + rng.normal(0, noise);
      }
    }
    samples.push({
      image,
      height: size,
      width: size,
      channels: 1,
      label,
      subject: `s${n % 10}`,
      group: label,
    });
  }
  return arrayDataset(samples);
}

/**
 * The backend for training tests: lib/backend's initBackend (which also registers TensorFlow.js's gradients),
 * wasm with lib/backend's training kernels (about 100x faster than cpu on these shapes), else cpu.
 * CAM_BACKEND overrides the choice.
 */
export async function testBackend(): Promise<string> {
  const { initBackend } = await import("../../lib/backend/mod.ts");
  try {
    return (await initBackend({ backend: "wasm" })).name;
  } catch {
    return (await initBackend({ backend: "cpu" })).name;
  }
}
