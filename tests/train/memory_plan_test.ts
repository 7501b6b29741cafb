// Micro-batches (lib/train/memory_plan.ts and the loop in train.ts): the plan, the update equal to the full
// batch's, class weights across micro-batches, what differs with batch norm, exact resume, and the typed
// errors for what cannot fit.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { WASM_HEAP_LIMIT } from "../../lib/backend/mod.ts";
import { arrayDataset, type Dataset, type Sample } from "../../lib/data/mod.ts";
import { createModel, estimateStepMemory, HEAP_USABLE, type ZooModel } from "../../lib/models/mod.ts";
import type { CamModel } from "../../lib/models/model.ts";
import {
  evaluate,
  MemoryError,
  planMicroBatch,
  softmaxCrossEntropy,
  splitBatch,
  train,
  type TrainOptions,
} from "../../lib/train/mod.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";
import { straightAndResumed } from "./_resume.ts";

await testBackend();

const GiB = 2 ** 30;

function small(extra: Record<string, unknown> = {}): ZooModel {
  return createModel("small-gap", { inputShape: [16, 16, 1], widthMultiplier: 0.25, seed: 3, ...extra });
}

async function variablesOf(model: CamModel): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of [...Object.entries(model.trainable), ...Object.entries(model.state)]) {
    out[k] = (await v.data()) as Float32Array;
  }
  return out;
}

/** Largest |a − b| over every variable. */
function maxDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let m = 0;
  for (const k of Object.keys(a)) {
    for (let i = 0; i < a[k].length; i++) m = Math.max(m, Math.abs(a[k][i] - b[k][i]));
  }
  return m;
}

/** Samples [start, start + n) of a 16x16x1 dataset as an image batch. */
function imagesOf(ds: Dataset, start: number, n: number): tf.Tensor4D {
  const values = new Float32Array(n * 256);
  for (let i = 0; i < n; i++) values.set(ds.get(start + i).image, i * 256);
  return tf.tensor4d(values, [n, 16, 16, 1]);
}

/** Labels in a pattern whose micro-batches differ in class mix, so a mean of means is not the mean. */
function skewed(count: number): Dataset {
  const blobs = blobDataset(count, { seed: 31 });
  const labels = [0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1];
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) samples.push({ ...blobs.get(i), label: labels[i % labels.length] });
  return arrayDataset(samples);
}

/** One step (one epoch of one batch) of SGD without momentum: the update is −η times the gradient. */
const ONE_SGD_STEP: TrainOptions = {
  epochs: 1,
  batchSize: 12,
  shuffle: false,
  optimizer: { name: "sgd", momentum: 0 },
  learningRate: 0.1,
  seed: 4,
};

