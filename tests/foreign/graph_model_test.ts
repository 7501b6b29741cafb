import * as tf from "../../lib/tf.ts";
import { loadGraphModel } from "@tensorflow/tfjs-converter";
import assert from "node:assert/strict";
import { join } from "node:path";
import { cam, gradCam, gradCamPlusPlus, saliency, scoreCam } from "../../lib/cam/mod.ts";
import {
  emotionModelPath,
  FACE_API_PACKAGE,
  FACE_API_SAMPLE,
  faceCrops,
  faceResModelPath,
  fromGraphModel,
  HUMAN_PACKAGE,
  humanAge,
  loadEmotionNet,
  loadFaceResNet,
  loadGraphModelFile,
  npmPackageDir,
  readJpeg,
  readModelArtifacts,
} from "../../lib/foreign/mod.ts";
import { needs } from "../_skip.ts";
import { assertClose, useCpu } from "../_helpers.ts";
import { handGraph } from "./_graph_models.ts";

await useCpu();

function images(rank: 2 | 3, n: number): tf.Tensor4D | tf.Tensor5D {
  const shape = rank === 2 ? [n, 6, 6, 1] : [n, 6, 6, 6, 1];
  const x: tf.Tensor = tf.randomUniform(shape, 0, 1, "float32", 7);
  return x as tf.Tensor4D | tf.Tensor5D;
}

