import * as tf from "../../lib/tf.ts";
import { needs } from "../_skip.ts";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cam, gradCam } from "../../lib/cam/mod.ts";
import {
  decodeWeights,
  emotionModelPath,
  FACE_API_PACKAGE,
  FACE_API_SAMPLE,
  faceCrops,
  HUMAN_EMOTIONS,
  HUMAN_PACKAGE,
  jpegSize,
  loadEmotionNet,
  loadFaceExpressionNet,
  npmPackageDir,
  readJpeg,
  readModelArtifacts,
  readWeightsManifest,
} from "../../lib/foreign/mod.ts";
import { expressionMaps } from "../../lib/study/transfer/mod.ts";
import { assertClose, useCpu } from "../_helpers.ts";

await useCpu();

Deno.test("weights manifest and JPEG header", async (t) => {
  await t.step("uint8 weights dequantize as q·scale + min; float32 and int32 read little-endian", () => {
    const groups = [{
      paths: ["x.bin"],
      weights: [
        {
          name: "q",
          shape: [2, 2],
          dtype: "float32" as const,
          quantization: { dtype: "uint8" as const, scale: 0.5, min: -1 },
        },
        { name: "f", shape: [1], dtype: "float32" as const },
        { name: "i", shape: [2], dtype: "int32" as const },
      ],
    }];
    const buf = new Uint8Array(4 + 4 + 8);
    buf.set([0, 1, 2, 255]);
    const view = new DataView(buf.buffer);
    view.setFloat32(4, 1.25, true);
    view.setInt32(8, 1, true);
    view.setInt32(12, -7, true);
    const w = decodeWeights(groups, [buf], "x.json");
    assert.deepEqual([...w.q.values], [-1, -0.5, 0, 126.5]);
    assert.deepEqual(w.q.shape, [2, 2]);
    assert.deepEqual([...w.f.values], [1.25]);
    assert.deepEqual([...w.i.values], [1, -7]);
    assert.ok(w.i.values instanceof Int32Array);
    assert.throws(() => decodeWeights(groups, [buf.subarray(0, 6)], "x.json"), {
      name: "ForeignModelError",
      message: "x.json: weight f needs 4 bytes, the buffer ends after 2",
    });
    assert.throws(() => decodeWeights(groups, [new Uint8Array(20)], "x.json"), {
      name: "ForeignModelError",
      message: "x.json: group 0 holds 20 bytes but its weights use 16",
    });
  });

  await t.step("jpegSize reads the start-of-frame; a non-JPEG is refused", () => {
    const sof = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0x01, 0x00, 0x02, 0x80, 3, 0, 0, 0, 0]);
    assert.deepEqual(jpegSize(sof), { height: 256, width: 640 });
    assert.throws(() => jpegSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), "a.png"), {
      name: "ForeignModelError",
      message: "a.png: not a JPEG file (no SOI marker)",
    });
  });
});

const faceApiDir = npmPackageDir(FACE_API_PACKAGE.name, FACE_API_PACKAGE.version);
const humanDir = npmPackageDir(HUMAN_PACKAGE.name, HUMAN_PACKAGE.version);
const packages = needs(
  faceApiDir != null && humanDir != null,
  "npm:@vladmandic/face-api@1.7.15 and npm:@vladmandic/human@3.3.6 in Deno's cache (`deno cache` them once)",
  { inCi: true },
);