Deno.test("planMicroBatch", async (t) => {
  await t.step("splitBatch: ⌈n/m⌉ micro-batches of near-equal size", () => {
    assert.deepEqual(splitBatch(64, 20), [16, 16, 16, 16]);
    assert.deepEqual(splitBatch(10, 4), [4, 3, 3]);
    assert.deepEqual(splitBatch(7, 7), [7]);
    assert.deepEqual(splitBatch(7, 100), [7]);
    assert.deepEqual(splitBatch(5, 1), [1, 1, 1, 1, 1]);
  });

  await t.step(
    "paper size, estimate only: GoogLeNet-GAP and VGG16-GAP at 224 px, batch 64, fit the wasm heap",
    () => {
      const googlenet = planMicroBatch("googlenet-gap", { batchSize: 64, heapLimitBytes: WASM_HEAP_LIMIT });
      assert.deepEqual(googlenet.sizes, [22, 21, 21]); // at most 22 fit 70% of the limit (lib/models/memory.ts)
      assert.equal(googlenet.source, "auto");
      assert.ok(
        googlenet.estimateBytes <= HEAP_USABLE * WASM_HEAP_LIMIT,
        `${googlenet.estimateBytes / GiB} GiB`,
      );
      assert.ok(estimateStepMemory("googlenet-gap", { batchSize: 64 }).bytes > WASM_HEAP_LIMIT);

      const vgg = planMicroBatch("vgg16-gap", { batchSize: 64, heapLimitBytes: WASM_HEAP_LIMIT });
      assert.equal(vgg.sizes.reduce((a, b) => a + b, 0), 64);
      assert.ok(vgg.microBatch >= 4 && vgg.sizes.length > 1, `${vgg.sizes}`);
      assert.ok(vgg.estimateBytes <= HEAP_USABLE * WASM_HEAP_LIMIT, `${vgg.estimateBytes / GiB} GiB`);
      const bigger =
        estimateStepMemory("vgg16-gap", { batchSize: vgg.microBatch + 1, accumulate: true }).bytes;
      assert.ok(bigger > HEAP_USABLE * WASM_HEAP_LIMIT, "the largest micro-batch that fits");
    },
  );

  await t.step("the full batch when it fits, or when there is no limit; a given number as given", () => {
    assert.deepEqual(planMicroBatch("small-gap", { batchSize: 32, heapLimitBytes: WASM_HEAP_LIMIT }).sizes, [
      32,
    ]);
    const none = planMicroBatch("vgg16-gap", { batchSize: 64, heapLimitBytes: null });
    assert.deepEqual([none.sizes, none.source, none.limitBytes], [[64], "no heap limit", null]);
    const given = planMicroBatch("vgg16-gap", { batchSize: 10, microBatch: 4, heapLimitBytes: null });
    assert.deepEqual([given.sizes, given.source], [[4, 3, 3], "given"]);
  });

  await t.step(
    "a step that cannot fit even at micro-batch 1 is a MemoryError naming model, input, batch, bytes and limit",
    () => {
      const need = estimateStepMemory("vgg16-gap", { batchSize: 1, accumulate: true }).bytes;
      assert.throws(() => planMicroBatch("vgg16-gap", { batchSize: 64, heapLimitBytes: 100 * 2 ** 20 }), {
        name: "MemoryError",
        message:
          "vgg16-gap: a training step at input 224x224x3 with batch 64 does not fit the heap: even a " +
          `micro-batch of 1 needs an estimated ${(need / 2 ** 20).toFixed(1)} MiB ` +
          `(${
            need.toLocaleString("en-US")
          } bytes), over 70% of the limit of 100.0 MiB (104,857,600 bytes); ` +
          "use a smaller input or width, or a backend without this limit",
      });
    },
  );

  await t.step("a given micro-batch over the whole limit is refused before allocating", () => {
    // Batch 40 is where GoogLeNet-GAP's step runs out of the wasm heap (bench/paper_batch.ts --no-limit).
    const need = estimateStepMemory("googlenet-gap", { batchSize: 40 }).bytes;
    assert.throws(
      () =>
        planMicroBatch("googlenet-gap", { batchSize: 40, microBatch: 40, heapLimitBytes: WASM_HEAP_LIMIT }),
      {
        name: "MemoryError",
        message:
          "googlenet-gap: a training step at input 224x224x3 with batch 40 does not fit the heap: microBatch " +
          `40 needs an estimated ${(need / GiB).toFixed(1)} GiB (${
            need.toLocaleString("en-US")
          } bytes), over the ` +
          'limit of 4.0 GiB (4,294,901,760 bytes); use microBatch "auto"',
      },
    );
  });

  await t.step("bad options are TrainErrors", () => {
    assert.throws(() => planMicroBatch("small-gap", { batchSize: 8, microBatch: 0 }), {
      name: "TrainError",
      message: 'train: microBatch must be "auto" or a positive integer, got 0',
    });
    assert.throws(() => planMicroBatch("small-gap", { batchSize: 8, heapLimitBytes: -1 }), {
      name: "TrainError",
      message: "train: heapLimitBytes must be a positive number or null, got -1",
    });
  });
});

