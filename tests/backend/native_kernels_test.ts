import { needs } from "../_skip.ts";
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, registerWasmTrainingKernels } from "../../lib/backend/mod.ts";
import { type Blas, blasUnavailableReason, loadBlas } from "../../lib/native/mod.ts";
import { type Dnnl, dnnlUnavailableReason, loadDnnl, WINOGRAD_MIN_CHANNELS } from "../../lib/native/mod.ts";
import {
  NATIVE_KERNELS,
  nativeKernelCounts,
  type NativeLibraries,
  registerNativeKernels,
} from "../../lib/backend/native_kernels.ts";
import { type Pad, POOL_CASES, randn, sameAsCpu as sameAsCpuWith } from "./_grad_check.ts";

/** wasm (+ native libraries) vs cpu. */
const sameAsCpu = (
  label: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
  forwardOnly = false,
  valuesOf?: (v: Float32Array) => Float32Array,
) => sameAsCpuWith(label, f, shapes, { forwardOnly, valuesOf, seed: 5, step: 13 });

const convCases: [string, number[], number[], Pad, number][] = [
  ["3x3 same", [2, 7, 6, 8], [3, 3, 8, 16], "same", 1],
  ["3x3 valid", [2, 7, 6, 8], [3, 3, 8, 12], "valid", 1],
  ["2x5 same (non-square)", [3, 6, 9, 9], [2, 5, 9, 8], "same", 1],
  ["1x1", [2, 5, 5, 16], [1, 1, 16, 8], "valid", 1],
  ["explicit padding", [2, 8, 7, 8], [3, 3, 8, 10], [[0, 0], [1, 2], [2, 0], [0, 0]], 1],
  ["numeric padding, non-square", [2, 8, 9, 8], [3, 5, 8, 9], 1, 1],
  ["4x4 even kernel same", [1, 8, 8, 8], [4, 4, 8, 8], "same", 1],
];

/** Dilated stride-1 convs: [label, x, w, pad, dilations] (forward only: tfjs has no dilated gradient). */
const dilatedCases: [string, number[], number[], Pad, number | [number, number]][] = [
  ["3x3 dilation 2 same", [2, 9, 10, 8], [3, 3, 8, 8], "same", 2],
  ["2x3 dilation [2, 3] valid", [2, 9, 10, 8], [2, 3, 8, 8], "valid", [2, 3]],
];

/** Every stride-1 case of {@link convCases} (values and gradients) and {@link dilatedCases} (values). */
async function strideOneConvsAgree(prefix: string): Promise<void> {
  for (const [label, xs, ws, pad, d] of [...convCases, ...dilatedCases]) {
    await sameAsCpu(
      `${prefix} ${label}`,
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad, "NHWC", d),
      [xs, ws],
      dilatedCases.some((c) => c[0] === label),
    );
  }
}

/** wasm (with its training kernels) and cpu ready, `libs` on; returns the live tensor and wasm buffer counts. */
async function wasmWith(libs: NativeLibraries): Promise<{ tensors: number; buffers: number }> {
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm" }).catch(() => undefined);
  await tf.setBackend("wasm");
  registerWasmTrainingKernels();
  registerNativeKernels(libs);
  return { tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers };
}

/** Every tensor and every wasm heap buffer made since `before` is gone. */
async function noLeaks(before: { tensors: number; buffers: number }): Promise<void> {
  await tf.setBackend("wasm");
  assert.equal(tf.memory().numTensors, before.tensors, "tensors");
  assert.equal(tf.memory().numDataBuffers, before.buffers, "wasm buffers");
}

const probeBlas = loadBlas({ threads: 2 });
const needBlas = needs(probeBlas != null, `a native BLAS (libopenblas0-pthread; ${blasUnavailableReason})`, {
  inCi: true,
});