Deno.test({
  name: "pretrained face expression nets (npm packages, offline)" + packages.label,
  ignore: packages.ignore,
  fn: async (t) => {
    const photo = await readJpeg(join(faceApiDir!, FACE_API_SAMPLE.file));

    await t.step("the shipped photo decodes at its size", () => {
      assert.equal(photo.width, 1920);
      assert.equal(photo.height, 1280);
      assert.equal(photo.data.length, 1920 * 1280 * 3);
    });

    await t.step(
      "face-api: CAM equals Σ_k w_k^c f_k with fc/weights read straight from the manifest",
      async () => {
        const net = await loadFaceExpressionNet({ packageDir: faceApiDir });
        const raw = await readWeightsManifest(
          join(faceApiDir!, "model", "face_expression_model-weights_manifest.json"),
        );
        const W = raw["fc/weights"].values; // [256, 7]
        const b = raw["fc/bias"].values;
        const faces = faceCrops(photo, FACE_API_SAMPLE.faces, { size: 112 });
        const before = tf.memory().numTensors;
        const { logits, activations: { [net.camLayer]: features } } = net.apply(faces, {
          capture: [net.camLayer],
        });
        const f = await features.data(); // [3, 7, 7, 256]
        const z = await logits.data();
        tf.dispose([logits, features]);
        const maps = await cam(net, faces, { topK: 7, normalize: "none", upsample: false });
        assert.equal(tf.memory().numTensors, before, "no tensor leaks");
        assert.deepEqual(maps.shape, [21, 7, 7]);
        for (let m = 0; m < 21; m++) {
          const n = maps.record.imageIndex[m];
          const c = maps.record.classIndex[m];
          const hand = new Float32Array(49);
          let mean = 0;
          for (let p = 0; p < 49; p++) {
            for (let k = 0; k < 256; k++) hand[p] += W[k * 7 + c] * f[(n * 49 + p) * 256 + k];
            mean += hand[p] / 49;
          }
          assertClose(maps.maps.subarray(m * 49, (m + 1) * 49), hand, 1e-3, `M_${c} of face ${n}`);
          assert.ok(Math.abs(mean + b[c] - z[n * 7 + c]) < 1e-3, "GAP identity: mean(M_c) + b_c = logit");
        }
        // the smiling face (right) is "happy" for face-api
        assert.equal(maps.record.classIndex[14], 1);
        net.dispose();
        faces.dispose();
      },
    );

    await t.step("human emotion: probabilities equal tfjs-converter's run of the same graph", async () => {
      const net = await loadEmotionNet({ packageDir: humanDir });
      const faces = faceCrops(photo, FACE_API_SAMPLE.faces, { size: 64, grey: true });
      const ours = tf.tidy(() => tf.softmax(net.apply(faces).logits));
      const reference = await loadGraphModel(
        tf.io.fromMemory(await readModelArtifacts(emotionModelPath(humanDir))),
      );
      const theirs = tf.tidy(() => reference.execute(tf.mul(tf.sub(faces, 0.5), 2)) as tf.Tensor);
      assertClose(await ours.data(), await theirs.data(), 1e-6, "softmax");
      const probs = await ours.data();
      const right = Array.from(probs.subarray(14, 21));
      const top = right.indexOf(Math.max(...right));
      assert.equal(net.labels[top], "happy");
      theirs.dispose();
      reference.dispose();

      // CAM layer = the 7-channel conv, classifier = identity: CAM of class c is channel c.
      const before = tf.memory().numTensors;
      const { logits, activations: { [net.camLayer]: features } } = net.apply(faces, {
        capture: [net.camLayer],
      });
      const f = await features.data(); // [3, h, w, 7]
      const [, h, w] = features.shape;
      tf.dispose([features, logits]);
      const maps = await cam(net, faces, { classIndex: 3, normalize: "none", upsample: false });
      for (let n = 0; n < 3; n++) {
        const channel = Array.from({ length: h * w }, (_, p) => f[(n * h * w + p) * 7 + 3]);
        assertClose(maps.maps.subarray(n * h * w, (n + 1) * h * w), channel, 1e-5, `channel 3 of face ${n}`);
      }
      assert.equal(tf.memory().numTensors, before, "no tensor leaks (cam)");
      // Oracle: with W = I, Grad-CAM at the CAM layer has weights e_c / Z, i.e. ReLU(channel c) after min-max.
      const atCam = await gradCam(net, faces, { layer: net.camLayer, classIndex: 3 });
      const camRelu = await cam(net, faces, { classIndex: 3, relu: true });
      assertClose(atCam.maps, camRelu.maps, 1e-5, "Grad-CAM at the CAM layer = CAM with ReLU");
      assert.equal(net.gradCamLayer, "add_2/add");
      const grad = await gradCam(net, faces, { layer: net.gradCamLayer, topK: 7 });
      assert.deepEqual(grad.shape, [21, 64, 64]);
      assert.ok(grad.maps.every((v) => v >= 0 && v <= 1));
      assert.equal(tf.memory().numTensors, before, "no tensor leaks");
      const third = tf.slice(faces, [2, 0, 0, 0], [1, -1, -1, -1]);
      const shown = await expressionMaps(net, third);
      assert.deepEqual(shown.perClass.map((p) => p.label), [...HUMAN_EMOTIONS]);
      assert.deepEqual(shown.shape, [1, 64, 64]);
      assert.equal(shown.gradCamRecord.layer, "add_2/add");
      assert.equal(shown.camRecord.layer, "conv2d_5/BiasAdd");
      assertClose(shown.probabilities, (await ours.data()).subarray(14, 21), 1e-6, "probabilities of face 2");
      assert.equal(tf.memory().numTensors, before + 1, "no tensor leaks (the slice is ours)");
      tf.dispose([third, ours]);
      net.dispose();
      faces.dispose();
    });
  },
});