Deno.test("train in micro-batches", async (t) => {
  const data = { train: skewed(12) };

  await t.step(
    "without batch norm the update equals the full batch's (GAP, dropout, SGD): to float32 rounding",
    async () => {
      const full = small({ dropout: 0.3 });
      const r1 = await train(full, data, ONE_SGD_STEP);
      const split = small({ dropout: 0.3 });
      const r2 = await train(split, data, { ...ONE_SGD_STEP, microBatch: 5 });
      assert.deepEqual(r1.plan.sizes, [12]);
      assert.deepEqual(r2.plan.sizes, [4, 4, 4]);
      const diff = maxDiff(await variablesOf(full), await variablesOf(split));
      assert.ok(diff < 1e-6, `max |Δw| ${diff}`);
      assert.ok(Math.abs(r1.history[0].loss - r2.history[0].loss) < 1e-6);
      assert.equal(r1.history[0].accuracy, r2.history[0].accuracy);
      // ...and the step moved the weights (the comparison is not between two untouched models)
      assert.ok(maxDiff(await variablesOf(small({ dropout: 0.3 })), await variablesOf(split)) > 1e-4);
      for (const m of [full, split]) m.dispose();
    },
  );

  await t.step(
    "class weights: the full batch's weighted mean, not a mean of the micro-batches' means",
    async () => {
      const classWeights = [1, 4];
      const full = small();
      const r1 = await train(full, data, { ...ONE_SGD_STEP, classWeights });
      const split = small();
      const r2 = await train(split, data, { ...ONE_SGD_STEP, classWeights, microBatch: 5 });
      assert.ok(maxDiff(await variablesOf(full), await variablesOf(split)) < 1e-6);
      assert.ok(Math.abs(r1.history[0].loss - r2.history[0].loss) < 1e-6);
      // The mean of the three micro-batches' weighted means is another number: the test can tell them apart.
      const fresh = small();
      const images = imagesOf(data.train, 0, 12);
      const labels = Int32Array.from({ length: 12 }, (_, i) => data.train.get(i).label);
      const losses = tf.tidy(() => {
        const logits = fresh.apply(images, { training: true, seed: 0 }).logits;
        const whole = softmaxCrossEntropy(logits, labels, { classWeights }).dataSync()[0];
        const parts = [0, 4, 8].map((s) =>
          softmaxCrossEntropy(tf.slice(logits, [s, 0], [4, 2]), labels.subarray(s, s + 4), { classWeights })
            .dataSync()[0]
        );
        return { whole, meanOfMeans: parts.reduce((a, b) => a + b, 0) / 3 };
      });
      assert.ok(
        Math.abs(losses.whole - r2.history[0].loss) < 1e-5,
        `${losses.whole} vs ${r2.history[0].loss}`,
      );
      assert.ok(Math.abs(losses.meanOfMeans - losses.whole) > 1e-3, JSON.stringify(losses));
      images.dispose();
      for (const m of [full, split, fresh]) m.dispose();
    },
  );

  await t.step(
    "batch norm differs: per-micro-batch statistics, moving averages updated per micro-batch",
    async () => {
      const full = small({ batchNorm: true });
      await train(full, data, ONE_SGD_STEP);
      const split = small({ batchNorm: true });
      await train(split, data, { ...ONE_SGD_STEP, microBatch: 5 });
      const [a, b] = [await variablesOf(full), await variablesOf(split)];
      const trainableKeys = Object.keys(full.trainable);
      const pick = (v: Record<string, Float32Array>, keys: string[]) =>
        Object.fromEntries(keys.map((k) => [k, v[k]]));
      // The gradients use each micro-batch's own mean and variance: the update is not the full batch's.
      assert.ok(maxDiff(pick(a, trainableKeys), pick(b, trainableKeys)) > 1e-4);
      // The moving statistics are those of three training-mode passes, one per micro-batch, in order.
      const reference = small({ batchNorm: true });
      for (const s of [0, 4, 8]) {
        const x = imagesOf(data.train, s, 4);
        tf.tidy(() => void reference.apply(x, { training: true }));
        x.dispose();
      }
      const stateKeys = Object.keys(full.state);
      const r = await variablesOf(reference);
      assert.ok(stateKeys.length > 0);
      assert.ok(maxDiff(pick(b, stateKeys), pick(r, stateKeys)) < 1e-6);
      assert.ok(
        maxDiff(pick(a, stateKeys), pick(r, stateKeys)) > 1e-4,
        "and not the full batch's single update",
      );
      for (const m of [full, split, reference]) m.dispose();
    },
  );

  await t.step('"auto" splits under a heap limit, and the update is still the full batch\'s', async () => {
    const model = small();
    const sgd = { optimizer: "sgd" as const, accumulate: true };
    const limit = estimateStepMemory(model, { ...sgd, batchSize: 4 }).bytes / HEAP_USABLE + 1;
    assert.ok(estimateStepMemory(model, { ...sgd, batchSize: 5 }).bytes > HEAP_USABLE * limit);
    const r = await train(model, data, { ...ONE_SGD_STEP, heapLimitBytes: limit });
    assert.deepEqual([r.plan.sizes, r.plan.source, r.plan.limitBytes], [[4, 4, 4], "auto", limit]);
    const full = small();
    await train(full, data, { ...ONE_SGD_STEP, heapLimitBytes: null });
    assert.ok(maxDiff(await variablesOf(full), await variablesOf(model)) < 1e-6);
    for (const m of [full, model]) m.dispose();
  });

  await t.step(
    "exact resume stays bit-identical in micro-batches (batch norm, dropout, augmentation)",
    async () => {
      const trainSet = blobDataset(40, { seed: 21 });
      const options: TrainOptions = {
        epochs: 3,
        batchSize: 16,
        microBatch: 6,
        learningRate: 0.005,
        seed: 3,
        augment: { flip: true },
      };
      const extra = { batchNorm: true, dropout: 0.3 };
      const { straight, resumed, result: r } = await straightAndResumed(
        () => small(extra),
        trainSet,
        options,
      );
      assert.equal(r.resumedFrom, 1);
      assert.deepEqual(await variablesOf(resumed), await variablesOf(straight));
      for (const m of [straight, resumed]) m.dispose();
    },
  );

  await t.step("tensors do not leak across micro-batched epochs", async () => {
    const model = small();
    await train(model, data, { ...ONE_SGD_STEP, microBatch: 5 });
    const before = tf.memory().numTensors;
    await train(model, data, { ...ONE_SGD_STEP, epochs: 3, microBatch: 5 });
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });
});