for (const rank of [2, 3] as const) {
  Deno.test(`a hand-written GraphModel (${rank}-D) run by tfjs-converter, explained through fromGraphModel`, async (t) => {
    const { model, weights } = await handGraph(rank);
    const net = fromGraphModel(model, { name: `hand-${rank}d` });
    const x = images(rank, 3);
    const positions = rank === 2 ? 36 : 216;
    const before = tf.memory().numTensors;

    await t.step(
      "layers without the common prefix; the Mean → _FusedMatMul head; pre-softmax scores",
      async () => {
        assert.deepEqual(net.layerNames, [
          `conv/Conv${rank}D`,
          "conv/BiasAdd",
          "conv/Relu",
          "pool/Mean",
          "fc/BiasAdd",
        ]);
        assert.equal(net.camLayer, "conv/Relu");
        assert.deepEqual(net.head, { camLayer: "conv/Relu", pooling: "gap", dense: "fc/BiasAdd" });
        assert.equal(net.config.scoresFrom, "fc/BiasAdd");
        assert.equal(net.config.output, "Identity");
        const probabilities = tf.tidy(() => tf.softmax(net.apply(x).logits));
        const out = model.execute(x) as tf.Tensor;
        assertClose(
          await probabilities.data(),
          await out.data(),
          1e-6,
          "softmax(scores) = the graph's output",
        );
        tf.dispose([probabilities, out]);
      },
    );

    await t.step(
      "CAM equals Σ_k w_k^c f_k with f = ReLU(conv(x) + b) computed here from the weights",
      async () => {
        const features = tf.tidy(() => {
          const kernel = tf.tensor(weights.kernel, rank === 2 ? [3, 3, 1, 4] : [3, 3, 3, 1, 4]);
          const conv = rank === 2
            ? tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, "same")
            : tf.conv3d(x as tf.Tensor5D, kernel as tf.Tensor5D, 1, "same");
          return tf.relu(tf.add(conv, tf.tensor1d(weights.bias)));
        });
        const f = await features.data();
        features.dispose();
        const r = await cam(net, x, { topK: 3, normalize: "none", upsample: false });
        for (let m = 0; m < 9; m++) {
          const n = r.record.imageIndex[m], c = r.record.classIndex[m];
          const hand = Array.from({ length: positions }, (_, p) => {
            let s = 0;
            for (let k = 0; k < 4; k++) s += weights.fcKernel[k * 3 + c] * f[(n * positions + p) * 4 + k];
            return s;
          });
          assertClose(
            r.maps.subarray(m * positions, (m + 1) * positions),
            hand,
            1e-5,
            `M_${c} of image ${n}`,
          );
        }
      },
    );

    await t.step(
      "Grad-CAM at the CAM layer equals CAM; re-entry at a node gives finite-difference weights",
      async () => {
        const g = await gradCam(net, x, { classIndex: 1, relu: false });
        const c = await cam(net, x, { classIndex: 1 });
        assertClose(g.maps, c.maps, 1e-5);
        const early = await gradCam(net, x, { layer: `conv/Conv${rank}D`, classIndex: 2, upsample: false });
        const eps = 1e-3;
        const one = tf.slice(x, 0, 1);
        for (let k = 0; k < 4; k++) {
          const y = (sign: number) =>
            tf.tidy(() => {
              const bump = tf.mul(
                tf.oneHot(tf.fill([1, ...(rank === 2 ? [6, 6] : [6, 6, 6])], k, "int32"), 4),
                sign * eps,
              );
              return net.apply(one, { perturb: { [`conv/Conv${rank}D`]: bump } }).logits.dataSync()[2];
            });
          const fd = (y(1) - y(-1)) / (2 * eps) / positions;
          assert.ok(
            Math.abs(early.weights![k] - fd) <= 1e-2 * Math.abs(fd) + 1e-6,
            `α_${k}: ${early.weights![k]} vs ${fd}`,
          );
        }
        one.dispose();
      },
    );

    await t.step("every method; capture and perturb take full node names too", async () => {
      for (
        const r of [
          await gradCamPlusPlus(net, x, { layer: "conv/BiasAdd" }),
          await scoreCam(net, x),
          await saliency(net, x),
        ]
      ) {
        assert.deepEqual(r.shape.slice(1), rank === 2 ? [6, 6] : [6, 6, 6]);
        assert.ok(r.maps.every((v) => v >= 0 && v <= 1), r.record.method);
      }
      const both = tf.tidy(() => {
        const a = net.apply(x, { capture: ["conv/Relu"] }).activations["conv/Relu"];
        const b = net.apply(x, { capture: ["net/conv/Relu"] }).activations["net/conv/Relu"];
        return tf.max(tf.abs(tf.sub(a, b)));
      });
      assert.equal((await both.data())[0], 0);
      both.dispose();
    });

    await t.step("errors name the model and the layer", async () => {
      const layers = `conv/Conv${rank}D, conv/BiasAdd, conv/Relu, pool/Mean, fc/BiasAdd`;
      await assert.rejects(gradCam(net, x, { layer: "conv/Tanh" }), {
        name: "CamError",
        message: `gradCam: unknown layer "conv/Tanh" in hand-${rank}d (layers: ${layers})`,
      });
      const zero = tf.scalar(0);
      assert.throws(() => net.apply(x, { perturb: { "conv/Tanh": zero } }), {
        name: "ForeignModelError",
        message: `hand-${rank}d: no layer "conv/Tanh" (layers: ${layers})`,
      });
      zero.dispose();
      const early = fromGraphModel(model, { name: "early", camLayer: "conv/BiasAdd" });
      await assert.rejects(cam(early, x), {
        name: "ForeignModelError",
        message:
          `early: CAM needs the map fed to global pooling ("conv/Relu"), not "conv/BiasAdd"; use gradCam there (layers: ${layers})`,
      });
      assert.throws(() => fromGraphModel(model, { output: "probs" }), {
        name: "ForeignModelError",
        message: 'graph-model: no output "probs" (outputs: Identity)',
      });
    });

    await t.step("no tensor outlives a call, errors included", () => {
      assert.equal(tf.memory().numTensors, before);
    });
    x.dispose();
    net.dispose();
  });
}

const humanDir = npmPackageDir(HUMAN_PACKAGE.name, HUMAN_PACKAGE.version);
const faceApiDir = npmPackageDir(FACE_API_PACKAGE.name, FACE_API_PACKAGE.version);
const human = needs(
  humanDir != null && faceApiDir != null,
  "npm:@vladmandic/human@3.3.6 and npm:@vladmandic/face-api@1.7.15 in Deno's cache (`deno cache` them once)",
  { inCi: true },
);

