import * as tf from "../../lib/tf.ts";
import * as tfl from "@tensorflow/tfjs-layers";
import assert from "node:assert/strict";
import { cam, gradCam, gradCamPlusPlus, saliency, scoreCam } from "../../lib/cam/mod.ts";
import { folderSaveHandler, fromLayersModel, loadLayersModelFile } from "../../lib/foreign/mod.ts";
import { gapFeatures } from "../../lib/probes/mod.ts";
import { arrayDataset } from "../../lib/data/mod.ts";
import { max3dBoxAccV2, vxap } from "../../lib/localize/mod.ts";
import { assertClose, useCpu } from "../_helpers.ts";
import { blobs, fit, net2d, net3d } from "./_layers_models.ts";

await useCpu();

/** Σ_k W[k, c] f[n, p, k] for every position p, by hand. */
function handCam(
  f: ArrayLike<number>,
  W: ArrayLike<number>,
  n: number,
  c: number,
  positions: number,
  k: number,
) {
  return Array.from({ length: positions }, (_, p) => {
    let s = 0;
    for (let j = 0; j < k; j++) s += W[j * 2 + c] * f[(n * positions + p) * k + j];
    return s;
  });
}

/** The output of one layer of a LayersModel, through tfjs-layers itself (not the adapter). */
async function layerOutput(model: tfl.LayersModel, layer: string, x: tf.Tensor): Promise<Float32Array> {
  const probe = tfl.model({
    inputs: model.inputs,
    outputs: model.getLayer(layer).output as tfl.SymbolicTensor,
  });
  const out = probe.predict(x) as tf.Tensor;
  const values = await out.data() as Float32Array;
  out.dispose();
  return values;
}

