import * as tf from "../../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam } from "../../../lib/cam/mod.ts";
import { arrayDataset, type Sample } from "../../../lib/data/mod.ts";
import type { ApplyOptions, ApplyResult, CamModel } from "../../../lib/models/mod.ts";
import { withClassifier } from "../../../lib/probes/mod.ts";
import {
  classUnits,
  conceptDetector,
  maskImage,
  unitTopImages,
  weakLabels,
} from "../../../lib/study/transfer/mod.ts";
import { useCpu } from "../../_helpers.ts";

await useCpu();

/** A hand network whose CAM layer is the input itself (8x8x2): unit k's map is channel k. */
function identityModel(): CamModel {
  const weights = tf.variable(tf.tensor2d([[1, -1], [3, 2]]), false);
  const bias = tf.variable(tf.zeros([2]), false);
  return {
    config: { name: "identity", inputShape: [8, 8, 2], numClasses: 2, pooling: "gap", widthMultiplier: 1 },
    trainable: {},
    state: {},
    layerNames: ["input"],
    convLayers: ["input"],
    camLayer: "input",
    apply(images: tf.Tensor4D, options: ApplyOptions = {}): ApplyResult {
      return tf.tidy(() => {
        let features = tf.mul(images, 1) as tf.Tensor4D;
        if (options.perturb?.input) features = tf.add(features, options.perturb.input);
        const logits = tf.add(
          tf.matMul(tf.mean(features, [1, 2]) as tf.Tensor2D, weights),
          bias,
        ) as tf.Tensor2D;
        const activations: Record<string, tf.Tensor> = {};
        if (options.capture?.includes("input")) activations.input = features;
        return { logits, features, activations };
      });
    },
    classifier: () => ({ weights: weights as unknown as tf.Tensor2D, bias: bias as unknown as tf.Tensor1D }),
    dispose: () => tf.dispose([weights, bias]),
  };
}

/** 8x8x2 images: channel 0 a faint ramp scaled by i; channel 1 a bright 2x2 blob at (bx, by) when `blob`. */
function blobImage(i: number, blob: boolean): Sample {
  const image = new Float32Array(128);
  for (let p = 0; p < 64; p++) image[2 * p] = 0.01 * ((p + i) % 7) * (i % 5);
  const bx = i % 6, by = (i * 3) % 6;
  if (blob) {
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) image[2 * ((by + dy) * 8 + bx + dx) + 1] = 1;
  }
  return { image, height: 8, width: 8, channels: 2, label: blob ? 1 : 0, meta: { bx, by } };
}

Deno.test("class-specific units", async (t) => {
  const model = identityModel();

  await t.step("classUnits ranks units by w_k^c, largest first", async () => {
    assert.deepEqual(await classUnits(model, 0), [{ unit: 1, weight: 3 }, { unit: 0, weight: 1 }]);
    assert.deepEqual(await classUnits(model, 1, { top: 1 }), [{ unit: 1, weight: 2 }]);
    const svmModel = withClassifier(model, new Float32Array([5, 0, -1, 0]), new Float32Array(2));
    assert.deepEqual((await classUnits(svmModel, 0)).map((u) => u.unit), [0, 1]);
    svmModel.dispose();
    await assert.rejects(classUnits(model, 2), {
      name: "TransferError",
      message: "classUnits: class 2 is not in [0, 2)",
    });
  });

  await t.step("unitTopImages: highest mean activation first, maps upsampled, masks at τ·max", async () => {
    const data = arrayDataset(Array.from({ length: 10 }, (_, i) => blobImage(i, i % 3 === 0)));
    const before = tf.memory().numTensors;
    const [u0, u1] = await unitTopImages(model, data, [0, 1], { perUnit: 3, batchSize: 4 });
    assert.equal(tf.memory().numTensors, before, "no leaks");
    // unit 1 = the blob channel: only images 0, 3, 6, 9 have a blob; all have the same mean 4/64
    assert.deepEqual(u1.images.map((im) => im.index), [0, 3, 6]);
    assert.equal(u1.images[0].activation, 4 / 64);
    const { bx, by } = data.get(3).meta as { bx: number; by: number };
    const mask = u1.images[1].mask;
    assert.equal(mask.reduce((a, b) => a + b, 0), 4, "mask = the 2x2 blob");
    assert.equal(mask[by * 8 + bx], 1);
    // unit 0: channel 0's mean grows with (i % 5)
    const mean0 = (i: number) =>
      data.get(i).image.filter((_, p) => p % 2 === 0).reduce((a, b) => a + b, 0) / 64;
    const expected = Array.from({ length: 10 }, (_, i) => i).sort((a, b) => mean0(b) - mean0(a) || a - b);
    assert.deepEqual(u0.images.map((im) => im.index), expected.slice(0, 3));
    const dimmed = maskImage(data.get(3).image, mask, 0);
    assert.ok(dimmed.every((v, i) => mask[Math.floor(i / 2)] === 1 || v === 0), "only the blob survives");
    assert.equal(dimmed.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0), 4);
    await assert.rejects(unitTopImages(model, data, [2]), {
      name: "TransferError",
      message: "unitTopImages: unit 2 is not in [0, 2)",
    });
  });
  model.dispose();
});

Deno.test("pattern discovery: a concept detector from weak labels localizes the concept", async (t) => {
  const model = identityModel();
  const source = arrayDataset(
    Array.from({ length: 30 }, (_, i) => ({ ...blobImage(i, i % 4 === 1), label: i % 2 })),
  );

  await t.step("weakLabels: all positives, a seeded draw of as many negatives", () => {
    const set = weakLabels(
      source,
      (s) => (s.meta as { bx: number }) && s.image.some((v, p) => p % 2 === 1 && v > 0),
    );
    assert.equal(set.positives, 8);
    assert.equal(set.negatives, 8);
    assert.equal(set.size, 16);
    const again = weakLabels(source, (s) => s.image.some((v, p) => p % 2 === 1 && v > 0));
    assert.deepEqual(set.indices, again.indices, "seeded");
    const labels = Array.from({ length: set.size }, (_, i) => set.get(i).label);
    assert.equal(labels.filter((l) => l === 1).length, 8);
    assert.equal(set.get(0).meta?.sourceLabel, source.get(set.indices[0]).label);
    assert.throws(() => weakLabels(source, () => false), {
      name: "TransferError",
      message: "weakLabels: no sample has the concept",
    });
  });

  await t.step("the SVM separates the weak labels and its CAM peaks on the blob", async () => {
    const set = weakLabels(source, (s) => s.image.some((v, p) => p % 2 === 1 && v > 0), { seed: 4 });
    const detector = await conceptDetector(model, set, { svm: { cost: 10 } });
    assert.equal(detector.trainAccuracy, 1);
    const probe = blobImage(40, true); // a blob at a place no training positive had
    const x = tf.tensor4d(probe.image, [1, 8, 8, 2]);
    const maps = await cam(detector.model, x, { classIndex: 1, upsample: false });
    x.dispose();
    const peak = maps.maps.indexOf(Math.max(...maps.maps));
    const { bx, by } = probe.meta as { bx: number; by: number };
    const [px, py] = [peak % 8, Math.floor(peak / 8)];
    assert.ok(
      px >= bx && px <= bx + 1 && py >= by && py <= by + 1,
      `peak (${px}, ${py}) vs blob (${bx}, ${by})`,
    );
    detector.model.dispose();
  });
  model.dispose();
});
