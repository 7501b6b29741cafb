/**
 * Every CAM method on 3-D volumes ([n, D, H, W, C] images, [n, d, h, w, K] maps), against hand computations:
 * Σ w·f, trilinear upsampling with half-pixel centres, Grad-CAM = CAM / Z for a GAP head, finite-difference
 * Grad-CAM weights, Score-CAM's masked-volume probabilities. Runs on the cpu backend (the wasm backend's 3-D
 * kernels are not trusted here).
 */
import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam, type Explainable, gradCam, gradCamPlusPlus, saliency, scoreCam } from "../../lib/cam/mod.ts";
import { assertClose, minMax, softmax } from "./_helpers.ts";
import { seededValues } from "./_tiny_models.ts";

/**
 * A seeded 3-D net on tfjs-core: conv3d 3³ (1 → 3, ReLU, "conv1") → max-pool 2³ ("pool1") → conv3d 3³ (3 → 4,
 * ReLU, "conv2") → GAP → dense (4 → 3). Input [n, 6, 6, 6, 1]; the CAM layer conv2 is [n, 3, 3, 3, 4].
 */
function volumeNet(): Explainable & { dispose(): void; w: tf.Tensor2D; b: tf.Tensor1D } {
  const k1 = tf.tensor5d(seededValues(1, 27 * 3), [3, 3, 3, 1, 3]);
  const b1 = tf.tensor1d(seededValues(2, 3).map((v) => 0.1 * v + 0.1));
  const k2 = tf.tensor5d(seededValues(3, 27 * 3 * 4).map((v) => 0.5 * v), [3, 3, 3, 3, 4]);
  const b2 = tf.tensor1d(seededValues(4, 4).map((v) => 0.1 * v + 0.2));
  const w = tf.tensor2d(seededValues(5, 12), [4, 3]);
  const b = tf.tensor1d(seededValues(6, 3));
  const layerNames = ["conv1", "pool1", "conv2"];
  return {
    config: { name: "volume-net", pooling: "gap" },
    layerNames,
    camLayer: "conv2",
    w,
    b,
    apply(images, options = {}) {
      return tf.tidy(() => {
        const activations: Record<string, tf.Tensor> = {};
        const tap = (name: string, y: tf.Tensor5D): tf.Tensor5D => {
          const p = options.perturb?.[name];
          const out = p ? tf.add(y, p) as tf.Tensor5D : y;
          if (options.capture?.includes(name)) activations[name] = out;
          return out;
        };
        const x = images as tf.Tensor5D;
        const a1 = tap("conv1", tf.relu(tf.add(tf.conv3d(x, k1, 1, "same"), b1)));
        const p1 = tap("pool1", tf.maxPool3d(a1, 2, 2, "valid"));
        const a2 = tap("conv2", tf.relu(tf.add(tf.conv3d(p1, k2, 1, "same"), b2)));
        const logits = tf.add(tf.matMul(tf.mean(a2, [1, 2, 3]) as tf.Tensor2D, w), b) as tf.Tensor2D;
        return { logits, activations };
      });
    },
    classifier: () => ({ weights: w, bias: b }),
    dispose: () => tf.dispose([k1, b1, k2, b2, w, b]),
  };
}

function volumes(seed: number, n: number): tf.Tensor5D {
  return tf.tensor5d(seededValues(seed, n * 216).map((v) => (v + 1) / 2), [n, 6, 6, 6, 1]);
}