Deno.test("a tf.LayersModel trained here (2-D), explained through fromLayersModel", async (t) => {
  const model = net2d();
  const { x, labels, centres } = blobs(2, 32, 1);
  const accuracy = await fit(model, x, labels, 30);
  const net = fromLayersModel(model);
  const before = tf.memory().numTensors;

  await t.step(
    "it learned the task; the adapter finds the GAP → dense head and the pre-softmax scores",
    async () => {
      assert.ok(accuracy >= 0.9, `training accuracy ${accuracy}`);
      assert.deepEqual(net.layerNames, ["conv1", "pool1", "conv2", "gap", "fc"]);
      assert.equal(net.camLayer, "conv2");
      assert.deepEqual(net.head, { camLayer: "conv2", pooling: "gap", dense: "fc" });
      assert.equal(net.config.scores, "logits");
      assert.equal(net.config.scoresFrom, "fc");
      assert.equal(net.config.numClasses, 2);
      const probabilities = tf.tidy(() => tf.softmax(net.apply(x).logits));
      const predicted = model.predict(x) as tf.Tensor;
      assertClose(await probabilities.data(), await predicted.data(), 1e-6, "softmax(scores) = predict");
      tf.dispose([probabilities, predicted]);
    },
  );

  await t.step(
    "CAM equals Σ_k w_k^c f_k from the model's own weights; mean(M_c) + b_c is the score",
    async () => {
      const [kernel, bias] = model.getLayer("fc").getWeights();
      const W = await kernel.data(), b = await bias.data();
      const f = await layerOutput(model, "conv2", x); // [32, 6, 6, 8]
      const scores = tf.tidy(() => net.apply(x).logits);
      const z = await scores.data();
      scores.dispose();
      const r = await cam(net, x, { topK: 2, normalize: "none", upsample: false });
      assert.deepEqual(r.shape, [64, 6, 6]);
      assert.equal(r.record.model, "blobs-2d");
      assert.equal(r.record.pooling, "gap");
      for (let m = 0; m < 64; m++) {
        const n = r.record.imageIndex[m], c = r.record.classIndex[m];
        const hand = handCam(f, W, n, c, 36, 8);
        assertClose(r.maps.subarray(m * 36, (m + 1) * 36), hand, 1e-5, `M_${c} of image ${n}`);
        const mean = hand.reduce((s, v) => s + v, 0) / 36;
        assert.ok(Math.abs(mean + b[c] - z[n * 2 + c]) < 1e-5, "GAP identity");
      }
    },
  );

  await t.step("Grad-CAM at the CAM layer equals CAM after min-max", async () => {
    const g = await gradCam(net, x, { classIndex: labels, relu: false });
    const c = await cam(net, x, { classIndex: labels });
    assertClose(g.maps, c.maps, 1e-4, "Grad-CAM vs CAM");
  });

  await t.step(
    "CAM points at the blob (its maximum within 3 px of the blob's centre: one map cell)",
    async () => {
      const c = await cam(net, x, { classIndex: labels });
      let hits = 0;
      for (let n = 0; n < 32; n++) {
        const map = c.maps.subarray(n * 144, (n + 1) * 144);
        const at = map.indexOf(Math.max(...map));
        const [row, col] = [Math.floor(at / 12), at % 12];
        const [r0, c0] = centres[n];
        if (Math.max(Math.abs(row - r0 - 0.5), Math.abs(col - c0 - 0.5)) <= 3) hits++;
      }
      assert.ok(hits >= 28, `${hits} of 32 maxima on the blob`); // chance: about a third
    },
  );

  await t.step("Grad-CAM, Grad-CAM++, Score-CAM and saliency at any layer; GAP features", async () => {
    const four = tf.slice(x, 0, 4) as tf.Tensor4D;
    for (
      const r of [
        await gradCam(net, x, { layer: "conv1", topK: 2 }),
        await gradCamPlusPlus(net, x, { layer: "pool1" }),
        await scoreCam(net, four, { layer: "conv2", batchSize: 16 }),
        await saliency(net, x),
      ]
    ) {
      assert.equal(r.shape[1], 12);
      assert.equal(r.shape[2], 12);
      assert.ok(r.maps.every((v) => v >= 0 && v <= 1), r.record.method);
    }
    const pixels = await four.data() as Float32Array;
    four.dispose();
    const samples = labels.slice(0, 4).map((label, i) => ({
      image: pixels.slice(i * 144, (i + 1) * 144),
      height: 12,
      width: 12,
      channels: 1,
      label,
    }));
    const features = await gapFeatures(net, arrayDataset(samples));
    assert.equal(features.numFeatures, 8);
    assert.equal(features.layer, "conv2");
    const f = await layerOutput(model, "conv2", x);
    const mean = Array.from({ length: 8 }, (_, k) => {
      let s = 0;
      for (let p = 0; p < 36; p++) s += f[p * 8 + k] / 36;
      return s;
    });
    assertClose(features.features.subarray(0, 8), mean, 1e-5, "GAP vector of image 0");
  });

  await t.step("saved with model.save and loaded back: the same maps", async () => {
    const dir = await Deno.makeTempDir();
    try {
      await model.save(folderSaveHandler(dir));
      const again = fromLayersModel(await loadLayersModelFile(`${dir}/model.json`));
      assert.equal(again.config.name, "blobs-2d");
      assert.deepEqual(again.head, net.head);
      const a = await cam(net, x, { topK: 2 });
      const b = await cam(again, x, { topK: 2 });
      assertClose(b.maps, a.maps, 0, "CAM");
      const ga = await gradCam(net, x, { layer: "conv1" });
      const gb = await gradCam(again, x, { layer: "conv1" });
      assertClose(gb.maps, ga.maps, 0, "Grad-CAM");
      again.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step("errors name the model and the layer", async () => {
    const layers = "conv1, pool1, conv2, gap, fc";
    await assert.rejects(gradCam(net, x, { layer: "conv9" }), {
      name: "CamError",
      message: `gradCam: unknown layer "conv9" in blobs-2d (layers: ${layers})`,
    });
    assert.throws(() => net.apply(x, { capture: ["conv9"] }), {
      name: "ForeignModelError",
      message: `blobs-2d: no layer "conv9" (layers: ${layers})`,
    });
    assert.throws(() => fromLayersModel(model, { camLayer: "conv9" }), {
      name: "ForeignModelError",
      message: `blobs-2d: no layer "conv9" (layers: ${layers})`,
    });
    const early = fromLayersModel(model, { camLayer: "conv1", name: "early" });
    assert.equal(early.head, null);
    await assert.rejects(cam(early, x), {
      name: "ForeignModelError",
      message:
        `early: CAM needs the map fed to global pooling ("conv2"), not "conv1"; use gradCam there (layers: ${layers})`,
    });
    assert.deepEqual((await gradCam(early, x)).record.layer, "conv1");
  });

  await t.step("no tensor outlives a call, errors included", () => {
    assert.equal(tf.memory().numTensors, before);
  });
  x.dispose();
  net.dispose();
});

Deno.test("heads that are not GAP → dense: errors, softmax layers, identity heads, log-probabilities", async (t) => {
  const x = blobs(2, 4, 2).x;
  const before = tf.memory().numTensors;

  await t.step(
    "flatten → dense: CAM is refused, saying what follows the CAM layer; Grad-CAM works",
    async () => {
      const model = tfl.sequential({
        name: "fc-net",
        layers: [
          tfl.layers.conv2d({
            inputShape: [12, 12, 1],
            filters: 3,
            kernelSize: 3,
            activation: "relu",
            name: "conv1",
          }),
          tfl.layers.flatten({ name: "flat" }),
          tfl.layers.dense({ units: 2, activation: "softmax", name: "fc" }),
        ],
      });
      const net = fromLayersModel(model);
      const n0 = tf.memory().numTensors;
      assert.equal(net.camLayer, "conv1");
      assert.equal(net.head, null);
      await assert.rejects(cam(net, x), {
        name: "ForeignModelError",
        message:
          'fc-net: CAM needs global pooling → dense after the CAM layer "conv1"; the scores come from ' +
          '"fc" (Dense) ← "flat" (Flatten) (layers: conv1, flat, fc)',
      });
      const g = await gradCam(net, x);
      assert.deepEqual(g.shape, [4, 12, 12]);
      assert.equal(tf.memory().numTensors, n0, "no leak on the refused call");
      net.dispose();
    },
  );

  await t.step(
    "a softmax layer after GAP of a class map: pooled map = scores, identity classifier",
    async () => {
      const input = tfl.input({ shape: [12, 12, 1] });
      const classes = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", name: "classes" })
        .apply(input);
      const pooled = tfl.layers.globalAveragePooling2d({ name: "gap" }).apply(classes);
      const probs = tfl.layers.activation({ activation: "softmax", name: "probs" }).apply(pooled);
      const model = tfl.model({ inputs: input, outputs: probs as tfl.SymbolicTensor, name: "class-maps" });
      const net = fromLayersModel(model);
      assert.deepEqual(net.head, { camLayer: "classes", pooling: "gap", dense: null });
      assert.equal(net.config.scoresFrom, "gap");
      const f = await layerOutput(model, "classes", x);
      const r = await cam(net, x, { classIndex: 2, normalize: "none", upsample: false });
      for (let n = 0; n < 4; n++) {
        const channel = Array.from({ length: 144 }, (_, p) => f[(n * 144 + p) * 3 + 2]);
        assertClose(r.maps.subarray(n * 144, (n + 1) * 144), channel, 1e-6, `channel 2 of image ${n}`);
      }
      net.dispose();
    },
  );

  await t.step(
    "multi-output models pick an output; probabilities with no pre-softmax give log p",
    async () => {
      const input = tfl.input({ shape: [12, 12, 1] });
      const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", name: "conv" }).apply(
        input,
      );
      const gap = tfl.layers.globalAveragePooling2d({ name: "gap" }).apply(conv);
      const a = tfl.layers.dense({ units: 3, name: "a" }).apply(gap) as tfl.SymbolicTensor;
      const soft = tfl.layers.dense({ units: 2, activation: "softmax", name: "b" }).apply(gap);
      const b = tfl.layers.dropout({ rate: 0, name: "b_out" }).apply(soft) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: [a, b], name: "two-heads" });
      assert.throws(() => fromLayersModel(model), {
        name: "ForeignModelError",
        message: "two-heads: has 2 outputs (a, b_out); pick one with output",
      });
      assert.throws(() => fromLayersModel(model, { output: "c" }), {
        name: "ForeignModelError",
        message: 'two-heads: no output "c" (outputs: a, b_out)',
      });
      const first = fromLayersModel(model, { output: "a" });
      assert.deepEqual(first.head, { camLayer: "conv", pooling: "gap", dense: "a" });
      assert.equal((await cam(first, x)).record.classIndex.length, 4);
      const second = fromLayersModel(model, { output: 1, scores: "probabilities" });
      assert.equal(second.config.scores, "log-probabilities");
      const [outA, p] = model.predict(x) as tf.Tensor[];
      const logits = tf.tidy(() => second.apply(x).logits);
      assertClose(await logits.data(), Array.from(await p.data(), Math.log), 1e-6, "log p");
      const g = await gradCam(second, x);
      assert.equal(g.record.extra.scores, "log-probabilities");
      tf.dispose([outA, p, logits]);
      model.dispose();
    },
  );

  await t.step("no tensor outlives a call, errors included", () => {
    assert.equal(tf.memory().numTensors, before);
  });
  x.dispose();
});

