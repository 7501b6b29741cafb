/**
 * The 3-D kernels of the wasm backend (Conv3D and both gradients, max and average pooling and their gradients),
 * on oneDNN and on the JavaScript fallback that replaces stock wasm's wrong kernels, against the cpu backend's
 * values and tf.grad gradients. Where the cpu backend's own 3-D gradient is wrong, the oracle is a composition
 * of cpu kernels that are right (see each step).
 */
import { needs } from "../_skip.ts";
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { CamDmriError } from "../../lib/errors.ts";
import { fusedConv3d } from "../../lib/backend/mod.ts";
import { dnnlUnavailableReason, loadDnnl } from "../../lib/native/mod.ts";
import { nativeKernelCounts, registerNativeKernels } from "../../lib/backend/native_kernels.ts";
import { forwardAndGrads, type Pad, randn, relErr, sameAsCpu, wasmWith } from "./_grad_check.ts";

type T3 = number | [number, number, number];
type F = (...xs: tf.Tensor[]) => tf.Tensor;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
const TOL = 1e-5;

/** Conv cases: [label, x, filter, strides, pad]; odd and even sizes, strides 1 and 2, same and valid. */
const CONV_CASES: [string, number[], number[], T3, Pad][] = [
  ["3x3x3 same, stride 1, even 8^3", [2, 8, 8, 8, 3], [3, 3, 3, 3, 4], 1, "same"],
  ["3x3x3 valid, stride 1, odd 7x9x5", [2, 7, 9, 5, 3], [3, 3, 3, 3, 4], 1, "valid"],
  ["3x3x3 same, stride 2, odd 7x6x9", [2, 7, 6, 9, 3], [3, 3, 3, 3, 5], 2, "same"],
  ["3x3x3 valid, stride 2, even 8x6x8", [3, 8, 6, 8, 2], [3, 3, 3, 2, 3], 2, "valid"],
  ["2x3x4 valid, strides [2,1,2]", [2, 8, 8, 6, 2], [2, 3, 4, 2, 3], [2, 1, 2], "valid"],
  ["4x4x4 same (even kernel), stride 2", [2, 9, 8, 7, 3], [4, 4, 4, 3, 2], 2, "same"],
  ["1x1x1, 8 -> 4 channels", [3, 4, 5, 6, 8], [1, 1, 1, 8, 4], 1, "valid"],
  ["1 input channel, 16 out, same", [2, 6, 6, 6, 1], [3, 3, 3, 1, 16], 1, "same"],
];

/** Dilated convs (forward only: tfjs has no gradient for dilation > 1): [label, x, filter, pad, dilations]. */
const DILATED_CASES: [string, number[], number[], Pad, T3][] = [
  ["3x3x3 dilation 2 same", [2, 9, 9, 8, 2], [3, 3, 3, 2, 3], "same", 2],
  ["2x3x2 dilations [2,1,3] valid", [2, 9, 7, 10, 2], [2, 3, 2, 2, 3], "valid", [2, 1, 3]],
];

/** Pooling cases: [label, x, filter, strides, pad]. */
const POOL_CASES: [string, number[], T3, T3, Pad][] = [
  ["2x2x2/2 valid, even 8^3", [2, 8, 8, 8, 3], 2, 2, "valid"],
  ["2x2x2/2 valid, odd 7x9x5", [2, 7, 9, 5, 3], 2, 2, "valid"],
  ["2x2x2/2 same, odd 7x9x5", [2, 7, 9, 5, 3], 2, 2, "same"],
  ["3x3x3/2 same, 9x8x7", [2, 9, 8, 7, 2], 3, 2, "same"],
  ["3x3x3/2 valid, 9x8x7", [2, 9, 8, 7, 2], 3, 2, "valid"],
  ["3x3x3/1 same, 6x5x7", [2, 6, 5, 7, 2], 3, 1, "same"],
  ["3x3x3/2 numeric padding 1, 7x8x9", [2, 7, 8, 9, 2], 3, 2, 1],
];