/** Trilinear resize of one [d, h, w] volume, half-pixel centres (PyTorch's align_corners=False), by hand. */
function trilinear(src: ArrayLike<number>, [d, h, w]: number[], [D, H, W]: number[]): Float64Array {
  const out = new Float64Array(D * H * W);
  const axis = (o: number, inSize: number, outSize: number): [number, number, number] => {
    const x = Math.max(0, (o + 0.5) * (inSize / outSize) - 0.5);
    const lo = Math.min(Math.floor(x), inSize - 1);
    return [lo, Math.min(lo + 1, inSize - 1), x - lo];
  };
  for (let z = 0; z < D; z++) {
    const [z0, z1, fz] = axis(z, d, D);
    for (let y = 0; y < H; y++) {
      const [y0, y1, fy] = axis(y, h, H);
      for (let x = 0; x < W; x++) {
        const [x0, x1, fx] = axis(x, w, W);
        const v = (zz: number, yy: number, xx: number) => src[(zz * h + yy) * w + xx];
        const c00 = v(z0, y0, x0) * (1 - fx) + v(z0, y0, x1) * fx;
        const c01 = v(z0, y1, x0) * (1 - fx) + v(z0, y1, x1) * fx;
        const c10 = v(z1, y0, x0) * (1 - fx) + v(z1, y0, x1) * fx;
        const c11 = v(z1, y1, x0) * (1 - fx) + v(z1, y1, x1) * fx;
        const c0 = c00 * (1 - fy) + c01 * fy, c1 = c10 * (1 - fy) + c11 * fy;
        out[(z * H + y) * W + x] = c0 * (1 - fz) + c1 * fz;
      }
    }
  }
  return out;
}