Deno.test("a tf.LayersModel trained here (3-D volumes): CAM, Grad-CAM and finite differences", async (t) => {
  const model = net3d();
  const { x, labels, centres } = blobs(3, 16, 3);
  const accuracy = await fit(model, x, labels, 25);
  const net = fromLayersModel(model);
  const before = tf.memory().numTensors;

  await t.step("it learned the task; whole-map average pooling + flatten is found as GAP", () => {
    assert.ok(accuracy >= 0.9, `training accuracy ${accuracy}`);
    assert.deepEqual(net.head, { camLayer: "conv2", pooling: "gap", dense: "fc" });
  });

  await t.step("CAM equals Σ_k w_k^c f_k on the 4x4x4 map, upsampled trilinearly to 8x8x8", async () => {
    const W = await model.getLayer("fc").getWeights()[0].data();
    const f = await layerOutput(model, "conv2", x); // [16, 4, 4, 4, 6]
    const r = await cam(net, x, { classIndex: labels, normalize: "none", upsample: false });
    assert.deepEqual(r.shape, [16, 4, 4, 4]);
    for (let n = 0; n < 16; n++) {
      assertClose(
        r.maps.subarray(n * 64, (n + 1) * 64),
        handCam(f, W, n, labels[n], 64, 6),
        1e-5,
        `volume ${n}`,
      );
    }
    const up = await cam(net, x, { classIndex: labels });
    assert.deepEqual(up.shape, [16, 8, 8, 8]);
    assert.deepEqual(up.record.upsample, [8, 8, 8]);
  });

  await t.step("Grad-CAM at the CAM layer equals CAM after min-max", async () => {
    const g = await gradCam(net, x, { classIndex: labels, relu: false });
    const c = await cam(net, x, { classIndex: labels });
    assertClose(g.maps, c.maps, 1e-4);
  });

  await t.step("Grad-CAM weights at conv1 equal finite differences", async () => {
    const one = tf.slice(x, 0, 2);
    const g = await gradCam(net, one as tf.Tensor5D, { layer: "conv1", classIndex: 1, upsample: false });
    assert.deepEqual(g.shape, [2, 8, 8, 8]);
    const eps = 1e-3;
    for (let n = 0; n < 2; n++) {
      const image = tf.slice(one, n, 1);
      for (let k = 0; k < 4; k++) {
        const y = (sign: number) =>
          tf.tidy(() => {
            const bump = tf.mul(tf.oneHot(tf.fill([1, 8, 8, 8], k, "int32"), 4), sign * eps);
            return net.apply(image, { perturb: { conv1: bump } }).logits.dataSync()[1];
          });
        const fd = (y(1) - y(-1)) / (2 * eps) / 512;
        const alpha = g.weights![n * 4 + k];
        assert.ok(
          Math.abs(alpha - fd) <= 1e-2 * Math.abs(fd) + 1e-6,
          `α_${k}: ${alpha} vs ${fd}`,
        );
      }
      image.dispose();
    }
    one.dispose();
  });

  await t.step("Grad-CAM++, Score-CAM and saliency give maps of the input volume", async () => {
    for (
      const r of [
        await gradCamPlusPlus(net, x, { layer: "pool1" }),
        await scoreCam(net, x, { classIndex: labels, batchSize: 64 }),
        await saliency(net, x, { topK: 2 }),
      ]
    ) {
      assert.deepEqual(r.shape.slice(1), [8, 8, 8]);
      assert.ok(r.maps.every((v) => v >= 0 && v <= 1), r.record.method);
    }
  });

  await t.step("the 3-D maps plug into lib/localize's SE3D metrics (Max3DBoxAccV2, VxAP)", async () => {
    const maps = await cam(net, x, { classIndex: labels, relu: true });
    let hits = 0;
    for (let n = 0; n < 16; n++) {
      const m = maps.maps.subarray(n * 512, (n + 1) * 512);
      const at = m.indexOf(Math.max(...m));
      const [z, y, x0] = [Math.floor(at / 64), Math.floor(at / 8) % 8, at % 8];
      const [cz, cy, cx] = centres[n];
      if (Math.max(Math.abs(z - cz - 0.5), Math.abs(y - cy - 0.5), Math.abs(x0 - cx - 0.5)) <= 2.5) hits++;
    }
    assert.ok(hits >= 13, `${hits} of 16 maxima within 2.5 voxels of the blob`); // chance: about 0.4
    const truth = centres.map(([z, y, x0]) => [{ x0, y0: y, z0: z, x1: x0 + 1, y1: y + 1, z1: z + 1 }]);
    const masks = new Uint8Array(16 * 512);
    truth.forEach(([b], n) => {
      for (let z = b.z0; z <= b.z1; z++) {
        for (let y = b.y0; y <= b.y1; y++) {
          for (let x0 = b.x0; x0 <= b.x1; x0++) masks[n * 512 + (z * 8 + y) * 8 + x0] = 1;
        }
      }
    });
    const v2 = max3dBoxAccV2(maps, truth);
    const ap = vxap(maps, masks);
    assert.ok(v2.value >= 0 && v2.value <= 1);
    assert.ok(ap > 8 / 512, `VxAP ${ap} beats chance (the blob's share of the voxels)`);
  });

  await t.step("no tensor outlives a call", () => {
    assert.equal(tf.memory().numTensors, before);
  });
  x.dispose();
  net.dispose();
});