/** Non-cubic windows, where the cpu backend's MaxPool3DGrad misplaces the maximum (see the step). */
const NON_CUBIC_POOL_CASES: [string, number[], T3, T3, Pad][] = [
  ["3x2x1 strides [1,2,1] valid", [2, 7, 7, 7, 3], [3, 2, 1], [1, 2, 1], "valid"],
  ["1x2x3/1 valid", [2, 5, 6, 7, 2], [1, 2, 3], 1, "valid"],
  ["2x3x2/2 same, odd", [2, 7, 9, 5, 2], [2, 3, 2], 2, "same"],
];

const conv = (s: T3, pad: Pad, d: T3 = 1): F => (x, w) =>
  tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, s, pad, "NDHWC", d);
const maxPool = (k: T3, s: T3, pad: Pad): F => (x) => tf.maxPool3d(x as tf.Tensor5D, k, s, pad);
const avgPool = (k: T3, s: T3, pad: Pad): F => (x) => tf.avgPool3d(x as tf.Tensor5D, k, s, pad);
const triple = (v: T3): [number, number, number] => typeof v === "number" ? [v, v, v] : v;

/**
 * Max pooling as two cpu 2-D max poolings (rows × columns, then depth): the maximum over a box is the maximum
 * of the maxima of its rows, and tfjs sizes "same" padding per axis, so for distinct values this is
 * MaxPool3D with the true gradient (the cpu backend's 2-D MaxPoolGrad, checked against its forward elsewhere).
 */
const maxPoolSeparable = (k: T3, s: T3, pad: Pad): F => (x) => {
  const [kd, kh, kw] = triple(k), [sd, sh, sw] = triple(s);
  const [n, d, h, w, c] = x.shape;
  const hw = tf.maxPool(tf.reshape(x, [n * d, h, w, c]) as tf.Tensor4D, [kh, kw], [sh, sw], pad);
  const [, oh, ow] = hw.shape;
  const dd = tf.maxPool(tf.reshape(hw, [n, d, oh * ow, c]) as tf.Tensor4D, [kd, 1], [sd, 1], pad);
  return tf.reshape(dd, [n, dd.shape[1], oh, ow, c]);
};

/**
 * Average pooling (padding excluded) as a window sum over a window count, both cpu Conv3Ds: sum = x ⊛ (1 ⊗ I_c),
 * count = 1 ⊛ 1 (a constant). tf.grad through cpu's Conv3D gives the exact gradient Σ_{W ∋ i} dy[W] / |W ∩ x|.
 */
const avgPoolByConv = (k: T3, s: T3, pad: Pad): F => (x) => {
  const [kd, kh, kw] = triple(k);
  const [, d, h, w, c] = x.shape;
  const eye = tf.tile(tf.reshape(tf.eye(c), [1, 1, 1, c, c]), [kd, kh, kw, 1, 1]) as tf.Tensor5D;
  const sum = tf.conv3d(x as tf.Tensor5D, eye, s, pad);
  const count = tf.conv3d(tf.ones([1, d, h, w, 1]) as tf.Tensor5D, tf.ones([kd, kh, kw, 1, 1]), s, pad);
  return tf.div(sum, count);
};

/** f on wasm vs `oracle` on cpu, forward and every gradient of Σ f·r. */
async function sameAsOracle(
  label: string,
  f: F,
  oracle: F,
  shapes: number[][],
  valuesOf?: (v: Float32Array) => Float32Array,
) {
  const inputs = shapes.map((shape, i) => ({
    shape,
    values: (valuesOf ?? ((v) => v))(randn(size(shape), 11 + 7 * i)),
  }));
  const wasm = await forwardAndGrads("wasm", f, inputs);
  const cpu = await forwardAndGrads("cpu", oracle, inputs);
  for (let i = 0; i < cpu.length; i++) {
    const err = relErr(wasm[i], cpu[i]);
    assert.ok(
      err <= TOL,
      `${label}: ${i === 0 ? "forward" : `gradient ${i}`} differs from the oracle by ${err}`,
    );
  }
}