/** A model whose forward pass fails as the wasm heap does when it runs out, from the `failAt`-th pass on. */
function exhausted(model: ZooModel, failAt = 1): CamModel {
  let passes = 0;
  const wrapper = Object.create(model) as ZooModel;
  wrapper.apply = (images, options) => {
    if (++passes >= failAt) throw new WebAssembly.RuntimeError("memory access out of bounds");
    return model.apply(images, options);
  };
  return wrapper;
}

Deno.test("train: what cannot fit", async (t) => {
  const data = { train: skewed(12) };

  await t.step("a batch that cannot fit at micro-batch 1 fails before anything is allocated", async () => {
    const model = small();
    const before = await variablesOf(model);
    const tensors = tf.memory().numTensors;
    await assert.rejects(train(model, data, { ...ONE_SGD_STEP, heapLimitBytes: 1024 }), {
      name: "MemoryError",
      message:
        /^small-gap: a training step at input 16x16x1 with batch 12 does not fit the heap: even a micro-batch of 1 needs an estimated .* bytes\), over 70% of the limit of 1.0 KiB \(1,024 bytes\)/,
    });
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(await variablesOf(model), before);
    model.dispose();
  });

  await t.step(
    "a wasm RuntimeError in the step is a MemoryError that says the weights are unchanged",
    async () => {
      const model = small();
      const before = await variablesOf(model);
      const error = await train(exhausted(model), data, ONE_SGD_STEP).catch((e) => e);
      assert.ok(error instanceof MemoryError, String(error));
      assert.ok(error.cause instanceof WebAssembly.RuntimeError);
      assert.deepEqual(
        [error.details.model, error.details.inputShape, error.details.batchSize, error.details.work],
        ["small-gap", [16, 16, 1], 12, "training step"],
      );
      assert.match(
        error.message,
        /^small-gap: the wasm heap ran out \(RuntimeError: memory access out of bounds\) in a training step at input 16x16x1 with batch 12; estimated .* per step, limit 4\.0 GiB .*; the weights and optimizer state are those before this step \(it failed in micro-batch 1 of 1, before the update\); the wasm backend may be unusable now/,
      );
      assert.deepEqual(await variablesOf(model), before);
      model.dispose();
    },
  );

  await t.step("...in a later micro-batch of a batch-norm model: its moving statistics moved", async () => {
    const model = small({ batchNorm: true });
    const error = await train(exhausted(model, 2), data, { ...ONE_SGD_STEP, microBatch: 5 }).catch((e) => e);
    assert.ok(error instanceof MemoryError);
    assert.match(
      error.message,
      /with batch 12 \(micro-batch 4\);.*it failed in micro-batch 2 of 3, before the update\), but batch-norm moving statistics include the 1 micro-batch\(es\) that ran;/,
    );
    model.dispose();
  });

  await t.step("evaluate sizes its passes by the inference estimate, with the same results", async () => {
    const model = small();
    const test = skewed(20);
    let passes = 0;
    const counting = Object.create(model) as ZooModel;
    counting.apply = (images, options) => {
      passes++;
      return model.apply(images, options);
    };
    const limit = estimateStepMemory(model, { batchSize: 8, training: false }).bytes / HEAP_USABLE + 1;
    const capped = await evaluate(counting, test, { batchSize: 20, heapLimitBytes: limit });
    assert.equal(passes, 3); // 8 + 8 + 4
    const whole = await evaluate(model, test, { batchSize: 20, heapLimitBytes: null });
    assert.deepEqual(capped.probabilities, whole.probabilities);
    await assert.rejects(evaluate(model, test, { heapLimitBytes: 1024 }), {
      name: "MemoryError",
      message:
        /^small-gap: inference at input 16x16x1 with batch 64 \(evaluate\) does not fit the heap: one image needs an estimated .*, over 70% of the limit of 1.0 KiB/,
    });
    model.dispose();
  });
});