Deno.test("CAM methods on 3-D volumes", async (t) => {
  const net = volumeNet();
  const x = volumes(9, 2);
  const W = await net.w.data();
  const feats = tf.tidy(() => net.apply(x, { capture: ["conv2"] }).activations.conv2);
  const f = await feats.data(); // [2, 3, 3, 3, 4]
  const z = await tf.tidy(() => net.apply(x).logits).data();
  feats.dispose();
  const before = tf.memory().numTensors;

  await t.step("CAM is Σ_k w_k^c f_k over the 3-D map; its mean plus b_c is the score", async () => {
    const r = await cam(net, x, { topK: 3, normalize: "none", upsample: false });
    assert.deepEqual(r.shape, [6, 3, 3, 3]);
    assert.deepEqual(r.record.mapSize, [3, 3, 3]);
    assert.equal(r.record.upsample, null);
    const bias = await net.b.data();
    for (let m = 0; m < 6; m++) {
      const n = r.record.imageIndex[m], c = r.record.classIndex[m];
      const hand = Array.from({ length: 27 }, (_, p) => {
        let s = 0;
        for (let k = 0; k < 4; k++) s += W[k * 3 + c] * f[(n * 27 + p) * 4 + k];
        return s;
      });
      assertClose(r.maps.subarray(m * 27, (m + 1) * 27), hand, 1e-5, `M_${c} of volume ${n}`);
      const mean = hand.reduce((a, v) => a + v, 0) / 27;
      assert.ok(Math.abs(mean + bias[c] - z[n * 3 + c]) < 1e-5, "GAP identity");
    }
  });

  await t.step("maps are upsampled trilinearly (half-pixel centres) to the input volume", async () => {
    const raw = await cam(net, x, { classIndex: 1, upsample: false });
    const up = await cam(net, x, { classIndex: 1 });
    assert.deepEqual(up.shape, [2, 6, 6, 6]);
    assert.deepEqual(up.record.upsample, [6, 6, 6]);
    assert.deepEqual(up.record.inputShape, [2, 6, 6, 6, 1]);
    for (let n = 0; n < 2; n++) {
      const hand = trilinear(raw.maps.subarray(n * 27, (n + 1) * 27), [3, 3, 3], [6, 6, 6]);
      assertClose(up.maps.subarray(n * 216, (n + 1) * 216), hand, 1e-6, `volume ${n}`);
    }
    const odd = await cam(net, x, { classIndex: 1, upsample: [5, 7, 4] });
    assert.deepEqual(odd.shape, [2, 5, 7, 4]);
    assertClose(odd.maps.subarray(0, 140), trilinear(raw.maps.subarray(0, 27), [3, 3, 3], [5, 7, 4]), 1e-6);
    assert.ok(up.maps.every((v) => v >= 0 && v <= 1));
  });

  await t.step("Grad-CAM at the CAM layer equals CAM after min-max (GAP: α = w / Z)", async () => {
    const g = await gradCam(net, x, { topK: 3, relu: false, upsample: false });
    const c = await cam(net, x, { topK: 3, upsample: false });
    assertClose(g.maps, c.maps, 1e-5, "maps");
    for (let m = 0; m < 6; m++) {
      const cls = g.record.classIndex[m];
      const expected = Array.from({ length: 4 }, (_, k) => W[k * 3 + cls] / 27);
      assertClose(g.weights!.subarray(m * 4, (m + 1) * 4), expected, 1e-6, `α of map ${m}`);
    }
  });

  await t.step(
    "Grad-CAM weights at conv1 equal finite differences (∂y_c/∂A_k summed over positions)",
    async () => {
      const g = await gradCam(net, x, { layer: "conv1", classIndex: [2, 0], upsample: false });
      assert.deepEqual(g.shape, [2, 6, 6, 6]);
      const eps = 1e-2;
      for (let n = 0; n < 2; n++) {
        const c = [2, 0][n];
        const one = tf.slice(x, n, 1);
        for (let k = 0; k < 3; k++) {
          const y = (sign: number) =>
            tf.tidy(() => {
              const bump = tf.mul(tf.oneHot(tf.fill([1, 6, 6, 6], k, "int32"), 3), sign * eps);
              return net.apply(one, { perturb: { conv1: bump } }).logits.dataSync()[c];
            });
          const fd = (y(1) - y(-1)) / (2 * eps) / 216; // Σ_p ∂y/∂A_kp / Z
          const alpha = g.weights![n * 3 + k];
          assert.ok(
            Math.abs(alpha - fd) <= 2e-3 * Math.max(1, Math.abs(fd)),
            `α_${k} of volume ${n}: ${alpha} vs ${fd}`,
          );
        }
        one.dispose();
      }
    },
  );

  await t.step("Score-CAM weights are the class probabilities of the masked volumes", async () => {
    const r = await scoreCam(net, x, { classIndex: 0, batchSize: 3, upsample: false });
    const acts = tf.tidy(() => net.apply(x, { capture: ["conv2"] }).activations.conv2);
    const a = await acts.data();
    acts.dispose();
    const xs = await x.data();
    for (let n = 0; n < 2; n++) {
      for (let k = 0; k < 4; k++) {
        const channel = Array.from({ length: 27 }, (_, p) => a[(n * 27 + p) * 4 + k]);
        const mask = minMax(trilinear(channel, [3, 3, 3], [6, 6, 6]));
        const masked = tf.tensor5d(Array.from({ length: 216 }, (_, p) => xs[n * 216 + p] * mask[p]), [
          1,
          6,
          6,
          6,
          1,
        ]);
        const logits = tf.tidy(() => net.apply(masked).logits);
        const p = softmax(Array.from(await logits.data()))[0];
        tf.dispose([masked, logits]);
        assert.ok(Math.abs(r.weights![n * 4 + k] - p) < 1e-5, `w_${k} of volume ${n}`);
      }
    }
    assert.deepEqual(r.shape, [2, 3, 3, 3]);
  });

  await t.step("Grad-CAM++ and saliency give maps of the input volume in [0, 1]", async () => {
    const pp = await gradCamPlusPlus(net, x, { layer: "pool1", topK: 2 });
    assert.deepEqual(pp.shape, [4, 6, 6, 6]);
    assert.deepEqual(pp.record.mapSize, [3, 3, 3]);
    const s = await saliency(net, x, { classIndex: 1 });
    assert.deepEqual(s.shape, [2, 6, 6, 6]);
    for (const r of [pp, s]) assert.ok(r.maps.every((v) => v >= 0 && v <= 1));
  });

  await t.step("options are checked against the volume's rank", async () => {
    await assert.rejects(cam(net, x, { upsample: [6, 6] }), {
      name: "CamError",
      message: "cam: upsample must be [depth, height, width] of positive integers, got [6,6]",
    });
    await assert.rejects(gradCam(net, x, { layer: "conv9" }), {
      name: "CamError",
      message: 'gradCam: unknown layer "conv9" in volume-net (layers: conv1, pool1, conv2)',
    });
  });

  await t.step("no tensor outlives a call, errors included", () => {
    assert.equal(tf.memory().numTensors, before);
  });
  x.dispose();
  net.dispose();
});
