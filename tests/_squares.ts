/** The tiny boxed dataset shared by tests/probes and tests/study/transfer. */
import { arrayDataset, type Dataset, type Sample } from "../lib/data/mod.ts";

/**
 * Tiny two-class images (16x16x1): a bright 4x4 square in the left half (class 0) or the right half
 * (class 1), at a position that varies with i, plus a faint deterministic texture. Boxes are inclusive
 * [x0, y0, x1, y1].
 */
export function squares(count: number, offset = 0): Dataset & { boxes: [number, number, number, number][] } {
  const samples: Sample[] = [];
  const boxes: [number, number, number, number][] = [];
  for (let j = 0; j < count; j++) {
    const i = j + offset;
    const label = i % 2;
    const image = new Float32Array(256);
    for (let p = 0; p < 256; p++) image[p] = 0.05 * (((p * 7 + i * 13) % 11) / 11);
    const x0 = (label === 0 ? 1 : 9) + (i % 3);
    const y0 = 2 + ((i * 5) % 9);
    for (let y = y0; y < y0 + 4; y++) for (let x = x0; x < x0 + 4; x++) image[y * 16 + x] = 1;
    samples.push({ image, height: 16, width: 16, channels: 1, label });
    boxes.push([x0, y0, x0 + 3, y0 + 3]);
  }
  return Object.assign(arrayDataset(samples), { boxes });
}