/**
 * fusedConv3d (bias, then ReLU or none): on wasm the FusedConv3D kernel and its fused gradient, on cpu (no such
 * kernel) the stock composition relu(conv3d(x, w) + b) with tf.grad's gradients: the oracle.
 */
const fused = (s: T3, pad: Pad, activation: "relu" | "linear"): F => (x, w, b) =>
  fusedConv3d(x as tf.Tensor5D, w as tf.Tensor5D, {
    bias: b as tf.Tensor1D,
    activation,
    strides: s,
    pad: pad as "same" | "valid",
  });

/** Every case of the kernels on the wasm backend with `libs` on, against cpu (or the oracles). */
async function allAgree(prefix: string, t: Deno.TestContext): Promise<void> {
  await t.step(
    `${prefix}: fusedConv3d (FusedConv3D, ReluBackprop, Conv3DBackpropFilterBias) against cpu's composition`,
    async () => {
      for (const [label, xs, ws, s, pad] of CONV_CASES) {
        if (typeof pad !== "string") continue;
        for (const act of ["relu", "linear"] as const) {
          await sameAsCpu(`${prefix} fusedConv3d ${act} ${label}`, fused(s, pad, act), [xs, ws, [ws[4]]]);
        }
      }
      // With a max pooling after it (FusedConv3DMaxPool, MaxPool3DGradWorkspace): cubic windows, where cpu's
      // MaxPool3DGrad is right (ReLU's tied zeros get no gradient either way).
      const pools: [string, number[], number[], T3, Pad, number, number, "same" | "valid"][] = [
        ["conv same, pool 2/2 valid, even", [2, 8, 8, 8, 2], [3, 3, 3, 2, 4], 1, "same", 2, 2, "valid"],
        ["conv same, pool 2/2 same, odd", [2, 7, 9, 5, 3], [3, 3, 3, 3, 4], 1, "same", 2, 2, "same"],
        ["conv valid stride 2, pool 3/2 same", [2, 11, 9, 10, 2], [3, 3, 3, 2, 3], 2, "valid", 3, 2, "same"],
        ["1 input channel, pool 2/1 valid", [3, 6, 6, 6, 1], [3, 3, 3, 1, 8], 1, "same", 2, 1, "valid"],
      ];
      for (const [label, xs, ws, s, pad, k, ps, ppad] of pools) {
        for (const activation of ["relu", "linear"] as const) {
          const f: F = (x, w, b) =>
            fusedConv3d(x as tf.Tensor5D, w as tf.Tensor5D, {
              bias: b as tf.Tensor1D,
              activation,
              strides: s,
              pad: pad as "same" | "valid",
              maxPool: { size: k, strides: ps, pad: ppad },
            });
          await sameAsCpu(`${prefix} fusedConv3d + maxPool ${activation} ${label}`, f, [xs, ws, [ws[4]]]);
        }
      }
      // No bias: only x and the filter get gradients.
      const noBias: F = (x, w) => fusedConv3d(x as tf.Tensor5D, w as tf.Tensor5D, { activation: "relu" });
      await sameAsCpu(`${prefix} fusedConv3d relu, no bias`, noBias, [[2, 6, 5, 7, 3], [3, 3, 3, 3, 4]]);
    },
  );
  await t.step(`${prefix}: Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2`, async () => {
    for (const [label, xs, ws, s, pad] of CONV_CASES) {
      await sameAsCpu(`${prefix} conv3d ${label}`, conv(s, pad), [xs, ws]);
    }
    for (const [label, xs, ws, pad, d] of DILATED_CASES) {
      await sameAsCpu(`${prefix} conv3d ${label}`, conv(1, pad, d), [xs, ws], { forwardOnly: true });
    }
  });
  await t.step(`${prefix}: MaxPool3D and MaxPool3DGrad (cubic windows: cpu's own kernels)`, async () => {
    for (const [label, xs, k, s, pad] of POOL_CASES) {
      await sameAsCpu(`${prefix} maxPool3d ${label}`, maxPool(k, s, pad), [xs]);
      // The separable oracle, checked here against cpu's own kernels (numeric padding would pad its flattened axis).
      if (typeof pad !== "string") continue;
      await sameAsOracle(
        `${prefix} maxPool3d ${label} (separable)`,
        maxPool(k, s, pad),
        maxPoolSeparable(k, s, pad),
        [xs],
      );
    }
  });
  await t.step(
    `${prefix}: MaxPool3DGrad, non-cubic windows, against two cpu 2-D max poolings (cpu's MaxPool3DGrad encodes ` +
      "the maximum's position with the window's height for its width)",
    async () => {
      for (const [label, xs, k, s, pad] of NON_CUBIC_POOL_CASES) {
        await sameAsCpu(`${prefix} maxPool3d ${label}`, maxPool(k, s, pad), [xs], { forwardOnly: true });
        await sameAsOracle(`${prefix} maxPool3d ${label}`, maxPool(k, s, pad), maxPoolSeparable(k, s, pad), [
          xs,
        ]);
      }
    },
  );
  await t.step(
    `${prefix}: AvgPool3D and AvgPool3DGrad (cpu's gradient where no window overlaps the padding; else the ` +
      "conv oracle: cpu's AvgPool3DGrad divides by the whole window, padding included, unlike its forward)",
    async () => {
      for (const [label, xs, k, s, pad] of [...POOL_CASES, ...NON_CUBIC_POOL_CASES]) {
        const noPadding = pad === "valid";
        await sameAsCpu(`${prefix} avgPool3d ${label}`, avgPool(k, s, pad), [xs], {
          forwardOnly: !noPadding,
        });
        await sameAsOracle(
          `${prefix} avgPool3d ${label} (conv oracle)`,
          avgPool(k, s, pad),
          avgPoolByConv(k, s, pad),
          [xs],
        );
      }
    },
  );
  await t.step(
    `${prefix}: a small 3-D GAP net, every input's and weight's gradient (the kernels chained)`,
    async () => {
      const net: F = (x, w1, b1, w2, b2, wd) => {
        // The first conv fused (as the 3-D zoo runs it), the second composed.
        const h1 = fused(1, "same", "relu")(x, w1, b1) as tf.Tensor5D;
        const p1 = tf.maxPool3d(h1, 2, 2, "same");
        const h2 = tf.relu(tf.add(tf.conv3d(p1, w2 as tf.Tensor5D, [1, 2, 1], "same"), b2)) as tf.Tensor5D;
        const p2 = tf.avgPool3d(h2, 2, 1, "valid");
        return tf.matMul(tf.mean(p2, [1, 2, 3]) as tf.Tensor2D, wd as tf.Tensor2D);
      };
      const shapes = [[3, 10, 9, 11, 1], [3, 3, 3, 1, 4], [4], [3, 3, 3, 4, 6], [6], [6, 2]];
      await sameAsCpu(`${prefix} 3-D GAP net`, net, shapes);
    },
  );
  await t.step(
    `${prefix}: numeric padding with floor, round and ceil output sizes (forward vs cpu)`,
    async () => {
      for (const [label, xs, k, st, pad, mode] of ROUNDING_CASES) {
        const max: F = (x) => tf.maxPool3d(x as tf.Tensor5D, k, st, pad, mode);
        const avg: F = (x) => tf.avgPool3d(x as tf.Tensor5D, k, st, pad, mode);
        await sameAsCpu(`${prefix} maxPool3d ${label}`, max, [xs], { forwardOnly: true });
        await sameAsCpu(`${prefix} avgPool3d ${label}`, avg, [xs], { forwardOnly: true });
      }
    },
  );
}

