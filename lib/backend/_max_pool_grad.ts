/**
 * A correct MaxPoolGrad for the wasm backend. Stock wasm starts its running max at +FLT_MIN and keeps the
 * last of tied maxima, so windows whose values are all ≤ 0 lose their gradient. Here, as on the cpu backend,
 * each window's gradient goes to the first (row-major) position holding its maximum:
 * dX[n, h, w, c] = Σ_{windows W ∋ (h, w)} dy[n, W, c] · [(h, w) = first argmax of x over W].
 *
 * @module
 */
import {
  type HeapBackend,
  type Info,
  type KernelArgs,
  padOrCrop,
  reshape,
  run,
  scoped,
  transpose,
  type WasmLike,
} from "./_kernel_util.ts";
import { depthwiseInputGrad, tapFilter } from "./_depthwise_grads.ts";
import { type PoolAttrs, poolProblem } from "./_geometry.ts";

/** Stands in for −∞ in padding: finite, so that 0 · pad = 0 inside the tap-gathering conv. */
const NEG_MAX = -3.4028234663852886e38;

/** Gradient mask × dy for `[rows, taps]` windows: oneHot(argmax) · dy. */
function routeToArgmax(backend: WasmLike, windows: Info, dy: Info): Info {
  const [rows, taps] = windows.shape;
  return scoped(backend, (use) => {
    const idx = use(run(backend, "ArgMax", { x: windows }, { axis: 1 }));
    const hot = use(
      run(backend, "OneHot", { indices: idx }, { depth: taps, onValue: 1, offValue: 0, dtype: "int32" }),
    );
    const hotF = use(run(backend, "Cast", { x: hot }, { dtype: "float32" }));
    const dy2 = use(reshape(backend, dy, [rows, 1]));
    return run(backend, "Multiply", { a: hotF, b: dy2 });
  });
}

/**
 * MaxPoolGrad kernel (inputs dy, input, output; attrs filterSize, strides, pad, dimRoundingMode), as one
 * pass over the wasm heap: for each window, per channel, the first position whose value is greater than
 * every earlier one (running max from −∞, taps in row-major order — the cpu backend's rule; taps in the
 * padding are skipped) receives dy. About 10x faster than the composed form below.
 */
export function maxPoolGrad(
  args: KernelArgs,
): Info {
  const { dy, input: x } = args.inputs as { dy: Info; input: Info };
  const { n, h: inH, w: inW, c, kh: fh, kw: fw, sh, sw, oh, ow, top: pt, left: pl } = poolProblem(
    x.shape,
    args.attrs as unknown as PoolAttrs,
  );
  const backend = args.backend as HeapBackend;
  const out = backend.makeOutput(x.shape, "float32");
  // Views after the last allocation: growing wasm memory detaches earlier ones.
  const dx = backend.typedArrayFromHeap(out);
  const xv = backend.typedArrayFromHeap(x);
  const g = backend.typedArrayFromHeap(dy);
  dx.fill(0);
  if (
    fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && 2 * oh <= inH && 2 * ow <= inW
  ) {
    // The common 2×2/2 window fully inside the image: four taps in registers.
    const row = inW * c;
    let k = 0;
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < oh; p++) {
        for (let q = 0; q < ow; q++) {
          const t0 = b * inH * row + 2 * p * row + 2 * q * c, t1 = t0 + c, t2 = t0 + row, t3 = t2 + c;
          for (let ch = 0; ch < c; ch++, k++) {
            // Running max from −∞ with ">", exactly as the cpu backend (NaN and −∞ never win).
            let at = -1, best = -Infinity;
            if (xv[t0 + ch] > best) (best = xv[t0 + ch], at = t0 + ch);
            if (xv[t1 + ch] > best) (best = xv[t1 + ch], at = t1 + ch);
            if (xv[t2 + ch] > best) (best = xv[t2 + ch], at = t2 + ch);
            if (xv[t3 + ch] > best) at = t3 + ch;
            if (at >= 0) dx[at] += g[k];
          }
        }
      }
    }
    return out;
  }
  const taps = new Int32Array(fh * fw);
  let k = 0;
  for (let b = 0; b < n; b++) {
    const base = b * inH * inW * c;
    for (let p = 0; p < oh; p++) {
      const r0 = p * sh - pt, r1 = Math.min(inH, r0 + fh);
      for (let q = 0; q < ow; q++) {
        const c0 = q * sw - pl, c1 = Math.min(inW, c0 + fw);
        let nt = 0; // offsets of the window's in-range taps, row-major
        for (let r = Math.max(0, r0); r < r1; r++) {
          for (let col = Math.max(0, c0); col < c1; col++) taps[nt++] = base + (r * inW + col) * c;
        }
        for (let ch = 0; ch < c; ch++, k++) {
          let at = -1, best = -Infinity;
          for (let t = 0; t < nt; t++) {
            const i = taps[t] + ch, v = xv[i];
            if (v > best) (best = v, at = i);
          }
          if (at >= 0) dx[at] += g[k];
        }
      }
    }
  }
  return out;
}

