/// <reference lib="deno.worker" />
/**
 * Runs in its own thread and isolate: opens oneDNN and OpenBLAS, runs a convolution and a matrix product so
 * their thread pools start, and reports which loaded. When the worker ends, Deno closes its libraries.
 */
import { loadBlas } from "../../lib/native/mod.ts";
import { loadDnnl } from "../../lib/native/mod.ts";

self.onmessage = () => {
  const dnnl = loadDnnl({ threads: 2 });
  const blas = loadBlas({ threads: 2 });
  if (blas) {
    const n = 256;
    const a = new Float32Array(n * n).fill(1), b = new Float32Array(n * n).fill(2);
    const c = new Float32Array(n * n);
    const at = (x: Float32Array) => ({ ptr: Deno.UnsafePointer.of(x), ld: n });
    blas.sgemm(false, false, n, n, n, 1, at(a), at(b), 0, at(c));
    if (c[0] !== 2 * n) throw new Error(`sgemm gave ${c[0]}`);
  }
  if (dnnl) {
    const p = { n: 2, h: 16, w: 16, c: 8, o: 8, kh: 3, kw: 3, oh: 16, ow: 16, sh: 1, sw: 1, dh: 1, dw: 1 };
    const shape = { ...p, top: 1, left: 1, bottom: 1, right: 1 };
    const x = new Float32Array(2 * 16 * 16 * 8).fill(1), w = new Float32Array(3 * 3 * 8 * 8).fill(1);
    const y = new Float32Array(2 * 16 * 16 * 8);
    const ptr = (v: Float32Array) => Deno.UnsafePointer.of(v);
    dnnl.convForward(shape, { x: ptr(x), w: ptr(w), b: null, y: ptr(y) }, false);
    if (y[16 * 8 + 8] !== 72) throw new Error(`oneDNN conv gave ${y[16 * 8 + 8]}`);
  }
  dnnl?.close();
  blas?.close();
  self.postMessage({ dnnl: dnnl != null, blas: blas != null });
};