/** Numeric padding with each rounding of the output size: [label, x, filter, strides, pad, rounding]. */
const ROUNDING_CASES: [string, number[], number, number, number, "floor" | "round" | "ceil"][] = [
  ["3/2 pad 1 ceil, 8x9x6", [2, 8, 9, 6, 2], 3, 2, 1, "ceil"],
  ["2/3 pad 0 floor, 9x8x10", [2, 9, 8, 10, 2], 2, 3, 0, "floor"],
  ["3/2 pad 1 round, 8x9x6", [2, 8, 9, 6, 2], 3, 2, 1, "round"],
];

async function noLeaks(before: { tensors: number; buffers: number }): Promise<void> {
  await tf.setBackend("wasm");
  assert.equal(tf.memory().numTensors, before.tensors, "tensors");
  assert.equal(tf.memory().numDataBuffers, before.buffers, "wasm buffers");
}

/** Ties: all-zero input, 2x2x2/2 windows: each window's dy goes to its first position (depth, row, column). */
async function tiesGoToTheFirstMaximum(label: string): Promise<void> {
  await tf.setBackend("wasm");
  const [n, d, h, w, c] = [2, 4, 6, 4, 3];
  const dyv = randn(n * (d / 2) * (h / 2) * (w / 2) * c, 3);
  const dy = tf.tensor(dyv, [n, d / 2, h / 2, w / 2, c]);
  const x = tf.zeros([n, d, h, w, c]);
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.maxPool3d(x as tf.Tensor5D, 2, 2, "valid"), dy)))(x);
  const got = await g.data();
  const want = new Float32Array(got.length);
  let k = 0;
  for (let b = 0; b < n; b++) {
    for (let a = 0; a < d / 2; a++) {
      for (let p = 0; p < h / 2; p++) {
        for (let q = 0; q < w / 2; q++) {
          for (let ch = 0; ch < c; ch++) {
            want[(((b * d + 2 * a) * h + 2 * p) * w + 2 * q) * c + ch] = dyv[k++];
          }
        }
      }
    }
  }
  assert.deepEqual([...got], [...want], label);
  tf.dispose([dy, x, g]);
}