/** Composed MaxPoolGrad (argmax + one-hot over gathered windows); kept as a cross-check for the heap pass. */
export function maxPoolGradComposed(
  args: KernelArgs,
): Info {
  const { dy, input: x } = args.inputs as { dy: Info; input: Info };
  const { n, h: inH, w: inW, c, kh: fh, kw: fw, sh, sw, oh, ow, top: pt, left: pl } = poolProblem(
    x.shape,
    args.attrs as unknown as PoolAttrs,
  );
  const backend = args.backend;
  const taps = fh * fw;
  const rows = n * oh * ow * c;
  if (sh === fh && sw === fw && pt === 0 && pl === 0) {
    // Non-overlapping windows: regroup with reshape/transpose, no gather needed.
    return scoped(backend, (use) => {
      const xC = use(
        padOrCrop(backend, x, [[0, 0], [0, oh * fh - inH], [0, ow * fw - inW], [0, 0]], NEG_MAX),
      );
      const x6 = use(reshape(backend, xC, [n, oh, fh, ow, fw, c]));
      const xT = use(transpose(backend, x6, [0, 1, 3, 5, 2, 4])); // [n, oh, ow, c, fh, fw]
      const win = use(reshape(backend, xT, [rows, taps]));
      const g = use(routeToArgmax(backend, win, dy));
      const g6 = use(reshape(backend, g, [n, oh, ow, c, fh, fw]));
      const gT = use(transpose(backend, g6, [0, 1, 4, 2, 5, 3])); // [n, oh, fh, ow, fw, c]
      const g4 = use(reshape(backend, gT, [n, oh * fh, ow * fw, c]));
      return padOrCrop(backend, g4, [[0, 0], [0, inH - oh * fh], [0, inW - ow * fw], [0, 0]]);
    });
  }
  // General windows: gather taps with a one-hot depthwise conv, scatter back with its transpose.
  return scoped(backend, (use) => {
    const pb = (fh - 1) + (oh - 1) * sh + 1 - inH - pt;
    const pr = (fw - 1) + (ow - 1) * sw + 1 - inW - pl;
    const xP = use(padOrCrop(backend, x, [[0, 0], [pt, pb], [pl, pr], [0, 0]], NEG_MAX));
    const e = use(tapFilter(backend, fh, fw, c));
    const patches = use(run(backend, "DepthwiseConv2dNative", { x: xP, filter: e }, {
      strides: [sh, sw],
      pad: "valid",
      dilations: [1, 1],
    })); // [n, oh, ow, c·T]
    const win = use(reshape(backend, patches, [rows, taps]));
    const g = use(routeToArgmax(backend, win, dy));
    const g4 = use(reshape(backend, g, [n, oh, ow, c * taps]));
    const dxP = use(depthwiseInputGrad(backend, g4, e, xP.shape as [number, number, number, number], {
      strides: [sh, sw],
      pad: "valid",
    }));
    return padOrCrop(backend, dxP, [[0, 0], [-pt, -pb], [-pl, -pr], [0, 0]]);
  });
}
