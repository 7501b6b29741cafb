import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import {
  registerNativeKernels,
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
} from "../../lib/backend/mod.ts";
import { maxPoolGradComposed } from "../../lib/backend/_max_pool_grad.ts";
import { type Pad, POOL_CASES, randn, relErr, sameAsCpu as sameAsCpuWith, wasmWith } from "./_grad_check.ts";

const TOL = 1e-5;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** wasm vs cpu; `values` fixes inputs (else seeded randn). */
const sameAsCpu = (
  label: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  shapes: number[][],
  values?: Float32Array[],
) => sameAsCpuWith(label, f, shapes, { values });

Deno.test("wasm training kernels match the cpu backend", async (t) => {
  // These are the wasm kernels' own tests: the native oneDNN/BLAS paths (tests/backend/native_kernels_test.ts)
  // stay off until the end.
  const { tensors: before, buffers: buffersBefore, native } = await wasmWith(null);

  await t.step("registered kernels replace or add what the spec lists", () => {
    for (const name of Object.keys(WASM_TRAINING_KERNELS)) assert.ok(tf.getKernel(name, "wasm"), name);
    assert.deepEqual(registerWasmTrainingKernels(), Object.keys(WASM_TRAINING_KERNELS)); // idempotent
  });

  const convCases: [string, number[], number[], number | [number, number], Pad][] = [
    ["3x3 stride 1 same", [2, 7, 6, 3], [3, 3, 3, 4], 1, "same"],
    ["3x3 stride 2 same", [2, 7, 6, 3], [3, 3, 3, 4], 2, "same"],
    ["3x5 stride 2 valid", [2, 9, 8, 3], [3, 5, 3, 4], 2, "valid"],
    ["2x3 stride 1 valid", [3, 6, 7, 2], [2, 3, 2, 5], 1, "valid"],
    ["5x3 strides [2,3] same", [2, 11, 10, 3], [5, 3, 3, 2], [2, 3], "same"],
    ["11x11 stride 4 valid (AlexNet conv1)", [1, 27, 27, 3], [11, 11, 3, 4], 4, "valid"],
    ["explicit padding", [2, 8, 8, 3], [3, 3, 3, 4], 2, [[0, 0], [1, 2], [2, 0], [0, 0]]],
    ["numeric padding, non-square filter", [2, 8, 9, 2], [3, 5, 2, 3], 1, 1],
    ["1x1", [2, 5, 5, 3], [1, 1, 3, 4], 1, "valid"],
    ["1x1 stride 2", [2, 7, 6, 3], [1, 1, 3, 4], 2, "same"],
    ["1 input channel (first layer), stride 2", [3, 9, 10, 1], [3, 3, 1, 16], 2, "same"],
    ["1 input channel, stride 1", [2, 12, 12, 1], [3, 3, 1, 32], 1, "same"],
  ];
  await t.step("Conv2D: Conv2DBackpropFilter and Conv2DBackpropInput", async () => {
    for (const [label, xs, ws, s, pad] of convCases) {
      await sameAsCpu(`conv2d ${label}`, (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad), [
        xs,
        ws,
      ]);
    }
  });

  await t.step("conv2dTranspose (Conv2DBackpropInput forward, Conv2D backward)", async () => {
    await sameAsCpu(
      "conv2dTranspose stride 2 same",
      (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 6, 3], 2, "same"),
      [[2, 4, 3, 5], [3, 3, 3, 5]],
    );
  });

  const poolCases = POOL_CASES;
  await t.step("MaxPool and MaxPoolGrad on signed inputs, with ties", async () => {
    for (const [label, xs, f, s, pad] of poolCases) {
      const v = randn(size(xs), 5);
      const fn = (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, f, s, pad);
      await sameAsCpu(`maxPool ${label}`, fn, [xs], [v]);
      // Quantised, all-negative values: many ties and windows whose every value is < 0.
      await sameAsCpu(`maxPool ${label} (ties, negative)`, fn, [xs], [
        v.map((a) => Math.round(a * 2) / 2 - 3),
      ]);
    }
  });

  await t.step("MaxPoolGrad with NaN and -Infinity matches cpu", async () => {
    for (const [f, s] of [[2, 2], [3, 2]]) {
      const v = randn(2 * 6 * 6 * 3, 4);
      for (let i = 0; i < v.length; i += 5) v[i] = NaN;
      for (let i = 2; i < v.length; i += 7) v[i] = -Infinity;
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const x = tf.tensor4d(v, [2, 6, 6, 3]);
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, f, s, "valid")))(x);
        const out = await g.data();
        tf.dispose([x, g]);
        return Array.from(out);
      };
      assert.deepEqual(await run("wasm"), await run("cpu"), `window ${f}, stride ${s}`);
    }
  });

  await t.step("the composed MaxPoolGrad (cross-check of the heap pass) matches too", async () => {
    await tf.setBackend("wasm");
    for (const [label, xs, f, s, pad] of poolCases) {
      const v = randn(size(xs), 5).map((a) => Math.round(a * 2) / 2 - 3);
      const grads = tf.tidy(() => {
        const x = tf.tensor4d(v, xs as [number, number, number, number]);
        const y = tf.maxPool(x, f, s, pad);
        const dy = tf.tensor(randn(y.size, 8), y.shape);
        const attrs = { filterSize: f, strides: s, pad };
        const heap = tf.engine().runKernel("MaxPoolGrad", { dy, input: x, output: y }, attrs);
        const composed = maxPoolGradComposed({
          inputs: { dy, input: x, output: y },
          backend: tf.backend() as unknown as Parameters<typeof maxPoolGradComposed>[0]["backend"],
          attrs: attrs as unknown as tf.NamedAttrMap,
        });
        return [heap as tf.Tensor, tf.engine().makeTensorFromTensorInfo(composed)];
      });
      const [a, b] = await Promise.all(grads.map((g) => g.data())) as Float32Array[];
      tf.dispose(grads);
      assert.ok(relErr(b, a) <= TOL, `composed maxPoolGrad ${label}: ${relErr(b, a)}`);
    }
  });

  await t.step("AvgPool and AvgPoolGrad", async () => {
    for (const [label, xs, f, s, pad] of poolCases) {
      await sameAsCpu(`avgPool ${label}`, (x) => tf.avgPool(x as tf.Tensor4D, f, s, pad), [xs]);
    }
  });

  await t.step("depthwise conv: DepthwiseConv2dNativeBackpropFilter and ...BackpropInput", async () => {
    const cases: [string, number[], number[], number | [number, number], Pad][] = [
      ["3x3 stride 1 same, multiplier 1", [2, 7, 6, 3], [3, 3, 3, 1], 1, "same"],
      ["3x3 stride 2 same, multiplier 2", [2, 7, 6, 3], [3, 3, 3, 2], 2, "same"],
      ["3x5 stride 2 valid, multiplier 2", [2, 9, 8, 3], [3, 5, 3, 2], 2, "valid"],
    ];
    for (const [label, xs, ws, s, pad] of cases) {
      await sameAsCpu(
        `depthwiseConv2d ${label}`,
        (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad),
        [xs, ws],
      );
    }
  });

  await t.step(
    "depthwise backprop kernels with dilation (adjoint identity; cpu ignores dilation there)",
    async () => {
      // y is bilinear in (x, w), so for any dy: <dy, y> = <dX, x> = <dW, w>.
      const cases: [number[], number[], number, number | [number, number], Pad][] = [
        [[2, 9, 8, 3], [3, 3, 3, 2], 1, 2, "same"],
        [[2, 9, 8, 3], [3, 3, 3, 2], 1, 2, "valid"],
        [[1, 10, 10, 2], [2, 3, 2, 1], 1, [2, 3], "valid"],
      ];
      await tf.setBackend("wasm");
      for (const [xs, ws, s, d, pad] of cases) {
        const [dots, extra] = tf.tidy(() => {
          const x = tf.tensor(randn(size(xs), 3), xs), w = tf.tensor(randn(size(ws), 4), ws);
          const y = tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, s, pad, "NHWC", d);
          const dy = tf.tensor(randn(y.size, 5), y.shape);
          const attrs = { strides: [s, s], dilations: d, pad, inputShape: xs, filterShape: ws };
          const run = (name: string, inputs: tf.NamedTensorMap) =>
            tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
          const dx = run("DepthwiseConv2dNativeBackpropInput", { dy, filter: w });
          const dw = run("DepthwiseConv2dNativeBackpropFilter", { x, dy });
          return [
            tf.stack([tf.sum(tf.mul(dy, y)), tf.sum(tf.mul(dx, x)), tf.sum(tf.mul(dw, w))]),
            tf.sum(tf.abs(y)),
          ];
        });
        const [a, b, c] = await dots.data(), scale = (await extra.data())[0];
        tf.dispose([dots, extra]);
        assert.ok(Math.abs(a - b) <= 1e-5 * scale, `dilation ${d} ${pad}: <dy,y>=${a} but <dX,x>=${b}`);
        assert.ok(Math.abs(a - c) <= 1e-5 * scale, `dilation ${d} ${pad}: <dy,y>=${a} but <dW,w>=${c}`);
      }
    },
  );

  await t.step(
    "resizeBilinear gradient: adjoint identity, halfPixelCenters and non-square included",
    async () => {
      await tf.setBackend("wasm");
      for (const [alignCorners, halfPixel] of [[false, false], [true, false], [false, true]]) {
        for (
          const [inShape, size2] of [[[2, 4, 3, 2], [13, 11]], [[1, 8, 8, 3], [3, 5]]] as [number[], [
            number,
            number,
          ]][]
        ) {
          const [dots, scale] = tf.tidy(() => {
            const x = tf.tensor4d(randn(size(inShape), 3), inShape as [number, number, number, number]);
            const g = tf.grad((a: tf.Tensor) =>
              tf.image.resizeBilinear(a as tf.Tensor4D, size2, alignCorners, halfPixel)
            );
            const y = tf.image.resizeBilinear(x, size2, alignCorners, halfPixel);
            const dy = tf.tensor(randn(y.size, 5), y.shape);
            const dx = g(x, dy);
            assert.deepEqual(dx.shape, x.shape);
            return [tf.stack([tf.sum(tf.mul(dy, y)), tf.sum(tf.mul(dx, x))]), tf.sum(tf.abs(y))];
          });
          const [a, b] = await dots.data(), s = (await scale.data())[0];
          tf.dispose([dots, scale]);
          const label = `alignCorners=${alignCorners} halfPixel=${halfPixel} ${inShape} -> ${size2}`;
          assert.ok(Math.abs(a - b) <= 1e-5 * s, `${label}: <dy,y>=${a} but <dX,x>=${b}`);
        }
      }
      // Against cpu where cpu is right (square input, no half-pixel centres).
      await sameAsCpu("resizeBilinear square", (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [13, 11]), [[
        2,
        4,
        4,
        2,
      ]]);
    },
  );

  await t.step("model-zoo ops: LRN, batchNorm, relu, concat, matMul, softmax CE, mean/max", async () => {
    await sameAsCpu(
      "localResponseNormalization (AlexNet: radius 2, bias 2, alpha 1e-4, beta 0.75)",
      (x) => tf.localResponseNormalization(x as tf.Tensor4D, 2, 2, 1e-4, 0.75),
      [[2, 5, 5, 8]],
    );
    await sameAsCpu(
      "localResponseNormalization (GoogLeNet-style: radius 5, bias 1, alpha 1e-2)",
      (x) => tf.localResponseNormalization(x as tf.Tensor4D, 5, 1, 1e-2, 0.75),
      [[2, 4, 4, 12]],
    );
    await sameAsCpu(
      "batchNorm",
      (x, m, v, o, s) => tf.batchNorm(x, m, tf.abs(v), o, s, 1e-3),
      [[2, 4, 4, 3], [3], [3], [3], [3]],
    );
    await sameAsCpu("batch statistics (moments) + relu", (x) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.relu(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))));
    }, [[2, 4, 4, 3]]);
    await sameAsCpu("concat (inception)", (a, b) => tf.concat([a, tf.relu(b)], 3), [[2, 3, 3, 2], [
      2,
      3,
      3,
      5,
    ]]);
    await sameAsCpu("matMul", (a, b) => tf.matMul(a, b), [[4, 6], [6, 3]]);
    await sameAsCpu("matMul transposed", (a, b) => tf.matMul(a, b, true, true), [[6, 4], [3, 6]]);
    await sameAsCpu("dropout-style mask", (x) => tf.mul(x, tf.tensor([0, 2, 2, 0, 2, 2], [1, 6])), [[3, 6]]);
    await sameAsCpu("softmax cross-entropy", (logits) => {
      const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 2], "int32"), 3);
      return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1)));
    }, [[4, 3]]);
    await sameAsCpu("sum over leading axes (bias gradients)", (x) => tf.sum(x, [0, 1, 2]), [[4, 5, 6, 7]]);
    await sameAsCpu("sum over leading axes, keepDims", (x) => tf.sum(x, [1, 0], true), [[9, 8, 3]]);
    await sameAsCpu("sum over inner axes", (x) => tf.sum(x, [1, 2]), [[4, 5, 6, 7]]);
    await sameAsCpu("sum over the middle axes, keepDims", (x) => tf.sum(x, [2, 1], true), [[3, 4, 5, 6]]);
    await sameAsCpu("sum over one middle axis of a 5-D tensor", (x) => tf.sum(x, 2), [[2, 3, 4, 2, 3]]);
    await sameAsCpu("sum over the last axis (stock)", (x) => tf.sum(x, -1), [[4, 5, 6]]);
    await sameAsCpu("sum over separated axes (stock)", (x) => tf.sum(x, [0, 2]), [[4, 5, 6, 3]]);
    await sameAsCpu("mean over the spatial axes (global average pool)", (x) => tf.mean(x, [1, 2]), [[
      4,
      5,
      6,
      7,
    ]]);
    await sameAsCpu("mean over leading axes, keepDims", (x) => tf.mean(x, [0, 1], true), [[4, 5, 3]]);
    await sameAsCpu("mean over 3-D space", (x) => tf.mean(x, [1, 2, 3]), [[2, 3, 4, 5, 6]]);
    await sameAsCpu("mean over everything (stock)", (x) => tf.mean(x), [[4, 5, 6]]);
    await sameAsCpu("mean (GAP)", (x) => tf.mean(x, [1, 2]), [[2, 4, 5, 3]]);
    await sameAsCpu("max (GMP)", (x) => tf.max(x, [1, 2]), [[2, 4, 5, 3]]);
  });

  await t.step(
    "comparisons with a broadcast operand (one pass over the heap) equal cpu's, float32 and int32",
    async () => {
      const pairs: [number[], number[]][] = [
        [[4, 5, 6, 7], [4, 1, 1, 7]], // x against its global max (GMP's gradient mask)
        [[4, 1, 1, 7], [4, 5, 6, 7]],
        [[3, 5], [5]],
        [[2, 3, 4], [1]],
        [[], [3, 4]],
        [[3, 1], [1, 4]], // both broadcast
        [[2, 1, 4, 1, 3], [1, 5, 1, 2, 3]],
        [[2, 0, 3], [1, 3]], // empty
      ];
      // Small integers: many equal pairs.
      const values = (shape: number[], seed: number) =>
        Array.from({ length: size(shape) }, (_, i) => ((i * 7 + seed * 13) % 5) - 2);
      const run = async (
        backend: string,
        op: string,
        as: number[],
        bs: number[],
        dtype: "float32" | "int32",
      ) => {
        await tf.setBackend(backend);
        const a = tf.tensor(values(as, 1), as, dtype), b = tf.tensor(values(bs, 2), bs, dtype);
        const f = {
          Equal: tf.equal,
          NotEqual: tf.notEqual,
          Greater: tf.greater,
          GreaterEqual: tf.greaterEqual,
          Less: tf.less,
          LessEqual: tf.lessEqual,
        }[op]!;
        const y = f(a, b);
        const out = { shape: y.shape, dtype: y.dtype, values: Array.from(await y.data()) };
        tf.dispose([a, b, y]);
        return out;
      };
      for (const op of ["Equal", "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual"]) {
        for (const [as, bs] of pairs) {
          for (const dtype of ["float32", "int32"] as const) {
            const label = `${op} ${JSON.stringify(as)} vs ${JSON.stringify(bs)} ${dtype}`;
            assert.deepEqual(
              await run("wasm", op, as, bs, dtype),
              await run("cpu", op, as, bs, dtype),
              label,
            );
          }
        }
      }
      await tf.setBackend("wasm");
      // NaN is unequal to everything, itself included, and ±0 are equal, as in C++.
      const [e1, e2] = tf.tidy(() => [
        tf.equal(tf.tensor([NaN, 0, -0, 1, NaN, 2], [3, 2]), tf.tensor([NaN, 0], [1, 2])),
        tf.equal(tf.tensor([-0]), tf.tensor([0, 0], [2])),
      ]);
      assert.deepEqual(Array.from(await e1.data()), [0, 1, 0, 0, 0, 0]);
      assert.deepEqual(Array.from(await e2.data()), [1, 1]);
      tf.dispose([e1, e2]);
      // GMP's gradient with tied maxima (every tied position gets dy, as tfjs-core's Max gradient does).
      await sameAsCpu("max (GMP) with ties", (v) => tf.max(v, [1, 2]), [[2, 4, 5, 3]], [
        Float32Array.from({ length: 120 }, (_, i) => (i * 7) % 3),
      ]);
    },
  );

  await t.step("Transpose (large permutations done on the heap) and its gradient", async () => {
    const cases: [number[], number[]][] = [
      [[64, 80], [1, 0]],
      [[3, 40, 50], [0, 2, 1]],
      [[20, 30, 8], [1, 0, 2]],
      [[6, 5, 7, 30], [3, 1, 2, 0]],
      [[4, 1, 30, 40], [2, 1, 3, 0]],
      [[32, 16, 16, 8], [1, 2, 0, 3]],
      [[2, 3, 4, 5, 60], [4, 0, 2, 1, 3]],
    ];
    for (const [shape, perm] of cases) {
      await sameAsCpu(`transpose ${shape} by ${perm}`, (x) => tf.transpose(x, perm), [shape]);
    }
    const ints = async (backend: string) => {
      await tf.setBackend(backend);
      const x = tf.tidy(() => tf.reshape(tf.range(0, 64 * 90, 1, "int32"), [64, 90]));
      const y = tf.transpose(x);
      const v = await y.data();
      tf.dispose([x, y]);
      return Array.from(v);
    };
    assert.deepEqual(await ints("wasm"), await ints("cpu"));
  });

  await t.step("no tensors or wasm buffers leak", async () => {
    assert.equal(tf.memory().numTensors, before, "tensors");
    await tf.setBackend("wasm");
    assert.equal(tf.memory().numDataBuffers, buffersBefore, "wasm buffers");
  });
  registerNativeKernels(native);
});