Deno.test({
  name:
    "human's GraphModels from the npm package: emotion (pool → scores) and faceres (pool → dense → dense)" +
    human.label,
  ignore: human.ignore,
  fn: async (t) => {
    const photo = await readJpeg(join(faceApiDir!, FACE_API_SAMPLE.file));

    await t.step(
      "emotion: the 7-channel map before the Mean is the CAM layer, the classifier the identity",
      async () => {
        const net = await loadEmotionNet({ packageDir: humanDir });
        assert.deepEqual(net.head, { camLayer: "conv2d_5/BiasAdd", pooling: "gap", dense: null });
        assert.equal(net.config.scoresFrom, "global_average_pooling2d_1/Mean");
        assert.equal(net.layerNames.at(-1), "global_average_pooling2d_1/Mean");
        const faces = faceCrops(photo, FACE_API_SAMPLE.faces, { size: 64, grey: true });
        const before = tf.memory().numTensors;
        const r = await cam(net, faces, { classIndex: 3, normalize: "none", upsample: false });
        const f = tf.tidy(() =>
          net.apply(faces, { capture: ["conv2d_5/BiasAdd"] }).activations["conv2d_5/BiasAdd"]
        );
        const channel = tf.tidy(() => tf.squeeze(tf.slice(f, [0, 0, 0, 3], [-1, -1, -1, 1]), [3]));
        assertClose(r.maps, await channel.data(), 1e-5, "CAM of class 3 = channel 3");
        tf.dispose([f, channel]);
        assert.equal(tf.memory().numTensors, before);
        faces.dispose();
        net.dispose();
      },
    );

    await t.step(
      "faceres: several outputs must be picked; the age head refuses CAM, saying why",
      async () => {
        const graph = await loadGraphModelFile(faceResModelPath(humanDir));
        assert.throws(() => fromGraphModel(graph, { name: "faceres" }), {
          name: "ForeignModelError",
          message: "faceres: has 3 outputs (gender_pred/Sigmoid, global_pooling/Mean, age_pred/Softmax); " +
            "pick one with output",
        });
        const net = fromGraphModel(graph, { name: "faceres", output: "age_pred/Softmax" });
        assert.equal(net.config.scoresFrom, "age_pred/BiasAdd");
        assert.equal(net.camLayer, "conv_pw_13_relu/clip_by_value");
        assert.equal(net.head, null);
        const faces = faceCrops(photo, FACE_API_SAMPLE.faces.slice(0, 1), { size: 224 });
        const before = tf.memory().numTensors;
        await assert.rejects(cam(net, faces), {
          name: "ForeignModelError",
          message: new RegExp(
            '^faceres: CAM needs global pooling → dense after the CAM layer "conv_pw_13_relu/clip_by_value"; ' +
              'the scores come from "age_pred/BiasAdd" \\(_FusedMatMul\\) ← "feats/Relu" \\(_FusedMatMul\\) ' +
              "\\(layers: conv1_bn/batchnorm_1/mul_1, .*, feats/Relu, age_pred/BiasAdd\\)$",
          ),
        });
        assert.equal(tf.memory().numTensors, before, "no leak on the refused call");
        const gender = fromGraphModel(graph, { output: "gender_pred/Sigmoid" });
        assert.equal(gender.config.scoresFrom, "gender_pred/BiasAdd");
        faces.dispose();
        net.dispose();
      },
    );

    await t.step(
      "faceres: where the age net looks (Grad-CAM), probabilities as tfjs-converter gives them",
      async () => {
        const net = await loadFaceResNet({ packageDir: humanDir });
        const faces = faceCrops(photo, FACE_API_SAMPLE.faces, { size: 224 });
        const reference = await loadGraphModel(
          tf.io.fromMemory(await readModelArtifacts(faceResModelPath(humanDir))),
        );
        const theirs = tf.tidy(() => reference.execute(tf.mul(faces, 255), "age_pred/Softmax") as tf.Tensor);
        const ours = tf.tidy(() => tf.softmax(net.apply(faces).logits));
        const p = await ours.data();
        assertClose(p, await theirs.data(), 1e-5, "age probabilities");
        for (let n = 0; n < 3; n++) {
          const age = humanAge(p.subarray(n * 100, (n + 1) * 100));
          assert.ok(age > 10 && age < 70, `face ${n}: age ${age}`);
        }
        tf.dispose([theirs, ours]);
        reference.dispose();
        const before = tf.memory().numTensors;
        const g = await gradCam(net, faces, { layer: net.gradCamLayer });
        assert.deepEqual(g.shape, [3, 224, 224]);
        assert.deepEqual(g.record.mapSize, [14, 14]);
        assert.equal(g.record.model, "human-faceres");
        assert.ok(g.maps.every((v) => v >= 0 && v <= 1));
        assert.equal(tf.memory().numTensors, before);
        faces.dispose();
        net.dispose();
      },
    );

    await t.step("the emotion graph's files load the same through readModelArtifacts", async () => {
      const a = await readModelArtifacts(emotionModelPath(humanDir));
      assert.equal(a.format, "graph-model");
      assert.equal(a.weightSpecs!.length, 23);
    });
  },
});