/** Integer-valued inputs (many ties, overlapping and padded windows): both paths must give the same gradient. */
const integers = (v: Float32Array) => v.map((x) => Math.round(x * 1.5));

const probeDnnl = loadDnnl({ threads: 2 });
const needDnnl = needs(probeDnnl != null, `oneDNN (libdnnl2; ${dnnlUnavailableReason})`, { inCi: true });

Deno.test({
  name: "3-D kernels on oneDNN match the cpu backend" + needDnnl.label,
  ignore: needDnnl.ignore,
}, async (t) => {
  const dnnl = probeDnnl!;
  const before = await wasmWith({ dnnl });
  nativeKernelCounts({ reset: true });
  await allAgree("oneDNN", t);
  await t.step("every 3-D kernel ran on oneDNN, none fell back", () => {
    const c = nativeKernelCounts();
    for (
      const k of ["Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2", "MaxPool3D", "MaxPool3DGrad"]
    ) {
      assert.ok(c[k]?.dnnl > 0, `${k} ran on oneDNN ${c[k]?.dnnl} times`);
      assert.equal(c[k]?.fallback, 0, `${k} fell back`);
    }
    for (const k of ["AvgPool3D", "AvgPool3DGrad"]) assert.ok(c[k]?.dnnl > 0 && c[k]?.fallback === 0, k);
    for (
      const k of [
        "FusedConv3D",
        "Conv3DBackpropFilterBias",
        "ReluBackprop",
        "FusedConv3DMaxPool",
        "MaxPool3DGradWorkspace",
      ]
    ) {
      assert.ok(c[k]?.dnnl > 0 && c[k]?.fallback === 0, `${k}: ${JSON.stringify(c[k])}`);
    }
    assert.ok(
      dnnl.implementation("forward", {
        n: 1,
        d: 8,
        h: 8,
        w: 8,
        c: 4,
        o: 8,
        kd: 3,
        kh: 3,
        kw: 3,
        od: 8,
        oh: 8,
        ow: 8,
        sd: 1,
        sh: 1,
        sw: 1,
        dd: 1,
        dh: 1,
        dw: 1,
        front: 1,
        top: 1,
        left: 1,
        back: 1,
        bottom: 1,
        right: 1,
      }) != null,
    );
  });
  await t.step(
    "tfjs's negative 'same' front padding (1³ window, stride 2, even size): falls back, matches cpu",
    async () => {
      nativeKernelCounts({ reset: true });
      await sameAsCpu("oneDNN conv3d 1³ same stride 2 on 8x6x4", conv(2, "same"), [[2, 8, 6, 4, 3], [
        1,
        1,
        1,
        3,
        2,
      ]]);
      await sameAsCpu("oneDNN maxPool3d 1³ same stride 2", maxPool(1, 2, "same"), [[2, 8, 6, 4, 3]], {
        forwardOnly: true,
      });
      await sameAsCpu("oneDNN avgPool3d 1³ same stride 2", avgPool(1, 2, "same"), [[2, 8, 6, 4, 3]], {
        forwardOnly: true,
      });
      const c = nativeKernelCounts();
      assert.ok(c.Conv3D.fallback > 0 && c.Conv3D.dnnl === 0, JSON.stringify(c.Conv3D));
    },
  );
  await t.step("ties: the first maximum gets the gradient", () => tiesGoToTheFirstMaximum("oneDNN"));
  await t.step("ties: oneDNN and the JavaScript fallback route integer ties alike", async () => {
    for (const [label, xs, k, s, pad] of [...POOL_CASES, ...NON_CUBIC_POOL_CASES]) {
      const inputs = [{ shape: xs, values: integers(randn(size(xs), 5)) }];
      registerNativeKernels({ dnnl });
      const a = await forwardAndGrads("wasm", maxPool(k, s, pad), inputs);
      registerNativeKernels(null);
      const b = await forwardAndGrads("wasm", maxPool(k, s, pad), inputs);
      // Same positions; overlapping windows may add their dy in another order (float32 rounding).
      for (let i = 0; i < a.length; i++) assert.ok(relErr(a[i], b[i]) <= 1e-6, `${label} output ${i}`);
    }
    registerNativeKernels({ dnnl });
  });
  await t.step("no tensors or wasm buffers leak", () => noLeaks(before));
  await t.step(
    "a pooled fusedConv3d run on oneDNN whose gradient meets oneDNN off: a typed error, never a wrong gradient " +
      "(after the leak check: tfjs keeps a failed backward pass's saved tensors)",
    async () => {
      await tf.setBackend("wasm");
      const x = tf.tensor(randn(2 * 6 * 6 * 6 * 2, 1), [2, 6, 6, 6, 2]) as tf.Tensor5D;
      const w = tf.tensor(randn(3 * 3 * 3 * 2 * 4, 2), [3, 3, 3, 2, 4]) as tf.Tensor5D;
      const f = (w: tf.Tensor) => {
        const p = fusedConv3d(x, w as tf.Tensor5D, { activation: "relu", maxPool: { size: 2, strides: 2 } });
        registerNativeKernels(null);
        return tf.sum(p);
      };
      assert.throws(
        () => tf.grad(f)(w),
        (e) =>
          e instanceof CamDmriError && /MaxPool3DGradWorkspace.*oneDNN, which is off now/.test(String(e)),
      );
      registerNativeKernels({ dnnl });
      tf.dispose([x, w]);
    },
  );
  registerNativeKernels(before.native);
});

Deno.test("3-D kernels without oneDNN (JavaScript fallback for stock wasm's wrong ones) match the cpu backend", async (t) => {
  const before = await wasmWith(null);
  await allAgree("fallback", t);
  await t.step("ties: the first maximum gets the gradient", () => tiesGoToTheFirstMaximum("fallback"));
  await t.step("what it cannot compute it refuses with a typed error, never computes wrong", async () => {
    await tf.setBackend("wasm");
    const x = tf.zeros([1, 2, 2, 2, 1], "int32");
    assert.throws(
      () => tf.maxPool3d(x as tf.Tensor5D, 2, 2, "valid"),
      (e) => e instanceof CamDmriError && /MaxPool3D/.test(String(e)),
    );
    tf.dispose(x);
  });
  await t.step("no tensors or wasm buffers leak", () => noLeaks(before));
  registerNativeKernels(before.native);
});
