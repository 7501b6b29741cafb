/**
 * ResizeBilinearGrad for the wasm backend: the exact adjoint of tfjs's bilinear resize, honouring
 * `halfPixelCenters` (stock wasm and cpu ignore it in the gradient; cpu also swaps height and width of the
 * result for non-square images). For output pixel (r, c) with source row s_r = ρ_h·(r + ½) − ½ (half-pixel) or
 * ρ_h·r, top = max(0, ⌊s_r⌋), bottom = min(H − 1, ⌈s_r⌉), α = s_r − top (likewise for columns, β):
 * dX[top, left] += (1 − α)(1 − β)·dy, dX[top, right] += (1 − α)β·dy, dX[bottom, left] += α(1 − β)·dy,
 * dX[bottom, right] += αβ·dy.
 *
 * @module
 */
import { type HeapBackend, type Info, type KernelArgs } from "./_kernel_util.ts";

function sourceIndex(scale: number, i: number, halfPixel: boolean, size: number) {
  const frac = halfPixel ? scale * (i + 0.5) - 0.5 : scale * i;
  const lo = Math.max(0, Math.floor(frac));
  return { lo, hi: Math.min(size - 1, Math.ceil(frac)), w: frac - lo };
}

/** ResizeBilinearGrad kernel (inputs images, dy; attrs alignCorners, halfPixelCenters). */
export function resizeBilinearGrad(
  args: KernelArgs,
): Info {
  const { images, dy } = args.inputs as { images: Info; dy: Info };
  const { alignCorners, halfPixelCenters } = args.attrs as {
    alignCorners: boolean;
    halfPixelCenters?: boolean;
  };
  const backend = args.backend as HeapBackend;
  const [batch, inH, inW, depth] = images.shape;
  const [, outH, outW] = dy.shape;
  const half = Boolean(halfPixelCenters);
  const scaleH = (alignCorners && outH > 1 ? inH - 1 : inH) / (alignCorners && outH > 1 ? outH - 1 : outH);
  const scaleW = (alignCorners && outW > 1 ? inW - 1 : inW) / (alignCorners && outW > 1 ? outW - 1 : outW);
  const rows = Array.from({ length: outH }, (_, r) => sourceIndex(scaleH, r, half, inH));
  const cols = Array.from({ length: outW }, (_, c) => sourceIndex(scaleW, c, half, inW));
  const out = backend.makeOutput(images.shape, "float32");
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const g = backend.typedArrayFromHeap(dy);
  let k = 0;
  for (let b = 0; b < batch; b++) {
    const base = b * inH * inW * depth;
    for (let r = 0; r < outH; r++) {
      const { lo: top, hi: bottom, w: a } = rows[r];
      for (let c = 0; c < outW; c++) {
        const { lo: left, hi: right, w: bw } = cols[c];
        const tl = base + (top * inW + left) * depth, tr = base + (top * inW + right) * depth;
        const bl = base + (bottom * inW + left) * depth, br = base + (bottom * inW + right) * depth;
        const wtl = (1 - a) * (1 - bw), wtr = (1 - a) * bw, wbl = a * (1 - bw), wbr = a * bw;
        for (let d = 0; d < depth; d++, k++) {
          const v = g[k];
          dx[tl + d] += v * wtl;
          dx[tr + d] += v * wtr;
          dx[bl + d] += v * wbl;
          dx[br + d] += v * wbr;
        }
      }
    }
  }
  return out;
}