Deno.test({
  name: "native GEMM kernels on the wasm heap match the cpu backend" + needBlas.label,
  ignore: needBlas.ignore,
}, async (t) => {
  const blas: Blas = probeBlas!;
  const before = await wasmWith({ blas });

  await t.step("the library reports itself", () => {
    assert.ok(blas.config.length > 0);
    assert.ok(blas.threads >= 1);
  });

  await t.step("sgemm on plain memory: closed-form 2x3 · 3x2, both transposes", () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]); // 2x3
    const b = new Float32Array([7, 8, 9, 10, 11, 12]); // 3x2
    const c = new Float32Array(4);
    const p = (x: Float32Array) => Deno.UnsafePointer.of(x);
    blas.sgemm(false, false, 2, 2, 3, 1, { ptr: p(a), ld: 3 }, { ptr: p(b), ld: 2 }, 0, { ptr: p(c), ld: 2 });
    assert.deepEqual([...c], [58, 64, 139, 154]);
    // (Aᵀ)ᵀ·(Bᵀ)ᵀ with A stored transposed (3x2) and B stored transposed (2x3), β = 1 accumulates.
    const at = new Float32Array([1, 4, 2, 5, 3, 6]), bt = new Float32Array([7, 9, 11, 8, 10, 12]);
    blas.sgemm(true, true, 2, 2, 3, 1, { ptr: p(at), ld: 2 }, { ptr: p(bt), ld: 3 }, 1, { ptr: p(c), ld: 2 });
    assert.deepEqual([...c], [116, 128, 278, 308]);
  });

  await t.step(
    "Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter (stride 1) go native and agree",
    async () => {
      nativeKernelCounts({ reset: true });
      await strideOneConvsAgree("conv2d");
      const c = nativeKernelCounts();
      for (const k of ["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"]) {
        assert.ok(c[k]?.blas >= convCases.length, `${k} ran on the BLAS ${c[k]?.blas} times`);
      }
    },
  );

  await t.step("fused conv + bias + relu / leakyrelu, and strides > 1 fall back", async () => {
    for (const activation of ["relu", "leakyrelu", "linear"] as const) {
      await sameAsCpu(
        `fused conv ${activation}`,
        (x, w, b) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 1,
            pad: "same",
            bias: b,
            activation,
            leakyreluAlpha: 0.1,
          }),
        [[2, 6, 6, 8], [3, 3, 8, 8], [8]],
        activation === "leakyrelu",
      );
    }
    nativeKernelCounts({ reset: true });
    await sameAsCpu("stride 2", (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same"), [
      [2, 8, 8, 8],
      [3, 3, 8, 8],
    ]);
    await sameAsCpu("1 input channel", (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same"), [
      [2, 8, 8, 1],
      [3, 3, 1, 8],
    ]);
    const c = nativeKernelCounts();
    assert.ok(c.Conv2D.fallback >= 2, "stride 2 and 1-channel forwards fall back");
  });

  await t.step("BatchMatMul and fused dense: transposes, batches, broadcasting", async () => {
    nativeKernelCounts({ reset: true });
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      await sameAsCpu(
        `matMul ${ta} ${tb}`,
        (a, b) => tf.matMul(a, b, ta, tb),
        [ta ? [40, 33] : [33, 40], tb ? [21, 40] : [40, 21]],
      );
    }
    await sameAsCpu("batched", (a, b) => tf.matMul(a, b), [[3, 20, 30], [3, 30, 17]]);
    // tfjs's BatchMatMul gradient does not reduce a broadcast batch: forward only.
    await sameAsCpu("broadcast b", (a, b) => tf.matMul(a, b), [[3, 20, 30], [1, 30, 17]], true);
    await sameAsCpu(
      "fused dense relu",
      (a, b, bias) => tf.fused.matMul({ a, b, bias, activation: "relu" }),
      [[32, 64], [64, 24], [24]],
    );
    assert.ok(nativeKernelCounts().BatchMatMul.blas > 0);
  });

  await t.step("turned off: the same kernels fall back", async () => {
    registerNativeKernels(null);
    nativeKernelCounts({ reset: true });
    await sameAsCpu("off", (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same"), [
      [1, 5, 5, 8],
      [3, 3, 8, 8],
    ]);
    assert.equal(nativeKernelCounts().Conv2D.blas, 0);
    assert.deepEqual(registerNativeKernels({ blas }), [...NATIVE_KERNELS]);
  });

  await t.step("no tensors or wasm buffers leak", async () => {
    await noLeaks(before);
  });
  registerNativeKernels(null);
});

const probeDnnl = loadDnnl({ threads: 2 });
const needDnnl = needs(probeDnnl != null, `oneDNN (libdnnl2; ${dnnlUnavailableReason})`, { inCi: true });

Deno.test({
  name: "oneDNN conv kernels on the wasm heap match the cpu backend" + needDnnl.label,
  ignore: needDnnl.ignore,
}, async (t) => {
  const dnnl: Dnnl = probeDnnl!;
  const before = await wasmWith({ dnnl });

  await t.step("version and implementation are reported", () => {
    assert.match(dnnl.version, /^2\.\d+\.\d+$/);
    const p = { n: 2, h: 8, w: 8, c: 8, o: 8, kh: 3, kw: 3, oh: 8, ow: 8, sh: 1, sw: 1, dh: 1, dw: 1 };
    const impl = dnnl.implementation("forward", { ...p, top: 1, left: 1, bottom: 1, right: 1 });
    assert.ok(impl != null && impl.length > 0, `implementation ${impl}`);
    // One plan per problem: the same conv again reuses it; the cache is bounded (least recently used out).
    const x = tf.randomNormal([2, 8, 8, 8]) as tf.Tensor4D, w = tf.randomNormal([3, 3, 8, 8]) as tf.Tensor4D;
    tf.dispose(tf.conv2d(x, w, 1, "same"));
    const plans = dnnl.cachedPlans();
    tf.dispose([tf.conv2d(x, w, 1, "same"), tf.conv2d(x, w, 1, "same")]);
    assert.equal(dnnl.cachedPlans(), plans);
    for (let k = 1; k <= 260; k++) {
      tf.tidy(() => {
        tf.conv2d(tf.zeros([1, 1, k, 8]) as tf.Tensor4D, w, 1, "same");
      });
    }
    assert.equal(dnnl.cachedPlans(), 256);
    tf.dispose([x, w]);
  });

  const strided: [string, number[], number[], number | [number, number], Pad][] = [
    ["3x3 stride 2 same", [2, 7, 6, 3], [3, 3, 3, 4], 2, "same"],
    ["3x5 stride 2 valid", [2, 9, 8, 3], [3, 5, 3, 4], 2, "valid"],
    ["5x3 strides [2,3] same", [2, 11, 10, 3], [5, 3, 3, 2], [2, 3], "same"],
    ["11x11 stride 4 valid (AlexNet conv1)", [1, 27, 27, 3], [11, 11, 3, 4], 4, "valid"],
    ["explicit padding, stride 2", [2, 8, 8, 3], [3, 3, 3, 4], 2, [[0, 0], [1, 2], [2, 0], [0, 0]]],
    ["1 input channel, stride 1", [2, 12, 12, 1], [3, 3, 1, 32], 1, "same"],
    ["7x7 stride 2 same (GoogLeNet conv1)", [1, 16, 16, 3], [7, 7, 3, 8], 2, "same"],
  ];
  await t.step("Conv2D and both gradients, every stride and padding, run on oneDNN and agree", async () => {
    nativeKernelCounts({ reset: true });
    await strideOneConvsAgree("dnnl conv2d");
    for (const [label, xs, ws, s, pad] of strided) {
      await sameAsCpu(
        `dnnl conv2d ${label}`,
        (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad),
        [
          xs,
          ws,
        ],
      );
    }
    await sameAsCpu(
      "dnnl conv2dTranspose stride 2 same",
      (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 6, 3], 2, "same"),
      [[2, 4, 3, 5], [3, 3, 3, 5]],
    );
    const c = nativeKernelCounts();
    const n = convCases.length + strided.length;
    for (const k of ["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"]) {
      assert.ok(c[k]?.dnnl >= n, `${k} ran on oneDNN ${c[k]?.dnnl} times`);
      assert.equal(c[k]?.fallback ?? 0, 0, `${k} fell back`);
    }
  });

  await t.step("fused conv: bias and ReLU inside oneDNN, other activations after it", async () => {
    for (const activation of ["relu", "linear", "elu", "leakyrelu"] as const) {
      await sameAsCpu(
        `dnnl fused conv ${activation}`,
        (x, w, b) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 2,
            pad: "same",
            bias: b,
            activation,
            leakyreluAlpha: 0.1,
          }),
        [[2, 9, 9, 4], [3, 3, 4, 8], [8]],
        activation !== "relu" && activation !== "linear",
      );
    }
    // A bias oneDNN cannot take (broadcast over space too): added on wasm, and the ReLU after it.
    await sameAsCpu(
      "dnnl fused conv, spatial bias, relu",
      (x, w, b) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: w as tf.Tensor4D,
          strides: 1,
          pad: "same",
          bias: b,
          activation: "relu",
        }),
      [[2, 6, 6, 4], [3, 3, 4, 8], [6, 6, 8]],
      true,
    );
    await sameAsCpu(
      "dnnl fused conv without bias",
      (x, w) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: w as tf.Tensor4D,
          strides: 1,
          pad: "same",
          activation: "relu",
        }),
      [[2, 6, 6, 4], [3, 3, 4, 8]],
    );
  });

  await t.step(
    "Winograd 3x3 convs and both gradients agree with cpu; uneven padding runs direct",
    async () => {
      const problem = (c: number, o: number, pad: [number, number, number, number]) => {
        const [top, bottom, left, right] = pad, h = 14, w = 12;
        const [oh, ow] = [h + top + bottom - 2, w + left + right - 2];
        return {
          n: 2,
          h,
          w,
          c,
          o,
          kh: 3,
          kw: 3,
          oh,
          ow,
          sh: 1,
          sw: 1,
          dh: 1,
          dw: 1,
          top,
          bottom,
          left,
          right,
        };
      };
      if (dnnl.winograd) {
        for (const kind of ["forward", "backward_data", "backward_weights"] as const) {
          for (const pad of [[1, 1, 1, 1], [0, 0, 0, 0]] as [number, number, number, number][]) {
            const impl = dnnl.implementation(kind, problem(64, 96, pad));
            assert.match(impl ?? "", /wino/, `${kind} ${pad}: ${impl}`);
          }
          // Not Winograd: uneven padding, channels not in 16s or fewer than WINOGRAD_MIN_CHANNELS, stride 2.
          assert.equal(WINOGRAD_MIN_CHANNELS, 64);
          const even: [number, number, number, number] = [1, 1, 1, 1];
          for (const p of [problem(64, 96, [1, 0, 0, 1]), problem(72, 96, even), problem(32, 96, even)]) {
            assert.doesNotMatch(dnnl.implementation(kind, p) ?? "", /wino/, `${kind} ${JSON.stringify(p)}`);
          }
          assert.doesNotMatch(
            dnnl.implementation(kind, { ...problem(64, 96, even), sh: 2, sw: 2, oh: 7, ow: 6 }) ?? "",
            /wino/,
          );
        }
      }
      nativeKernelCounts({ reset: true });
      const cases: [string, number[], number[], Pad][] = [
        ["same, 64 → 96", [2, 14, 14, 64], [3, 3, 64, 96], "same"],
        ["valid, odd sizes, 64 → 64", [2, 13, 11, 64], [3, 3, 64, 64], "valid"],
        ["same, 128 → 144 at 16x16", [1, 16, 16, 128], [3, 3, 128, 144], "same"],
        ["explicit uneven padding, 64 → 64 (direct)", [1, 9, 10, 64], [3, 3, 64, 64], [
          [0, 0],
          [1, 0],
          [0, 1],
          [0, 0],
        ]],
      ];
      for (const [label, xs, ws, pad] of cases) {
        await sameAsCpu(
          `dnnl winograd conv2d ${label}`,
          (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad),
          [xs, ws],
        );
      }
      await sameAsCpu(
        "dnnl winograd fused conv + bias + relu",
        (x, w, b) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            strides: 1,
            pad: "same",
            bias: b,
            activation: "relu",
          }),
        [[2, 10, 10, 64], [3, 3, 64, 64], [64]],
      );
      const c = nativeKernelCounts();
      for (const k of ["Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"]) {
        assert.ok(c[k]?.dnnl >= cases.length, `${k} ran on oneDNN ${c[k]?.dnnl} times`);
        assert.equal(c[k]?.fallback ?? 0, 0, `${k} fell back`);
      }
      // Turned off: the direct convolution for the same problem.
      const direct = loadDnnl({ winograd: false })!;
      try {
        assert.equal(direct.winograd, false);
        assert.doesNotMatch(direct.implementation("forward", problem(64, 96, [1, 1, 1, 1])) ?? "", /wino/);
      } finally {
        direct.close();
      }
    },
  );

  await t.step(
    "weights reordered once per weights: reused for the same tensor, redone for new values",
    async () => {
      await tf.setBackend("wasm"); // sameAsCpu leaves cpu current
      // Winograd (64 → 96, 3x3) and direct (8 → 8) plans; two filters of each shape share one plan.
      for (const [xs, ws] of [[[2, 9, 9, 64], [3, 3, 64, 96]], [[2, 9, 9, 8], [3, 3, 8, 8]]]) {
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        const x = tf.tensor4d(randn(size(xs), 3), xs as [number, number, number, number]);
        const wA = tf.tensor4d(randn(size(ws), 4), ws as [number, number, number, number]);
        const wB = tf.tensor4d(randn(size(ws), 5), ws as [number, number, number, number]);
        const v = tf.variable(wA);
        const conv = (w: tf.Tensor4D) => tf.conv2d(x, w, 1, "same");
        const values = (t: tf.Tensor) => {
          const out = t.dataSync() as Float32Array;
          t.dispose();
          return out;
        };
        const a1 = values(conv(wA));
        const n = dnnl.weightReorders();
        assert.deepEqual(values(conv(wA)), a1, "the same weights again");
        assert.equal(dnnl.weightReorders(), n, "reused");
        const b = values(conv(wB));
        assert.equal(dnnl.weightReorders(), n + 1, "new weights reordered");
        assert.deepEqual(values(conv(wA)), a1, "back to the first weights");
        assert.equal(dnnl.weightReorders(), n + 2);
        // A variable's assign gives it new values under a new data id: reordered again, never stale.
        assert.deepEqual(values(conv(v)), a1);
        v.assign(wB);
        assert.deepEqual(values(conv(v)), b);
        // Input gradients through the same weights twice (one plan, reused), then the other weights.
        const dx = (w: tf.Tensor4D) =>
          values(
            tf.tidy(() =>
              tf.conv2dTranspose(tf.onesLike(conv(w)), w, xs as [number, number, number, number], 1, "same")
            ),
          );
        const dxA = dx(wA), m = dnnl.weightReorders();
        assert.deepEqual(dx(wA), dxA);
        assert.equal(dnnl.weightReorders(), m);
        assert.notDeepEqual(dx(wB), dxA);
        assert.deepEqual(dx(wA), dxA);
        tf.dispose([x, wA, wB, v]);
      }
      // And the values are the cpu backend's (a fresh filter per case: no reuse to hide behind).
      await sameAsCpu(
        "dnnl conv2d after reuse",
        (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same"),
        [[2, 9, 9, 64], [3, 3, 64, 96]],
      );
    },
  );

  const poolCases = POOL_CASES;
  await t.step("MaxPool and MaxPoolGrad on oneDNN agree with cpu, ties included", async () => {
    nativeKernelCounts({ reset: true });
    for (const [label, xs, f, s, pad] of poolCases) {
      const pool = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, f, s, pad);
      await sameAsCpu(`dnnl maxPool ${label}`, pool, [xs]);
      // Half zeros (as after a ReLU) and small integers: windows of equal values, where the first must win.
      await sameAsCpu(
        `dnnl maxPool ${label}, half zeros`,
        pool,
        [xs],
        false,
        (v) => v.map((a) => Math.max(0, a)),
      );
      await sameAsCpu(
        `dnnl maxPool ${label}, integer ties`,
        pool,
        [xs],
        false,
        (v) => v.map((a) => Math.round(a)),
      );
    }
    const c = nativeKernelCounts();
    assert.ok(c.MaxPool?.dnnl >= poolCases.length * 3, `MaxPool ran on oneDNN ${c.MaxPool?.dnnl} times`);
    assert.ok(c.MaxPoolGrad?.dnnl >= poolCases.length * 3, `MaxPoolGrad on oneDNN ${c.MaxPoolGrad?.dnnl}`);
  });

  await t.step("no tensors or wasm buffers leak; closing frees the primitives", async () => {
    await noLeaks(before);
    registerNativeKernels(null);
    dnnl.close();
  });
});
